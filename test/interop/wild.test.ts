/**
 * `lvsh import --from FILE` over configuration files from the wild
 * (test/helpers/wild.ts: where the corpus is, and the independent reading
 * of each file that the import is compared with). For every file: the built
 * CLI's exit status and notes, the services and real servers the import
 * finds against the independent reading, the VIPs of a real-server script
 * in what it prints; then the keepalived export of the imported script
 * passes `keepalived -t`, and import -> export -> import gives the same
 * services and real servers again.
 *
 * The files that fail today are in KNOWN, with the reason: their test checks
 * that they still fail, so a fix that makes one pass must take it off the
 * list. The coverage table is printed on every run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importFiles, importScript, keepalivedDocs } from "../../src/interop/index.js";
import { compile, type Config } from "../../src/model/index.js";
import { sim } from "../helpers/cli.js";
import { load } from "../helpers/load.js";
import { run } from "../helpers/netns.js";
import { freshStateDir } from "../helpers/sim.js";
import { readWild, realKey, wildCorpusDir, wildFiles, wildUnavailable, type WildFile, type WildReading } from "../helpers/wild.js";

/**
 * The files today's importer does not read fully, and why. Remove a file
 * when a fix makes it pass (its test fails until then, on purpose).
 */
const KNOWN: ReadonlyMap<string, string> = new Map([
  // keepalived's sample lists 192.168.200.1 as a real server of its own address: IPVS takes it, lvsh
  // refuses a real server that is the service's address (rs-is-vip) and notes it
  ["keepalived/01-upstream-virtual-server-group.conf", "a real server on the service's own address (lvsh: rs-is-vip), noted"],
  // the file's own mistakes: `-s rr 120` and an en-dash `–g`; lvsh refuses those lines, located
  ["sh/02-chinajiajia-lvs-vip0.sh", "its ipvsadm lines have typos (`-s rr 120`, `–g`): refused and noted, exit 1"],
  // the rules run only inside `if [ ! -e LOCK ]`: reported, not guessed
  ["sh/07-13242084001-nat-init.sh", "its rules are inside an `if` on a lock file: noted, not guessed"],
  // `ipvsadm -C` halfway drops the rules added before it, as the kernel would; the independent
  // reading takes the union of what the file adds
  ["sh/19-leizhnxp-nat-sudo-mixed.sh", "`ipvsadm -C` in the middle drops the earlier rules (as the kernel would)"],
]);

// ------------------------------------------------------------------ measuring

interface Outcome {
  readonly file: WildFile;
  readonly expected: WildReading;
  /** What the in-process import made of it, or its error. */
  readonly error?: string;
  readonly services: Map<string, string[]>;
  readonly cliCode: number | null;
  readonly notes: number;
  readonly missingVips: string[];
  /** `keepalived -t` of each exported file: undefined when nothing was exported or keepalived cannot run. */
  readonly kaCheck?: { ok: boolean; detail: string };
  /** import -> export -> import: the difference, "" when the same. */
  readonly roundTrip?: string;
}

function servicesOf(config: Config): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of compile(config).state.hosts["director"]?.ipvs ?? []) {
    const key = s.fwmark !== null ? `fwmark ${s.fwmark}` : `${s.proto} ${s.addr?.includes(":") ? `[${s.addr}]` : s.addr}:${s.port}`;
    out.set(key, s.dests.map((d) => realKey({ addr: d.addr, port: d.port, method: d.method as "dr" | "nat" | "tun", weight: d.weight })).sort());
  }
  return out;
}

function expectedMap(r: WildReading): Map<string, string[]> {
  return new Map(r.services.map((s) => [s.key, s.reals.map(realKey).sort()]));
}

function sameServices(a: Map<string, string[]>, b: Map<string, string[]>): string {
  const diff: string[] = [];
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w) diff.push(`- ${k}`);
    else if (v.join(",") !== w.join(",")) diff.push(`~ ${k}: [${v.join(", ")}] vs [${w.join(", ")}]`);
  }
  for (const k of b.keys()) if (!a.has(k)) diff.push(`+ ${k}`);
  return diff.join("; ");
}

const realsCount = (m: Map<string, string[]>) => [...m.values()].reduce((n, r) => n + r.length, 0);

/** The names a keepalived.conf gives as interfaces (`interface X`, `dev X`), for the namespace keepalived -t runs in. */
function interfacesOf(conf: string): string[] {
  const out = new Set<string>();
  for (const m of conf.matchAll(/\b(?:interface|dev)\s+([\w.:-]+)/g)) out.add(m[1]!.replace(/:.*/, ""));
  return [...out].filter((n) => n !== "lo");
}

let kaReason: string | undefined | null = null;
function keepalivedUnavailableHere(): string | undefined {
  if (kaReason !== null) return kaReason;
  if (run(["sh", "-c", "command -v keepalived"]).code !== 0) kaReason = "keepalived is not installed";
  else if (process.getuid?.() !== 0) kaReason = "not root: keepalived -t needs a namespace with the file's interfaces";
  else kaReason = undefined;
  return kaReason;
}

/** `keepalived -t -f FILE` in a namespace of its own holding the interfaces the file names. */
function keepalivedT(file: string): { ok: boolean; detail: string } {
  const ns = `lvshwild${process.pid}`;
  run(["ip", "netns", "del", ns]);
  if (run(["ip", "netns", "add", ns]).code !== 0) return { ok: false, detail: "cannot add a network namespace" };
  try {
    let i = 0;
    for (const dev of interfacesOf(readFileSync(file, "utf8"))) {
      const r = run(["ip", "-n", ns, "link", "add", dev, "type", "veth", "peer", "name", `wildp${i++}`]);
      if (r.code !== 0) return { ok: false, detail: `cannot make interface ${dev}: ${r.err.trim()}` };
      run(["ip", "-n", ns, "link", "set", dev, "up"]);
    }
    const r = run(["ip", "netns", "exec", ns, "keepalived", "-t", "-f", file]);
    return { ok: r.code === 0, detail: `exit ${r.code}${(r.out + r.err).trim() ? `: ${(r.out + r.err).trim().split("\n").slice(0, 3).join(" | ")}` : ""}` };
  } finally {
    run(["ip", "netns", "del", ns]);
  }
}

function measure(f: WildFile, work: string): Outcome {
  const expected = readWild(f);
  const text = readFileSync(f.path, "utf8");
  const name = f.id.replace(/^.*\//, "");
  const cli = sim(freshStateDir(), ["import", "--from", f.path]);
  const printed = cli.out + cli.err;
  const notes = cli.out.split("\n").filter((l) => /^# (not imported|note) \(/.test(l)).length;
  const missingVips = expected.rsVips.filter((v) => !printed.includes(v));
  const r = importFiles([{ name, text }]);
  if ("error" in r) return { file: f, expected, error: r.error, services: new Map(), cliCode: cli.code, notes, missingVips };
  const services = servicesOf(r.config);
  if (services.size === 0) return { file: f, expected, services, cliCode: cli.code, notes, missingVips };
  // the imported script, read back as lvsh reads it, exported to keepalived
  const script = load(importScript(r, name)).config;
  const docs = keepalivedDocs(script, name).docs;
  let kaCheck: Outcome["kaCheck"];
  const trips: string[] = [];
  const dir = join(work, f.id.replace(/\W+/g, "_"));
  mkdirSync(dir, { recursive: true });
  for (const d of docs) {
    const p = join(dir, d.name);
    writeFileSync(p, d.text);
    if (!keepalivedUnavailableHere()) {
      const k = keepalivedT(p);
      kaCheck = !kaCheck ? k : { ok: kaCheck.ok && k.ok, detail: k.ok ? kaCheck.detail : k.detail };
    }
    const again = importFiles([{ name: d.name, text: d.text }]);
    trips.push("error" in again ? `${d.name}: ${again.error}` : sameServices(services, servicesOf(again.config)));
  }
  if (docs.length === 0) trips.push("the keepalived export wrote no file");
  return { file: f, expected, services, cliCode: cli.code, notes, missingVips, ...(kaCheck ? { kaCheck } : {}), roundTrip: trips.filter(Boolean).join("; ") };
}

/** Every way a file falls short, "" when it is fully imported. */
function shortfall(o: Outcome): string {
  const out: string[] = [];
  // honest status: exit 0 only when a service was imported; a file with nothing to take exits 1 with its reason
  const want = o.expected.services.length ? 0 : 1;
  if (o.error && want === 0) out.push(`import: ${o.error}`);
  if (o.cliCode !== want) out.push(`lvsh import exits ${o.cliCode}, not ${want}`);
  const diff = sameServices(expectedMap(o.expected), o.services);
  if (diff) out.push(`services: ${diff}`);
  // a real server's script alone imports nothing (it needs the director's rules): its VIPs are in the reason, not an output
  if (o.missingVips.length && want === 0) out.push(`real-server VIPs not in the output: ${o.missingVips.join(", ")}`);
  if (o.kaCheck && !o.kaCheck.ok) out.push(`keepalived -t: ${o.kaCheck.detail}`);
  if (o.roundTrip) out.push(`round trip: ${o.roundTrip}`);
  return out.join("\n");
}

function table(outcomes: readonly Outcome[]): string {
  const rows = [["file", "svc exp/imp", "rs exp/imp", "exit", "notes", "ka -t", "trip", "full"]];
  let svcE = 0, svcI = 0, rsE = 0, rsI = 0, full = 0;
  for (const o of outcomes) {
    const e = expectedMap(o.expected);
    // imported = the expected ones it got right (an extra or a wrong one is not coverage)
    const right = [...e.keys()].filter((k) => o.services.has(k));
    const rightReals = [...e].reduce((n, [k, v]) => n + v.filter((x) => o.services.get(k)?.includes(x)).length, 0);
    svcE += e.size; svcI += right.length; rsE += realsCount(e); rsI += rightReals;
    const ok = shortfall(o) === "";
    if (ok) full++;
    rows.push([o.file.id, `${e.size}/${o.services.size}`, `${realsCount(e)}/${realsCount(o.services)}`, String(o.cliCode), String(o.notes), o.kaCheck ? (o.kaCheck.ok ? "ok" : "FAIL") : "-", o.roundTrip === undefined ? "-" : o.roundTrip ? "FAIL" : "ok", ok ? "yes" : "no"]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
  lines.push(`files fully imported: ${full}/${outcomes.length}; services right: ${svcI}/${svcE}; real servers right: ${rsI}/${rsE}`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------- tests

const unavailable = wildUnavailable();
const files = wildFiles();

describe.skipIf(unavailable)(`import of the corpus from the wild${unavailable ? ` (skipped: ${unavailable})` : ` (${wildCorpusDir()})`}`, () => {
  const outcomes = new Map<string, Outcome>();
  let work = "";

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "lvsh-wild-"));
    for (const f of files) outcomes.set(f.id, measure(f, work));
    const list = [...outcomes.values()];
    console.log(`\n${table(list)}\n`);
    const failing = list.filter((o) => shortfall(o));
    if (failing.length) console.log(failing.map((o) => `${o.file.id}${KNOWN.has(o.file.id) ? " (known)" : ""}:\n  ${shortfall(o).replace(/\n/g, "\n  ")}`).join("\n"));
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("has the corpus: at least 45 files, every kind", () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
    for (const k of ["keepalived", "ipvsadm", "sh", "arptables"]) expect(files.some((f) => f.kind === k), k).toBe(true);
  });

  it("lists in KNOWN only files of the corpus", () => {
    const ids = new Set(files.map((f) => f.id));
    expect([...KNOWN.keys()].filter((k) => !ids.has(k))).toEqual([]);
  });

  for (const f of files) {
    const known = KNOWN.get(f.id);
    if (known === undefined) {
      it(`imports ${f.id} fully: its services and real servers, exit 0, keepalived -t, a stable round trip`, () => {
        expect(shortfall(outcomes.get(f.id)!)).toBe("");
      });
    } else {
      it(`${f.id} still falls short (KNOWN: ${known}); take it off KNOWN once it passes`, () => {
        expect(shortfall(outcomes.get(f.id)!)).not.toBe("");
      });
    }
  }
});
