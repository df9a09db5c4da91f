/**
 * `ipvsadm -Sn` (and `-S`, and files for `ipvsadm-restore`) <-> the IPVS
 * table. The parser accepts every form ipvsadm 1.31 accepts for `-A`, `-E`,
 * `-a`, `-e` (short and long options, in any order); the formatter prints
 * exactly what `ipvsadm -Sn` prints (print_service_entry and
 * print_tunnel_rule in ipvsadm.c), in the order of the services and real
 * servers given. (ipvsadm itself lists services in hash order and sorts
 * real servers by address and port; the parser keeps the input order.)
 */
import { formatAddrPort, isIPv4, maxPrefix, prefixToNetmask } from "../lang/index.js";
import { destKeyOf, markPrintedAs, serviceArgs, serviceKeyOf, type Dest, type IpvsService } from "../model/index.js";
import { splitArgs } from "./ipvsadm-args.js";
import { readTableLine, type ServiceAttrs, type ServiceId, type TableLine } from "./ipvsadm-line.js";
import { parseEndpoint } from "./endpoint.js";
import { numberedLines, type StateProblem } from "./problem.js";
import { canonicalSchedFlags } from "./sched-flags.js";

export interface IpvsadmSave {
  readonly services: IpvsService[];
  readonly problems: StateProblem[];
}

interface ReadLine {
  readonly line: number;
  readonly text: string;
  readonly parsed: TableLine;
}

interface Entry {
  readonly id: ServiceId;
  attrs: ServiceAttrs;
  readonly line: number;
  readonly dests: Dest[];
  /** By destKeyOf: the real server's place in `dests` and the line that added it. */
  readonly destAt: Map<string, { readonly index: number; readonly line: number }>;
}

/**
 * Services come out in input order, each with its real servers in input
 * order. A `-a` attaches to the service of the same key wherever its `-A`
 * is in the text; `-E`/`-e` replace what an earlier line said (or add).
 */
export function parseIpvsadmSave(text: string): IpvsadmSave {
  const problems: StateProblem[] = [];
  const out: ReadLine[] = [];
  const services = new Map<string, ServiceId | null>();
  for (const { line, text: raw } of numberedLines(text)) {
    const fast = plainDest(raw, services);
    if (fast) out.push({ line, text: raw, parsed: fast });
    else readLine(line, raw, raw.trim().split(/\s+/).filter((w) => w !== ""), out, problems);
  }
  return table(out, problems);
}

/**
 * The line `ipvsadm -Sn` prints for a plain real server of a TCP or UDP
 * service over IPv4 (`-a -t 192.0.2.10:80 -r 192.0.2.2:80 -g -w 1`: 10,000
 * of them for a large table), read without splitting it into options: the
 * same TableLine as readTableLine's. Undefined for anything else, or
 * anything odd (left to the reader, which says what is wrong).
 */
const PLAIN_DEST = /^-a -([tu]) (\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d{1,5}) -r (\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5}) -([gm]) -w (\d{1,5})$/;

function plainDest(raw: string, services: Map<string, ServiceId | null>): TableLine | undefined {
  const m = PLAIN_DEST.exec(raw);
  if (!m) return undefined;
  const svcText = `${m[1]} ${m[2]}`;
  let id = services.get(svcText);
  if (id === undefined) {
    const ep = parseEndpoint(m[2]!);
    id = ep.ok && ep.value.port !== null && ep.value.family === 4 ? { proto: m[1] === "t" ? "tcp" : "udp", addr: ep.value.addr, port: ep.value.port, fwmark: null, family: 4 } : null;
    services.set(svcText, id);
  }
  const rport = Number(m[4]);
  const weight = Number(m[6]);
  // a dotted quad as parseIPv4 takes it is its own canonical text
  if (!id || !isIPv4(m[3]!) || rport > 65535 || weight > 65535) return undefined;
  const method = m[5] === "g" ? "dr" : "nat";
  // ipvsadm: a dr real server of an address service gets the service's port
  const port = method === "nat" ? rport : id.port;
  return { kind: "dest", edit: false, id, dest: { addr: m[3]!, family: 4, port, method, weight, uThreshold: 0, lThreshold: 0 } };
}

/** The same from lines already split into words (a shell script's `ipvsadm` commands, `ipvsadm` left out or not). */
export function parseIpvsadmLines(given: readonly { readonly line: number; readonly text: string; readonly words: readonly string[] }[]): IpvsadmSave {
  const problems: StateProblem[] = [];
  const lines: ReadLine[] = [];
  for (const { line, text, words } of given) readLine(line, text, words, lines, problems);
  return table(lines, problems);
}

function table(lines: readonly ReadLine[], problems: StateProblem[]): IpvsadmSave {
  const table = new Map<string, Entry>();
  for (const l of lines) if (l.parsed.kind === "service") addService(table, l, l.parsed, problems);
  for (const l of lines) if (l.parsed.kind === "dest") addDest(table, l, l.parsed, problems);
  const services = [...table.values()].map((e): IpvsService => ({ ...e.id, ...e.attrs, dests: e.dests }));
  return { services, problems };
}

function readLine(line: number, raw: string, w: readonly string[], out: ReadLine[], problems: StateProblem[]): void {
  if (w.length === 0 || w[0]!.startsWith("#")) return;
  const args = splitArgs(w[0] === "ipvsadm" ? w.slice(1) : w);
  const parsed = args.ok ? readTableLine(args.value) : args;
  if (parsed.ok) out.push({ line, text: raw, parsed: parsed.value });
  else problems.push({ line, text: raw, message: parsed.message });
}

function addService(table: Map<string, Entry>, l: ReadLine, p: TableLine & { kind: "service" }, problems: StateProblem[]): void {
  const key = serviceKeyOf(p.id);
  const before = table.get(key);
  if (!before) table.set(key, { id: p.id, attrs: p.attrs, line: l.line, dests: [], destAt: new Map() });
  else if (p.edit) before.attrs = p.attrs;
  else problems.push({ line: l.line, text: l.text, message: `service ${key} is already added on line ${before.line}` });
}

/** serviceKeyOf, once per service id (plainDest gives the real servers of a service one id). */
const idKeys = new WeakMap<ServiceId, string>();
function idKey(id: ServiceId): string {
  let k = idKeys.get(id);
  if (k === undefined) idKeys.set(id, (k = serviceKeyOf(id)));
  return k;
}

function addDest(table: Map<string, Entry>, l: ReadLine, p: TableLine & { kind: "dest" }, problems: StateProblem[]): void {
  const key = idKey(p.id);
  const entry = table.get(key);
  if (!entry) {
    problems.push({ line: l.line, text: l.text, message: `real server for service ${key}, which no -A line adds` });
    return;
  }
  const dkey = destKeyOf(p.dest);
  const at = entry.destAt.get(dkey);
  if (!at) {
    entry.destAt.set(dkey, { index: entry.dests.length, line: l.line });
    entry.dests.push(p.dest);
  } else if (p.edit) entry.dests[at.index] = p.dest;
  else problems.push({ line: l.line, text: l.text, message: `real server ${dkey} of ${key} is already added on line ${at.line}` });
}

/* ---------------- formatting ---------------- */

function serviceOptions(s: IpvsService): string[] {
  const out = ["-s", s.scheduler];
  if (s.persistence !== null) {
    out.push("-p", String(s.persistence));
    if (s.netmask !== maxPrefix(s.family)) out.push("-M", s.family === 4 ? prefixToNetmask(s.netmask) : String(s.netmask));
  }
  if (s.pe) out.push("--pe", s.pe);
  if (s.onePacket) out.push("-o");
  const flags = canonicalSchedFlags(s.scheduler, s.flags);
  if (flags.length > 0) out.push("-b", flags.join(","));
  return out;
}

const methodFlag = { dr: "-g", nat: "-m", tun: "-i" } as const;

/**
 * How the lines are written: as `ipvsadm -Sn` 1.30+ prints them (`-S`, the
 * default), or `portable`: what `ipvsadm -R` of every version loads, old
 * (before 1.30, no `--tun-type` option: it refuses the line) and new, so
 * `--tun-type` only for a tunnel that is not the default ipip.
 */
export interface SaveStyle {
  readonly portable?: boolean;
}

/** `-S` always writes the weight, never the thresholds; a tunnel always its type (portable: only when not ipip). */
function destOptions(d: Dest, style: SaveStyle): string[] {
  const out = [methodFlag[d.method], "-w", String(d.weight)];
  if (d.method !== "tun") return out;
  const type = d.tunType ?? "ipip";
  if (type === "ipip" && style.portable) return out;
  out.push("--tun-type", type);
  if (type === "gue") out.push("--tun-port", String(d.tunPort ?? 0));
  if (type !== "ipip") out.push(`--tun-${d.tunCsum ?? "nocsum"}`);
  return out;
}

/** Each line `ipvsadm -Sn` prints for this table, with the service (and real server) it is for. */
function eachSaveLine(services: readonly IpvsService[], style: SaveStyle, f: (line: string, s: IpvsService, d?: Dest) => void): void {
  for (const s of services) {
    const svc = serviceArgs(s).join(" ");
    f(`-A ${svc} ${serviceOptions(s).join(" ")}`, s);
    for (const d of s.dests) f(`-a ${svc} -r ${formatAddrPort(d.addr, d.port)} ${destOptions(d, style).join(" ")}`, s, d);
  }
}

/** The lines `ipvsadm -Sn` prints for this table (for JSON output). */
export function formatIpvsadmSaveLines(services: readonly IpvsService[], style: SaveStyle = {}): string[] {
  const out: string[] = [];
  eachSaveLine(services, style, (line) => out.push(line));
  return out;
}

/** The lines a table prints as `ipvsadm -Sn`, indexed (readAsPrinted); made ahead, while the director is busy. */
export class ExpectedTable {
  /** Undefined: the table has what -S does not print in full (thresholds) or the parser fills in (tunnel defaults). */
  readonly lines: ReadonlyMap<string, { readonly s: IpvsService; readonly d?: Dest }> | undefined;
  constructor(readonly expected: readonly IpvsService[]) {
    const byLine = new Map<string, { readonly s: IpvsService; readonly d?: Dest }>();
    let n = 0;
    let plain = true;
    eachSaveLine(expected, {}, (line, s, d) => {
      n++;
      byLine.set(line, d ? { s, d } : { s });
      if (d && (d.uThreshold !== 0 || d.lThreshold !== 0 || d.method === "tun")) plain = false;
    });
    this.lines = plain && byLine.size === n ? byLine : undefined;
  }
}

/**
 * The table `ipvsadm -Sn` printed, when it printed exactly the lines of
 * `expected`, in any order: that table as the parser gives it (its fields
 * only: no statement's span, no configuration's key; in the printed order),
 * without parsing. Undefined otherwise, and for what -S does not print in
 * full (thresholds) or the parser fills in (tunnel defaults): those are
 * parsed. A commit's verify reads back the table it asked for: 10,000 lines
 * cost a slow director seconds of parsing.
 */
export function readAsPrinted(text: string, expected: readonly IpvsService[] | ExpectedTable): IpvsService[] | undefined {
  const table = expected instanceof ExpectedTable ? expected : new ExpectedTable(expected);
  if (!table.lines) return undefined;
  // each line once: a copy of the index, emptied as the lines come
  const byLine = new Map(table.lines);
  const lines = byLine.size;
  const got = text.split("\n");
  if (got[got.length - 1] === "") got.pop();
  if (got.length !== lines) return undefined;
  // as parseIpvsadmSave orders them: services as their -A lines come, real servers as their -a lines do
  const services = new Map<IpvsService, { readonly s: IpvsService; readonly dests: Dest[] }>();
  const dests: { readonly s: IpvsService; readonly d: Dest }[] = [];
  for (const line of got) {
    const e = byLine.get(line);
    if (!e) return undefined;
    byLine.delete(line); // each line once
    if (e.d) dests.push({ s: e.s, d: e.d });
    else services.set(e.s, { s: e.s, dests: [] });
  }
  for (const { s, d } of dests) services.get(s)!.dests.push({ addr: d.addr, family: d.family, port: d.port, method: d.method, weight: d.weight, uThreshold: 0, lThreshold: 0 });
  const read = [...services.values()].map(({ s, dests }) => ({
    proto: s.proto,
    addr: s.addr,
    port: s.port,
    fwmark: s.fwmark,
    family: s.family,
    scheduler: s.scheduler,
    persistence: s.persistence,
    netmask: s.netmask,
    flags: canonicalSchedFlags(s.scheduler, s.flags),
    onePacket: s.onePacket,
    pe: s.pe,
    dests,
  }));
  markPrintedAs(read, table.expected);
  return read;
}

/** What `ipvsadm -Sn` prints for this table: one line per service and real server. */
export function formatIpvsadmSave(services: readonly IpvsService[]): string {
  return formatIpvsadmSaveLines(services)
    .map((l) => `${l}\n`)
    .join("");
}
