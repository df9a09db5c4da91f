/**
 * The capture scenario's files (guest/scenario-capture.sh, golden copies in
 * test/fixtures/lab/) read by lvsh's own reader (src/state readState, through
 * an executor that answers each command from the file the guest saved its
 * output in) into the running state, to compare with what capture.lvsh
 * compiles to.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asCommand, type Command, type ExecResult, type Executor } from "../../src/exec/index.js";
import { parse, type ConfigStatement } from "../../src/lang/index.js";
import { compile, destKeyOf, emptyConfig, emptyContext, evaluate, serviceKeyOf, type Desired, type State } from "../../src/model/index.js";
import { makePlan } from "../../src/plan/index.js";
import { parseIpvsadmList, parseIpvsadmRate, parseIpvsadmSave, parseIpvsadmStats, readState } from "../../src/state/index.js";
import { Site } from "../../src/txn/index.js";

/** The files the guest writes; every one is a golden fixture. */
export const CAPTURE_FILES = [
  "ipvsadm-Sn.txt",
  "ipvsadm-Ln.txt",
  "ipvsadm-Ln-thresholds.txt",
  "ipvsadm-Ln-stats.txt",
  "ipvsadm-Ln-rate.txt",
  ...["lb", "rs1", "rs2", "rs3"].flatMap((h) => [`${h}-ip-j-addr.json`, `${h}-ip-j-link.json`, `${h}-sysctl.txt`]),
  ...["rs1", "rs2", "rs3"].flatMap((h) => [`${h}-arptables-nft-save.txt`, `${h}-arptables-legacy-save.txt`]),
  "versions.txt",
] as const;

/** The namespace of each host of capture.lvsh. */
export const CAPTURE_HOSTS: Readonly<Record<string, string>> = { director: "lb", "192.0.2.2": "rs1", "192.0.2.3": "rs2", "203.0.113.41": "rs3" };

/** capture.lvsh, compiled: what lvsh was asked to commit. */
export function captureDesired(script: string): Desired {
  const p = parse(script, "capture.lvsh");
  const errors = p.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(`capture.lvsh does not parse: ${errors.map((d) => d.message).join("; ")}`);
  const e = evaluate(p.statements as ConfigStatement[], emptyConfig(), emptyContext);
  const bad = e.diagnostics.filter((d) => d.severity === "error");
  if (bad.length) throw new Error(`capture.lvsh does not evaluate: ${bad.map((d) => d.message).join("; ")}`);
  return compile(e.config);
}

export interface CaptureRead {
  readonly state: State;
  /** What the reader could not read, or commands it asked that the capture does not answer. */
  readonly problems: string[];
}

/** An executor whose commands are answered by the capture's files: the outputs the guest saved. */
class CaptureExecutor implements Executor {
  readonly describe = "capture";
  readonly asked: string[] = [];
  constructor(
    readonly host: string,
    private readonly dir: string,
    private readonly build: "nft" | "legacy",
  ) {}

  private answer(argv: readonly string[]): ExecResult {
    const ns = CAPTURE_HOSTS[this.host];
    const file = (name: string): ExecResult => ({ exitCode: 0, stdout: readFileSync(join(this.dir, name), "utf8"), stderr: "", ms: 0 });
    const cmd = argv.join(" ");
    if (ns === undefined) return { exitCode: 255, stdout: "", stderr: `no such host in the capture: ${this.host}\n`, ms: 0 };
    if (cmd === "ip -j addr show") return file(`${ns}-ip-j-addr.json`);
    if (cmd === "ip -j link show") return file(`${ns}-ip-j-link.json`);
    if (cmd === "ipvsadm -Sn" && ns === "lb") return file("ipvsadm-Sn.txt");
    if (cmd === "ipvsadm -Ln --thresholds" && ns === "lb") return file("ipvsadm-Ln-thresholds.txt");
    if (cmd === "arptables-save" && ns !== "lb") return file(`${ns}-arptables-${this.build}-save.txt`);
    if (argv[0] === "sysctl" && argv[1] === "-e") {
      // the guest saved every key lvsh may ask for; answer those asked, as sysctl would
      const all = file(`${ns}-sysctl.txt`).stdout.split("\n");
      const want = argv.slice(2);
      const lines = want.map((k) => all.find((l) => l.startsWith(`${k} = `)));
      want.forEach((k, i) => {
        if (lines[i] === undefined) this.asked.push(`${this.host}: sysctl ${k} is not in ${ns}-sysctl.txt`);
      });
      return { exitCode: 0, stdout: lines.filter((l) => l !== undefined).join("\n") + "\n", stderr: "", ms: 0 };
    }
    this.asked.push(`${this.host}: the capture has no output of \`${cmd}\``);
    return { exitCode: 127, stdout: "", stderr: `not captured: ${cmd}\n`, ms: 0 };
  }

  async run(argv: readonly string[]): Promise<ExecResult> {
    return this.answer(argv);
  }

  async runMany(cmds: readonly (readonly string[] | Command)[]): Promise<ExecResult[]> {
    return cmds.map((c) => this.answer(asCommand(c).argv));
  }

  async close(): Promise<void> {}
}

/**
 * The running state in a capture folder, read the way a commit reads it:
 * the hosts and what to read on each from lvsh's site for this desired
 * state, the commands through lvsh's reader, with the arptables saves of one
 * build.
 */
export async function readCapture(dir: string, desired: Desired, build: "nft" | "legacy"): Promise<CaptureRead> {
  const stateDir = mkdtempSync(join(tmpdir(), "lvsh-capture-"));
  try {
    const view = new Site({ target: "sim", stateDir }).hosts([desired], undefined);
    const executors = new Map(view.specs.map((s) => [s.host, new CaptureExecutor(s.host, dir, build)]));
    const read = await readState((h) => executors.get(h)!, view.specs);
    return {
      state: read.state,
      problems: [...read.errors.map((e) => `${e.host}: \`${e.command}\`: ${e.message}`), ...read.notes.map((n) => `${n.host}: ${n.message}`), ...[...executors.values()].flatMap((e) => e.asked)],
    };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Where the running state differs from the desired one: lvsh's own diff, as the plan that would fix it. */
export function differences(running: State, desired: Desired): string[] {
  return makePlan(running, desired).steps.map((s) => `${s.host}: ${s.argv.join(" ")} (${s.reason})`);
}

/** The listings (-Ln, --stats, --rate) hold the same services and real servers as `ipvsadm -Sn`. */
export function listingProblems(dir: string): string[] {
  const file = (name: string): string => readFileSync(join(dir, name), "utf8");
  const save = parseIpvsadmSave(file("ipvsadm-Sn.txt"));
  const keys = (l: { services: Map<string, unknown>; dests: Map<string, unknown> }): string => [...l.services.keys(), ...l.dests.keys()].sort().join("\n");
  // the listings' keys, as src/state/ipvsadm-list.ts makes them (serviceKeyOf, listingKey)
  const want = keys({
    services: new Map(save.services.map((s) => [serviceKeyOf(s), null])),
    dests: new Map(save.services.flatMap((s) => s.dests.map((d) => [`${serviceKeyOf(s)} ${destKeyOf(d)}`, null] as const))),
  });
  const out: string[] = [];
  for (const [name, l] of [
    ["ipvsadm-Ln.txt", parseIpvsadmList(file("ipvsadm-Ln.txt"))],
    ["ipvsadm-Ln-stats.txt", parseIpvsadmStats(file("ipvsadm-Ln-stats.txt"))],
    ["ipvsadm-Ln-rate.txt", parseIpvsadmRate(file("ipvsadm-Ln-rate.txt"))],
  ] as const) {
    out.push(...l.problems.map((p) => `${name} line ${p.line}: ${p.message}`));
    if (keys(l) !== want) out.push(`${name} does not list the services and real servers of ipvsadm -Sn`);
  }
  return out;
}

/**
 * A capture file with what changes from run to run masked: the timestamps
 * of arptables-nft-save, the random permaddr of ip6tnl0/ip6gre0 in ip -j, the counters of --stats and --rate, the connection
 * counts of -Ln and -Ln --thresholds.
 */
export function normalized(name: string, text: string): string {
  if (name.includes("arptables-nft-save")) return text.replace(/ on .* \d{4}$/gm, " on DATE");
  // Debian's stable kernel moves its ABI number (6.1.0-56, -57 ...) with each point release: the series is what matters
  if (name === "versions.txt") return text.replace(/^(\d+\.\d+\.\d+)-\d+-(\w+)$/m, "$1-N-$2");
  // the fallback devices ip6tnl0 and ip6gre0 get a random permanent address in each namespace
  if (name.endsWith(".json")) return text.replace(/"permaddr":"[^"]*"/g, '"permaddr":"*"');
  // the columns from `from` on of the service (TCP/UDP/SCTP/FWM) and real server (->) lines
  const maskColumns = (from: number, dests = true, services = true) => (line: string) => {
    const cols = line.trim().split(/\s+/);
    const isDest = cols[0] === "->" && cols[1] !== "RemoteAddress:Port";
    const isService = /^(TCP|UDP|SCTP|FWM)$/.test(cols[0]!) && cols[1] !== "LocalAddress:Port";
    if (!((dests && isDest) || (services && isService)) || cols.length <= from) return line;
    return [...cols.slice(0, from), ...cols.slice(from).map(() => "N")].join(" ");
  };
  const mask = (f: (line: string) => string) => text.split("\n").map(f).join("\n");
  // --stats, --rate: PROT ADDR counters... / -> ADDR counters...
  if (name === "ipvsadm-Ln-stats.txt" || name === "ipvsadm-Ln-rate.txt") return mask(maskColumns(2));
  // -Ln: -> ADDR Forward Weight ActiveConn InActConn; --thresholds: -> ADDR Uthreshold Lthreshold ActiveConn InActConn
  if (name === "ipvsadm-Ln.txt" || name === "ipvsadm-Ln-thresholds.txt") return mask(maskColumns(4, true, false));
  return text;
}

/** The golden folder's files that are missing. */
export function missingFiles(dir: string): string[] {
  return CAPTURE_FILES.filter((f) => !existsSync(join(dir, f)));
}

/**
 * What lvsh would still change after reading a capture directory made from
 * `script`, with each arptables build's saves: nothing, when it reads back
 * what it committed.
 */
export async function captureAgrees(dir: string, script: string): Promise<string[]> {
  const desired = captureDesired(script);
  const out: string[] = [];
  for (const build of ["nft", "legacy"] as const) {
    const read = await readCapture(dir, desired, build);
    out.push(...[...read.problems, ...differences(read.state, desired)].map((p) => `${build}: ${p}`));
  }
  return out;
}
