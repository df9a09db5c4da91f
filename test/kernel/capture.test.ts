/**
 * Capture (guest/scenario-capture.sh): lvsh commits test/fixtures/lab/
 * capture.lvsh (every option of the language) on the real kernel, and the
 * state tools' outputs are golden fixtures in test/fixtures/lab/. The
 * project's parsers must read them back into exactly what lvsh committed.
 *
 * UPDATE_GOLDEN=1 npm run test:kernel   copies this run's capture over the
 * golden files (review the diff); without it, they must match this run's
 * (counters and timestamps masked).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { captureDesired, CAPTURE_FILES, differences, listingProblems, missingFiles, normalized, readCapture } from "./capture.js";
import { checkLvsh, saveLines, type Fetch, type LvshRun, type Snap, type Stats } from "./checks.js";
import { scenario, titled } from "./lab.js";

const lab = inject("lab");
const GOLDEN = resolve("test/fixtures/lab");
const SCRIPT = readFileSync(join(GOLDEN, "capture.lvsh"), "utf8");

interface CaptureResult {
  commit: LvshRun;
  fetch: Fetch;
  stats: Stats;
  clear: LvshRun;
  after_clear: Snap;
  commit_legacy: LvshRun;
  ipvsadm_legacy_pass: string;
  files: string[];
}

/** What lvsh would still change after reading the capture (with each arptables build's saves): nothing, when it reads back what it committed. */
async function agrees(dir: string): Promise<string[]> {
  const desired = captureDesired(SCRIPT);
  const out: string[] = [];
  for (const build of ["nft", "legacy"] as const) {
    const read = await readCapture(dir, desired, build);
    out.push(...[...read.problems, ...differences(read.state, desired)].map((p) => `${build}: ${p}`));
  }
  return out;
}

describe.skipIf(lab.skip !== undefined)(titled(lab, "lab: capture of the state tools after lvsh commits every option"), () => {
  const r = (): CaptureResult => scenario<CaptureResult>(lab, "capture");
  const dir = (): string => join(lab.dir!, "capture", "capture");

  it("commits capture.lvsh (arptables-nft), clears it, commits it again (arptables-legacy)", () => {
    expect(checkLvsh(r().commit)).toEqual([]);
    expect(checkLvsh(r().clear)).toEqual([]);
    expect(checkLvsh(r().commit_legacy)).toEqual([]);
  });

  it("`clear; commit` leaves nothing lvsh manages behind", () => {
    const s = r().after_clear;
    expect(saveLines(s.lb!.ipvsadm)).toEqual([]);
    for (const h of ["rs1", "rs2", "rs3"]) expect(s[h]!.addr.includes("203.0.113.5"), h).toBe(false);
  });

  it("builds the same table both times", () => {
    expect(r().ipvsadm_legacy_pass.trim()).toBe(readFileSync(join(dir(), "ipvsadm-Sn.txt"), "utf8").trim());
  });

  it("captured every file", () => {
    expect(missingFiles(dir())).toEqual([]);
  });

  it("lvsh's reader reads this run's capture into exactly what lvsh committed (no plan left)", async () => {
    expect(await agrees(dir())).toEqual([]);
  });

  it("-Ln, --stats and --rate list the table of -Sn, with no line the parsers cannot read", () => {
    expect(listingProblems(dir())).toEqual([]);
  });

  it(process.env.UPDATE_GOLDEN ? "writes the golden fixtures (UPDATE_GOLDEN)" : "matches the golden fixtures in test/fixtures/lab (counters and timestamps masked)", () => {
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(GOLDEN, { recursive: true });
      for (const f of CAPTURE_FILES) copyFileSync(join(dir(), f), join(GOLDEN, f));
      return;
    }
    const differ = CAPTURE_FILES.filter((f) => {
      if (!existsSync(join(GOLDEN, f))) return true;
      return normalized(f, readFileSync(join(GOLDEN, f), "utf8")) !== normalized(f, readFileSync(join(dir(), f), "utf8"));
    });
    expect(differ, "run with UPDATE_GOLDEN=1 and review the diff").toEqual([]);
  });
});

// Needs no VM: the committed golden files against the committed script.
const missing = missingFiles(GOLDEN);
describe.skipIf(missing.length > 0)(`golden fixtures of test/fixtures/lab${missing.length ? ` (skipped: missing ${missing.join(", ")})` : ""}`, () => {
  it("lvsh's reader reads them into exactly what capture.lvsh compiles to (no plan left)", async () => {
    expect(await agrees(GOLDEN)).toEqual([]);
  });

  it("-Ln, --stats and --rate list the table of -Sn", () => {
    expect(listingProblems(GOLDEN)).toEqual([]);
  });

  it("hold every kind of option the language has", () => {
    const save = readFileSync(join(GOLDEN, "ipvsadm-Sn.txt"), "utf8");
    for (const want of ["-s rr", "-s wrr", "-s lc", "-s wlc", "-s lblc", "-s lblcr", "-s dh", "-s sh", "-s sed", "-s nq", "-s fo", "-s ovf", "-s mh",
      "-p 600 -M 255.255.255.0", "-b sh-fallback,sh-port", "-b mh-fallback,mh-port", "-o", "--pe sip", "--sctp-service", "-u ", "-f 7", "-f 9 -6",
      "[2001:db8::10]:80", "-m -w", "-i -w 1 --tun-type ipip", "--tun-type gue --tun-port 5555 --tun-remcsum", "--tun-type gue --tun-port 6080 --tun-nocsum",
      "--tun-type gue --tun-port 6080 --tun-csum", "--tun-type gre --tun-csum", "--tun-type gre --tun-nocsum", "-w 0"]) {
      expect(save, want).toContain(want);
    }
    expect(readFileSync(join(GOLDEN, "ipvsadm-Ln-thresholds.txt"), "utf8")).toMatch(/1000\s+800/);
  });
});
