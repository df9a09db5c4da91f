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
import { captureAgrees, CAPTURE_FILES, listingProblems, missingFiles, normalized } from "./capture.js";
import { checkLvsh, saveLines, type Fetch, type LvshRun, type Snap, type Stats } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

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

describe.skipIf(!ran(lab, "capture"))(titled(lab, "lab: capture of the state tools after lvsh commits every option"), () => {
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
    expect(await captureAgrees(dir(), SCRIPT)).toEqual([]);
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
    // each differing file with its first differing line, golden -> this run
    const differ = CAPTURE_FILES.flatMap((f) => {
      if (!existsSync(join(GOLDEN, f))) return [`${f}: no golden file`];
      const a = normalized(f, readFileSync(join(GOLDEN, f), "utf8"));
      const b = normalized(f, readFileSync(join(dir(), f), "utf8"));
      if (a === b) return [];
      let at = 0;
      while (at < a.length && a[at] === b[at]) at++;
      return [`${f}: from character ${at}: ${JSON.stringify(a.slice(Math.max(0, at - 40), at + 80))} -> ${JSON.stringify(b.slice(Math.max(0, at - 40), at + 80))}`];
    });
    expect(differ, "run with UPDATE_GOLDEN=1 and review the diff").toEqual([]);
  });
});

// The golden files against the committed script, without a VM: test/state/lab-golden.test.ts (run by npm test).
