/**
 * Reading the running state: the I/O half of the readers. One round trip
 * per host (the executor batches the commands), then the pure parsers.
 * Reading also checks that each host is reachable, has its tools and lets
 * lvsh read them: a commit reads every host before its first step.
 */
import type { Executor, ExecResult } from "../exec/index.js";
import { error, warning, type Diagnostic } from "../lang/index.js";
import { emptyHost, type HostState, type IpvsService, type State } from "../model/index.js";
import { parseArptablesSave } from "./arptables.js";
import { parseIpAddrJson, parseIpLinkJson, type IpLink } from "./ip.js";
import { parseIpvsadmSave, readAsPrinted, type ExpectedTable } from "./ipvsadm.js";
import { parseIpvsadmThresholds, withThresholds } from "./ipvsadm-list.js";
import { parseSysctl } from "./sysctl.js";
import { KEEPALIVED_TAG, keepalivedRead, parseKeepalivedRead } from "../plan/index.js";

export interface HostReadSpec {
  readonly host: string;
  /** Read the IPVS table (the director). */
  readonly ipvs: boolean;
  /**
   * With the table, its real servers' thresholds (`ipvsadm -Ln --thresholds`:
   * `-S` leaves them out); default yes. False: every threshold reads as 0 --
   * for reads that only compare with configurations that set none (the
   * session's and the commit's, txn/site.ts), which saves listing a large
   * table a second time.
   */
  readonly thresholds?: boolean;
  /**
   * With thresholds false: the table the reader expects (a commit's verify).
   * When `ipvsadm -Sn` prints exactly its lines, they are not parsed
   * (readAsPrinted); else they are.
   */
  readonly expectIpvs?: readonly IpvsService[] | ExpectedTable;
  /** Read the ARP rules (real servers that hide a VIP). */
  readonly arp: boolean;
  readonly sysctlKeys: readonly string[];
  /** Kernel modules to look for (`modprobe -n`): the director's schedulers a commit needs. */
  readonly modules?: readonly string[];
  /** keepalived runs this director (`engine keepalived`): its file's path. */
  readonly keepalived?: string;
  /** The path keepalived ran with at the last revision, when it is another. */
  readonly keepalivedOld?: string;
}

export interface HostRead {
  readonly state: HostState;
  readonly links: readonly IpLink[];
  /** Lines the parsers could not read (reported, never dropped silently). */
  readonly notes: readonly Diagnostic[];
  /** The modules asked for that the host's kernel lacks. */
  readonly missingModules: readonly string[];
}

export interface ReadError {
  readonly host: string;
  readonly command: string;
  readonly message: string;
}

/** A host that could not be read, as a diagnostic (an error where a commit stops; a warning where a session only looks). */
export function unreadable(e: ReadError, via: string, severity: "error" | "warning"): Diagnostic {
  const d = (severity === "error" ? error : warning)("host-unreadable", `cannot read it: \`${e.command}\` failed: ${e.message}`, undefined, {
    host: `${e.host} (${via})`,
    ...(severity === "warning" ? { hint: "plans assume it holds nothing lvsh manages; a commit will stop before its first step" } : {}),
  });
  return d;
}

export interface StateRead {
  readonly state: State;
  readonly links: Readonly<Record<string, readonly IpLink[]>>;
  readonly notes: readonly Diagnostic[];
  readonly errors: readonly ReadError[];
  /** By host, the modules asked for that its kernel lacks. */
  readonly missingModules: Readonly<Record<string, readonly string[]>>;
}

function commands(spec: HostReadSpec): string[][] {
  // `ip -j addr show` lists every link too (name, flags, MAC, type): no `ip -j link show`
  const cmds: string[][] = [["ip", "-j", "addr", "show"]];
  if (spec.sysctlKeys.length) cmds.push(["sysctl", "-e", ...spec.sysctlKeys]);
  if (spec.ipvs) cmds.push(["ipvsadm", "-Sn"]);
  if (spec.ipvs && spec.thresholds !== false) cmds.push(["ipvsadm", "-Ln", "--thresholds"]);
  if (spec.arp) cmds.push(["arptables-save"]);
  for (const m of spec.modules ?? []) cmds.push(["modprobe", "-n", "-q", m]);
  if (spec.keepalived !== undefined) cmds.push(keepalivedRead(spec.keepalived));
  if (spec.keepalivedOld !== undefined) cmds.push(keepalivedRead(spec.keepalivedOld));
  return cmds;
}

function why(r: ExecResult): string {
  const text = (r.stderr || r.stdout).trim();
  if (r.exitCode === 127 && !text) return "command not found";
  return text || `exit status ${r.exitCode}`;
}

export async function readHost(exec: Executor, spec: HostReadSpec): Promise<HostRead | ReadError> {
  const cmds = commands(spec);
  const results = await exec.runMany(cmds);
  // a missing module is an answer, and sysctl -e exits 255 for keys this kernel lacks
  const fail = cmds.findIndex((c, i) => results[i]!.exitCode !== 0 && c[0] !== "modprobe" && !(c[0] === "sysctl" && results[i]!.exitCode === 255));
  if (fail >= 0) return { host: spec.host, command: cmds[fail]!.join(" "), message: why(results[fail]!) };
  const out = (name: string, ...more: string[]) => results[cmds.findIndex((c) => c[0] === name && more.every((m) => c.includes(m)))]?.stdout ?? "";
  const notes: Diagnostic[] = [];
  const note = (tool: string, p: { line: number; message: string; text: string }) =>
    warning("state-unparsed", `${tool} line ${p.line}: ${p.message}: ${p.text.trim()}`, undefined, { host: spec.host, hint: "lvsh leaves what it cannot read alone" });
  try {
    const addrs = parseIpAddrJson(out("ip", "addr"));
    const links = parseIpLinkJson(out("ip", "addr"), "ip -j addr show");
    let ipvs: HostState["ipvs"] = [];
    if (spec.ipvs) {
      const text = out("ipvsadm", "-Sn");
      const printed = spec.expectIpvs && spec.thresholds === false ? readAsPrinted(text, spec.expectIpvs) : undefined;
      if (printed) ipvs = printed;
      else {
        const save = parseIpvsadmSave(text);
        ipvs = spec.thresholds === false ? save.services : withThresholds(save.services, parseIpvsadmThresholds(out("ipvsadm", "--thresholds")));
        notes.push(...save.problems.map((p) => note("ipvsadm -Sn", p)));
      }
    }
    let arp: HostState["arp"] = [];
    if (spec.arp) {
      const save = parseArptablesSave(out("arptables-save"));
      arp = save.rules;
      notes.push(...save.problems.map((p) => note("arptables-save", p)));
    }
    const sysctls = spec.sysctlKeys.length ? parseSysctl(out("sysctl")) : {};
    const up = Object.fromEntries(links.map((l) => [l.name, l.up]));
    const missingModules = cmds.flatMap((c, i) => (c[0] === "modprobe" && results[i]!.exitCode !== 0 ? [c[c.length - 1]!] : []));
    const kaOut = (path: string) => results[cmds.findIndex((c) => c[0] === "sh" && c[3] === KEEPALIVED_TAG && c[5] === path)]?.stdout ?? "";
    const keepalived = spec.keepalived !== undefined ? parseKeepalivedRead(spec.keepalived, kaOut(spec.keepalived)) : undefined;
    const keepalivedOld = spec.keepalivedOld !== undefined ? parseKeepalivedRead(spec.keepalivedOld, kaOut(spec.keepalivedOld)) : undefined;
    return { state: { ipvs, arp, addrs, sysctls, links: up, ...(keepalived ? { keepalived } : {}), ...(keepalivedOld ? { keepalivedOld } : {}) }, links, notes, missingModules };
  } catch (e) {
    return { host: spec.host, command: cmds.map((c) => c.join(" ")).join("; "), message: (e as Error).message };
  }
}

export async function readState(executor: (host: string) => Executor, specs: readonly HostReadSpec[]): Promise<StateRead> {
  const reads = await Promise.all(specs.map((s) => readHost(executor(s.host), s)));
  const hosts: Record<string, HostState> = {};
  const links: Record<string, readonly IpLink[]> = {};
  const notes: Diagnostic[] = [];
  const errors: ReadError[] = [];
  const missingModules: Record<string, readonly string[]> = {};
  reads.forEach((r, i) => {
    const host = specs[i]!.host;
    if ("message" in r) {
      errors.push(r);
      hosts[host] = emptyHost;
      return;
    }
    hosts[host] = r.state;
    links[host] = r.links;
    notes.push(...r.notes);
    if (r.missingModules.length) missingModules[host] = r.missingModules;
  });
  return { state: { hosts }, links, notes, errors, missingModules };
}
