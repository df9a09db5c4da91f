/**
 * keepalived.conf -> what lvsh can express of it: `virtual_server` blocks
 * become services with their real servers and the keepalived metadata
 * (checks, sorry server, quorum, inhibit_on_failure); the VIPs of
 * `vrrp_instance` blocks become VIPs bound on the director. keepalived's
 * defaults are applied as keepalived applies them (lb_kind NAT, protocol
 * UDP, lb_algo wlc, persistence_timeout without a value 360 s, delay_loop
 * 60 s, connect_timeout 5 s, retry 1; checker values inherited from the
 * real server, then the virtual server). Everything else is a note.
 */
import { maxPrefix, netmaskToPrefix, parseIp, parseIPv4, schedulerFlags, wordsOf, tokens as T, type CsumMode, type Family, type Method, type Proto, type TunType } from "../lang/index.js";
import { serviceKeyOf, destKeyOf, type Dest, type HealthCheck, type IpvsService } from "../model/index.js";
import { lineSpan, type Gathered, type ServiceHa } from "./gather.js";
import { parseKeepalivedConf, type KaNode } from "./keepalived-conf.js";
import { readChecker, type CheckDefaults } from "./keepalived-check.js";
import { boolArg, info, intArg, lost, noDelayBeforeRetry, secondsArg, type KaCtx } from "./keepalived-values.js";
import { globalDefs } from "./keepalived-sync.js";
import { vrrpInstance, vrrpSyncGroup } from "./keepalived-vrrp.js";

const SCHEDULERS = wordsOf(T.Scheduler);

interface MethodSpec {
  readonly method: Method;
  readonly tunType?: TunType;
  readonly tunPort?: number;
  readonly tunCsum?: CsumMode;
}

/** `NAT`, `DR`, `TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`. */
function methodArg(c: KaCtx, n: KaNode): MethodSpec | undefined {
  const [, kind, ...rest] = n.words.map((w) => w.toLowerCase());
  const methods: Readonly<Record<string, Method>> = { nat: "nat", masq: "nat", dr: "dr", tun: "tun" };
  const method = methods[kind ?? ""];
  if (!method) return void lost(c, n.line, `\`${n.words.join(" ")}\`: the forwarding methods are NAT, DR, TUN`);
  if (method !== "tun") return { method };
  let spec: { method: Method; tunType?: TunType; tunPort?: number; tunCsum?: CsumMode } = { method, tunType: "ipip" };
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === "type" && ["ipip", "gue", "gre"].includes(rest[i + 1] ?? "")) spec = { ...spec, tunType: rest[++i] as TunType };
    else if (w === "port" && /^\d+$/.test(rest[i + 1] ?? "")) spec = { ...spec, tunPort: Number(rest[++i]) };
    else if (w === "nocsum" || w === "csum" || w === "remcsum") spec = { ...spec, tunCsum: w };
    else return void lost(c, n.line, `\`${n.words.join(" ")}\`: \`${w}\` is not a tunnel option`);
  }
  if (spec.tunType !== "ipip") spec = { tunCsum: "nocsum", ...spec };
  return spec;
}

interface VsDraft {
  readonly line: number;
  sched?: string;
  method?: MethodSpec;
  persistence: number | null;
  netmask?: number;
  pe?: string;
  proto?: Proto;
  onePacket: boolean;
  flags: string[];
  rawFlags: { word: string; line: number }[];
  ipFamily?: Family;
  quorum?: { value: number; line: number };
  sorry?: { node: KaNode };
  inhibit?: boolean;
  defaults: CheckDefaults;
  reals: KaNode[];
}

function vsOption(c: KaCtx, vs: VsDraft, k: KaNode): void {
  const [key, arg] = k.words;
  switch (key) {
    case "lb_algo":
    case "lvs_sched":
      if (key === "lvs_sched") renamed(c, k, "lb_algo");
      if (arg && SCHEDULERS.includes(arg)) vs.sched = arg;
      else lost(c, k.line, `\`${k.words.join(" ")}\`: not a scheduler lvsh knows`);
      return;
    case "lb_kind":
    case "lvs_method":
      if (key === "lvs_method") renamed(c, k, "lb_kind");
      vs.method = methodArg(c, k) ?? vs.method;
      return;
    case "persistence_timeout":
      // 0: not persistent (keepalived's own reading)
      vs.persistence = arg === undefined ? 360 : arg === "0" ? null : (intArg(c, k, 1, 86400 * 31) ?? null);
      return;
    case "persistence_granularity": {
      const ip = arg ? parseIPv4(arg) : null;
      const prefix = ip ? netmaskToPrefix(ip) : arg && /^\d+$/.test(arg) ? Number(arg) : null;
      if (prefix === null || prefix < 1 || prefix > 128) lost(c, k.line, `\`${k.words.join(" ")}\`: not a netmask`);
      else vs.netmask = prefix;
      return;
    }
    case "persistence_engine":
      if (arg === "sip") vs.pe = arg;
      else lost(c, k.line, `\`${k.words.join(" ")}\`: lvsh knows the sip site only`);
      return;
    case "protocol": {
      const p = arg?.toLowerCase();
      if (p === "tcp" || p === "udp" || p === "sctp") vs.proto = p;
      else lost(c, k.line, `\`${k.words.join(" ")}\`: the protocols are TCP, UDP, SCTP`);
      return;
    }
    case "ops":
      vs.onePacket = true;
      return;
    case "sh-port":
    case "sh-fallback":
    case "mh-port":
    case "mh-fallback":
      vs.flags.push(key);
      return;
    case "flag-1":
    case "flag-2":
    case "flag-3":
      vs.rawFlags.push({ word: key, line: k.line });
      return;
    case "ip_family":
      vs.ipFamily = arg === "inet6" ? 6 : 4;
      return;
    case "quorum": {
      const q = intArg(c, k, 1);
      if (q !== undefined) vs.quorum = { value: q, line: k.line };
      return;
    }
    case "sorry_server":
      vs.sorry = { node: k };
      return;
    case "inhibit_on_failure":
      vs.inhibit = boolArg(k);
      return;
    case "delay_loop":
      vs.defaults.delayLoop = secondsArg(c, k);
      return;
    case "connect_timeout":
      vs.defaults.connectTimeout = secondsArg(c, k);
      return;
    case "retry":
      vs.defaults.retry = intArg(c, k);
      return;
    case "delay_before_retry":
      return noDelayBeforeRetry(c, k);
    case "real_server":
      vs.reals.push(k);
      return;
    default:
      if (!nestedBlock(c, k, "virtual_server", vs.line)) lost(c, k.line, `\`${k.words.join(" ")}\` in a virtual_server: lvsh has no such setting`);
  }
}

/** A block keepalived reads at the top only (a `}` missing before it?): said as such, never lost silently. */
const TOP_LEVEL = new Set(["virtual_server", "virtual_server_group", "vrrp_instance", "vrrp_sync_group"]);

function nestedBlock(c: KaCtx, k: KaNode, parent: string, parentLine: number): boolean {
  if (!TOP_LEVEL.has(k.words[0] ?? "")) return false;
  lost(c, k.line, `\`${k.words.join(" ")}\` is inside the ${parent} of line ${parentLine} (a \`}\` missing before it?), where keepalived does not read it either: not imported`);
  return true;
}

/** Every top-level block hidden in an unknown block, said with its line. */
function nestedIn(c: KaCtx, n: KaNode): void {
  for (const k of n.block ?? []) if (!nestedBlock(c, k, `\`${n.words[0]}\` block`, n.line)) nestedIn(c, k);
}

/**
 * Renamed, deprecated or misspelt keywords: one note per keyword and file
 * (at its first line, with how many more), read as keepalived reads them.
 */
interface Renamed {
  readonly line: number;
  readonly lines: Set<number>;
  readonly text: string;
}
const renames = new WeakMap<KaCtx, Map<string, Renamed>>();

function renamed(c: KaCtx, k: KaNode, now: string, own?: { key: string; text: string }): void {
  const word = own?.key ?? k.words[0]!;
  const text = own?.text ??
    (word === "nb_get_retry"
      ? "`nb_get_retry` is keepalived's deprecated name for `retry`: read as retry"
      : word === "weigth"
        ? "keepalived does not know `weigth` (a misspelling of `weight`): it ignores the line, and so does the import (the real server keeps its weight, 1 unless `weight` is given)"
        : `\`${word}\` is keepalived's other name for \`${now}\`: read as ${now}`);
  const m = renames.get(c) ?? new Map<string, Renamed>();
  renames.set(c, m);
  const r = m.get(word);
  if (r) r.lines.add(k.line);
  else m.set(word, { line: k.line, lines: new Set([k.line]), text });
}

/**
 * `nb_get_retry`: keepalived's old name for `retry` in HTTP_GET and SSL_GET,
 * read as it; other checkers never had it, and keepalived ignores it there.
 */
function retryRenamed(c: KaCtx, k: KaNode): KaNode {
  const old = (k.block ?? []).filter((x) => x.words[0] === "nb_get_retry");
  if (!old.length) return k;
  if (k.words[0] === "HTTP_GET" || k.words[0] === "SSL_GET") {
    for (const x of old) renamed(c, x, "retry");
    return k;
  }
  const text = `\`nb_get_retry\` in ${k.words[0]}: keepalived does not know it there (it is HTTP_GET's and SSL_GET's old name for retry) and ignores it, and so does the import`;
  for (const x of old) renamed(c, x, "retry", { key: `nb_get_retry ${k.words[0]}`, text });
  return { ...k, block: (k.block ?? []).filter((x) => !old.includes(x)) };
}

function renameNotes(c: KaCtx): void {
  for (const r of renames.get(c)?.values() ?? []) {
    const more = r.lines.size - 1;
    info(c, r.line, more ? `${r.text} (here and on ${more} more line${more > 1 ? "s" : ""})` : r.text);
  }
}

/** flag-1 and flag-2 are the scheduler's first and second flag (sh-fallback, sh-port for sh). */
function resolveFlags(c: KaCtx, vs: VsDraft, scheduler: string): string[] {
  const own = Object.keys(schedulerFlags).filter((f) => schedulerFlags[f] === scheduler);
  const flags = [...vs.flags];
  for (const f of vs.rawFlags) {
    const name = f.word === "flag-1" ? own.find((x) => x.endsWith("-fallback")) : f.word === "flag-2" ? own.find((x) => x.endsWith("-port")) : undefined;
    if (name) flags.push(name);
    else lost(c, f.line, `\`${f.word}\` means nothing lvsh knows for the ${scheduler} scheduler`);
  }
  const mine = flags.filter((f) => schedulerFlags[f] === scheduler);
  for (const f of new Set(flags.filter((x) => !mine.includes(x)))) lost(c, vs.line, `\`${f}\` is a flag of the ${schedulerFlags[f]} scheduler, not of ${scheduler}`);
  return [...new Set(mine)];
}

interface Id {
  readonly addr: { addr: string; family: Family } | null;
  readonly port: number;
  readonly fwmark: number | null;
  /** A fwmark of a virtual_server_group: keepalived keeps its real servers' ports (for their checks), where a `virtual_server fwmark` clears them. */
  readonly inGroup?: boolean;
}

function vsId(c: KaCtx, n: KaNode): Id | undefined {
  const [, a, b] = n.words;
  if (a === "fwmark") {
    if (b && /^\d+$/.test(b) && Number(b) >= 1 && Number(b) <= 4294967295) return { addr: null, port: 0, fwmark: Number(b) };
    return void lost(c, n.line, `\`${n.words.join(" ")}\`: not a firewall mark`);
  }
  const ip = a ? parseIp(a) : null;
  const port = b === undefined ? 0 : /^\d+$/.test(b) && Number(b) <= 65535 ? Number(b) : -1;
  if (!ip || port < 0) return void lost(c, n.line, `\`${n.words.join(" ")}\`: expected an address and a port`);
  return { addr: { addr: ip.text, family: ip.family }, port, fwmark: null };
}

/** Most addresses one group range gives (keepalived's IPv4 ranges stop at 255 anyway). */
const MAX_RANGE = 256;

/**
 * A `virtual_server_group` entry: `ADDR PORT`, `ADDR-LAST PORT` (a range of
 * the last byte, or of the last 16-bit group of an IPv6 address, in hex), or
 * `fwmark N`.
 */
function groupEntry(c: KaCtx, e: KaNode, group: string): Id[] {
  const [a = "", b] = e.words;
  if (a === "fwmark") {
    const id = vsId(c, { ...e, words: ["virtual_server", ...e.words] });
    return id ? [{ ...id, inGroup: true }] : [];
  }
  const bad = (why: string): Id[] => {
    lost(c, e.line, `\`${e.words.join(" ")}\` in virtual_server_group ${group}: ${why}`);
    return [];
  };
  const port = b === undefined ? 0 : /^\d+$/.test(b) && Number(b) <= 65535 ? Number(b) : -1;
  if (port < 0 || e.words.length > 2) return bad("expected an address (or a range) and a port");
  const dash = a.lastIndexOf("-");
  const first = parseIp(dash < 0 ? a : a.slice(0, dash));
  if (!first) return bad("not an address or a range");
  const id = (addr: string): Id => ({ addr: { addr, family: first.family }, port, fwmark: null });
  if (dash < 0) return [id(first.text)];
  const lastText = a.slice(dash + 1);
  if (first.family === 4) {
    const bytes = first.bytes;
    const last = /^\d+$/.test(lastText) ? Number(lastText) : -1;
    if (last < bytes[3]! || last > 255) return bad(`the range ends at ${lastText}, not at ${bytes[3]} to 255 (its last byte)`);
    return Array.from({ length: last - bytes[3]! + 1 }, (_, i) => id([...bytes.slice(0, 3), bytes[3]! + i].join(".")));
  }
  const words = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => first.bytes[i]! * 256 + first.bytes[i + 1]!);
  const start = words[7]!;
  const last = /^[0-9a-fA-F]{1,4}$/.test(lastText) ? parseInt(lastText, 16) : -1;
  if (last < start) return bad(`the range ends at ${lastText}, not at ${start.toString(16)} to ffff (its last group, in hex)`);
  if (last - start + 1 > MAX_RANGE) return bad(`${last - start + 1} addresses: lvsh expands at most ${MAX_RANGE}`);
  return Array.from({ length: last - start + 1 }, (_, i) => id(parseIp([...words.slice(0, 7), start + i].map((w) => w.toString(16)).join(":"))!.text));
}

interface Group {
  readonly line: number;
  readonly ids: Id[];
  /** IPv4 and IPv6 entries (addresses, or fwmarks with `inet`/`inet6`). */
  readonly mixed: boolean;
  /** Why keepalived removes the group (and so ignores the virtual servers of it). */
  readonly removed?: string;
}

/**
 * The file's `virtual_server_group`s, by name, expanded. keepalived
 * (check_parser.c vsg_handler) removes a group with IPv4 and IPv6 entries and
 * a fwmark without family; a mixed group without one is kept (see
 * virtualServer).
 */
function readGroups(c: KaCtx, nodes: readonly KaNode[]): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const n of nodes) {
    if (n.words[0] !== "virtual_server_group") continue;
    const name = n.words[1] ?? "";
    if (out.has(name)) {
      lost(c, n.line, `virtual_server_group ${name} is defined again (line ${out.get(name)!.line} first): this one is left out`);
      continue;
    }
    const entries = n.block ?? [];
    const ids = entries.flatMap((e) => groupEntry(c, e, name));
    const fams = new Set(ids.flatMap((id) => (id.addr ? [id.addr.family] : [])));
    for (const e of entries) if (e.words[0] === "fwmark" && (e.words[2] === "inet" || e.words[2] === "inet6")) fams.add(e.words[2] === "inet" ? 4 : 6);
    const mixed = fams.size === 2;
    const bare = entries.find((e) => e.words[0] === "fwmark" && e.words.length === 2);
    if (mixed && bare) {
      const removed = `keepalived removes virtual_server_group ${name} (line ${n.line}): it has IPv4 and IPv6 entries and \`${bare.words.join(" ")}\` (line ${bare.line}) without a family (\`inet\` or \`inet6\`)`;
      lost(c, n.line, `${removed}; lvsh leaves it out too`);
      out.set(name, { line: n.line, ids: [], mixed, removed });
      continue;
    }
    out.set(name, { line: n.line, ids, mixed });
  }
  return out;
}

/** The ids of a `virtual_server` line: its address and port, its fwmark, or its group's entries. */
function vsIds(c: KaCtx, n: KaNode, groups: ReadonlyMap<string, Group>): Id[] {
  if (n.words[1] !== "group") {
    const id = vsId(c, n);
    return id ? [id] : [];
  }
  const name = n.words[2] ?? "";
  const g = groups.get(name);
  if (!g) {
    lost(c, n.line, `\`${n.words.join(" ")}\`: this file has no virtual_server_group ${name} (an included file? import it in the same file)`);
    return [];
  }
  if (g.removed) {
    lost(c, n.line, `\`${n.words.join(" ")}\`: ${g.removed}, and with it this virtual server: left out`);
    return [];
  }
  if (!g.ids.length) lost(c, n.line, `\`${n.words.join(" ")}\`: virtual_server_group ${name} (line ${g.line}) gives no address lvsh can read`);
  return g.ids;
}

interface RealOut {
  readonly dest: Dest;
  readonly check?: HealthCheck;
  readonly inhibit: boolean;
  /** Its own lb_kind (else the virtual server's). */
  readonly ownMethod: boolean;
  readonly line: number;
}

function realServer(c: KaCtx, n: KaNode, id: Id, vsMethod: MethodSpec, defaults: CheckDefaults): RealOut | undefined {
  const [, a, b] = n.words;
  const ip = a ? parseIp(a) : null;
  const given = b === undefined ? 0 : /^\d+$/.test(b) && Number(b) <= 65535 ? Number(b) : -1;
  if (!ip || given < 0) return void lost(c, n.line, `\`${n.words.join(" ")}\`: expected an address and a port`);
  let method = vsMethod;
  let weight = 1;
  let uThreshold = 0;
  let lThreshold = 0;
  let inhibit = false;
  let ownMethod = false;
  const own: CheckDefaults = { ...defaults };
  const checkers: KaNode[] = [];
  for (const k of n.block ?? []) {
    const [key] = k.words;
    if (key === "weight") weight = intArg(c, k, 0, 65535) ?? weight;
    else if (key === "weigth") renamed(c, k, "weight");
    else if (key === "lb_kind" || key === "lvs_method") {
      if (key === "lvs_method") renamed(c, k, "lb_kind");
      method = methodArg(c, k) ?? method;
      ownMethod = true;
    }
    else if (key === "uthreshold") uThreshold = intArg(c, k, 0, 2147483647) ?? 0;
    else if (key === "lthreshold") lThreshold = intArg(c, k, 0, 2147483647) ?? 0;
    else if (key === "inhibit_on_failure") inhibit = boolArg(k);
    else if (key === "delay_loop") own.delayLoop = secondsArg(c, k);
    else if (key === "connect_timeout") own.connectTimeout = secondsArg(c, k);
    else if (key === "retry") own.retry = intArg(c, k);
    else if (key === "delay_before_retry") noDelayBeforeRetry(c, k);
    else if (k.block && /^[A-Z_]+$/.test(key ?? "")) checkers.push(k);
    else if (!nestedBlock(c, k, "real_server", n.line)) lost(c, k.line, `\`${k.words.join(" ")}\` in a real_server: lvsh has no such setting`);
  }
  // keepalived keeps a non-NAT real server on the virtual server's port (fwmark: port 0)
  let port = given;
  if (method.method === "nat") port = given || (id.fwmark !== null ? 0 : id.port);
  else if (id.fwmark !== null) port = 0;
  else {
    if (given && given !== id.port) info(c, n.line, `real server ${a} ${given}: keepalived resets a ${method.method} real server to the service's port ${id.port}`);
    port = id.port;
  }
  // the first checker lvsh can say is kept; keepalived takes a real server out when any of them fails
  let check: HealthCheck | undefined;
  let kept: KaNode | undefined;
  for (const k of checkers) {
    if (kept) {
      lost(c, k.line, `\`${k.words[0]}\`: lvsh keeps one check per real server (the ${kept.words[0]} of line ${kept.line})`);
      continue;
    }
    check = readChecker(c, retryRenamed(c, k), own, port);
    if (check && check.kind !== "none" && check.port === null && port === 0) {
      // keepalived checks a fwmark group's real server on the port its real_server line gives (check_data.c: "port will be ignored" by IPVS only)
      if (id.inGroup && given && check.kind !== "misc") check = { ...check, port: given };
      else {
        lost(c, k.line, `\`${k.words[0]}\` of real server ${ip.text} in fwmark ${id.fwmark} without connect_port: the real server is on port 0 (every port of the mark), and lvsh's check needs a port`);
        check = undefined;
      }
    }
    if (check) kept = k;
  }
  if (checkers.length && !check) {
    const svc = id.fwmark !== null ? `fwmark ${id.fwmark}` : `${id.addr?.addr}:${id.port}`;
    lost(c, n.line, `real server ${n.words.slice(1).join(" ")} of ${svc}: none of its checkers could be imported, so it has no check there; keepalived (as lvsh exports it) will then never take it out of that service`);
  }
  const dest: Dest = { addr: ip.text, family: ip.family, port, method: method.method, weight, uThreshold, lThreshold, ...(method.method === "tun" ? tunOf(method) : {}) };
  return { dest, ...(check ? { check } : {}), inhibit, ownMethod, line: n.line };
}

function tunOf(m: MethodSpec): Pick<Dest, "tunType" | "tunPort" | "tunCsum"> {
  return { tunType: m.tunType ?? "ipip", ...(m.tunPort !== undefined ? { tunPort: m.tunPort } : {}), ...(m.tunCsum ? { tunCsum: m.tunCsum } : {}) };
}

/** What the virtual servers of each import took, by service key: where, and what (to compare a second file's). */
const takenBy = new WeakMap<Gathered, Map<string, { source: string; line: number; print: string }>>();

/** A service with its keepalived metadata, without the places (spans) it was read from. */
function fingerprint(c: KaCtx, svc: IpvsService, key: string): string {
  const checks = [...c.g.realChecks].filter(([k]) => k.startsWith(`${key} `));
  return JSON.stringify({ svc, ha: c.g.serviceHa.get(key) ?? null, checks }, (k, v: unknown) => (k === "span" ? undefined : v));
}

/** The virtual_server (one service, or one per address of its group); false when none was imported. */
function virtualServer(c: KaCtx, n: KaNode, groups: ReadonlyMap<string, Group>): boolean {
  const ids = vsIds(c, n, groups);
  if (!ids.length) return false;
  const vs: VsDraft = { line: n.line, persistence: null, onePacket: false, flags: [], rawFlags: [], defaults: {}, reals: [] };
  for (const k of n.block ?? []) vsOption(c, vs, k);
  const name = n.words.slice(1).join(" ");
  const group = n.words[1] === "group" ? groups.get(n.words[2] ?? "") : undefined;
  if (group?.mixed) {
    // keepalived (ipwrapper.c) ignores a virtual server of an IPv4 and IPv6 group once a family is set: by ip_family, or a real server that is not tunnelled
    const mark = c.g.notes.length;
    const fixed = vs.ipFamily !== undefined || vs.reals.some((r) => realServer(c, r, ids[0]!, vs.method ?? { method: "nat" }, vs.defaults)?.dest.method !== "tun");
    c.g.notes.length = mark;
    if (fixed) {
      lost(c, n.line, `virtual_server ${name}: virtual_server_group ${n.words[2]} (line ${group.line}) has IPv4 and IPv6 entries, which keepalived takes only when every real server is tunnelled and no ip_family is set; it ignores this virtual server ("virtual server group with IPv4 & IPv6 doesn't match virtual server"): left out`);
      return false;
    }
  }
  const taken = takenBy.get(c.g) ?? new Map<string, { source: string; line: number; print: string }>();
  takenBy.set(c.g, taken);
  let any = false;
  const notesBefore = c.g.notes.length;
  const said = new Set<string>();
  const once = (text: string, f: () => void) => {
    if (!said.has(text)) f();
    said.add(text);
  };
  for (const id of ids) {
    const method = vs.method ?? { method: "nat" };
    const all = vs.reals.flatMap((r) => realServer(c, r, id, method, vs.defaults) ?? []);
    const family: Family = id.addr?.family ?? vs.ipFamily ?? all.find((r) => r.dest.method !== "tun")?.dest.family ?? 4;
    const reals = all.filter((r) => {
      if (r.dest.method !== "tun" && r.dest.family !== family) {
        lost(c, r.line, `real server ${r.dest.addr}: IPv${r.dest.family}, so it is left out of the IPv${family} service${ids.length > 1 ? "s" : ""} (only a tun real server can be of another family)`);
        return false;
      }
      if (r.dest.addr !== id.addr?.addr) return true;
      lost(c, r.line, `real server ${r.dest.addr} of ${id.addr.addr}:${id.port}: the virtual server's own address (a local real server), which lvsh refuses; left out`);
      return false;
    });
    if (!vs.method && (!reals.length || reals.some((r) => !r.ownMethod))) once("lb_kind", () => info(c, n.line, `virtual_server ${name} has no lb_kind: keepalived's default, NAT`));
    if (!vs.sched) once("lb_algo", () => info(c, n.line, `virtual_server ${name} has no lb_algo: keepalived's default, wlc`));
    if (id.fwmark === null && !vs.proto) once("protocol", () => info(c, n.line, `virtual_server ${name} has no protocol: keepalived uses UDP (the kernel's default)`));
    let persistence = vs.persistence;
    if (id.fwmark === null && id.port === 0 && persistence === null) {
      once("port 0", () => info(c, n.line, `virtual_server ${name} is on port 0: keepalived makes it persistent (360 s)`));
      persistence = 360;
    }
    let onePacket = vs.onePacket;
    if (onePacket && id.fwmark === null && (vs.proto ?? "udp") !== "udp") {
      once("ops", () => info(c, n.line, `virtual_server ${name}: ops is for UDP; keepalived drops it, and so does the import`));
      onePacket = false;
    }
    let netmask = vs.netmask;
    if (netmask !== undefined && persistence === null) {
      once("granularity", () => lost(c, n.line, `persistence_granularity of virtual_server ${name}: it means nothing without persistence_timeout`));
      netmask = undefined;
    }
    const scheduler = vs.sched ?? "wlc";
    const svc: IpvsService = {
      proto: id.fwmark !== null ? null : (vs.proto ?? "udp"),
      addr: id.addr?.addr ?? null,
      port: id.port,
      fwmark: id.fwmark,
      family,
      scheduler,
      persistence,
      netmask: netmask ?? maxPrefix(family),
      flags: resolveFlags(c, vs, scheduler),
      onePacket,
      pe: vs.pe ?? null,
      dests: reals.map((r) => r.dest),
    };
    const key = serviceKeyOf(svc);
    const prior = taken.get(key);
    if (prior) {
      // both directors' files hold the same table: the same service again is no news
      const g2 = { ...c.g, ipvs: [], serviceHa: new Map<string, ServiceHa>(), realChecks: new Map<string, HealthCheck>(), notes: [] };
      keepalivedMeta({ ...c, g: g2 }, vs, svc, key, reals, n.line);
      const same = fingerprint({ ...c, g: g2 }, svc, key) === prior.print;
      if (prior.source === c.source) lost(c, n.line, `virtual_server ${name}: ${key} is already imported (line ${prior.line}); this one is left out`);
      else if (!same) lost(c, n.line, `virtual_server ${name}: ${key} differs from the one of ${prior.source}:${prior.line}, which is imported; this one is left out`);
      else any = true;
      continue;
    }
    c.g.ipvs.push(svc);
    keepalivedMeta(c, vs, svc, key, reals, n.line);
    taken.set(key, { source: c.source, line: n.line, print: fingerprint(c, svc, key) });
    any = true;
  }
  // a group's addresses share the virtual server's notes: each said once
  const seen = new Set<string>();
  const mine = c.g.notes.splice(notesBefore).filter((x) => {
    const k = `${x.line} ${x.kind} ${x.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  c.g.notes.push(...mine);
  return any;
}

/** The service's check (when every real server has the same one), sorry server, quorum, inhibit. */
function keepalivedMeta(c: KaCtx, vs: VsDraft, svc: IpvsService, key: string, reals: readonly RealOut[], line: number): void {
  const ha: ServiceHa = {};
  const texts = new Set(reals.map((r) => JSON.stringify(r.check ?? null)));
  // a fwmark service's own check needs a port of its own (its real servers' ports may differ)
  const shared = reals[0]?.check;
  if (reals.length && texts.size === 1 && shared && (svc.fwmark === null || (shared.kind !== "none" && shared.port !== null))) ha.check = shared;
  else for (const r of reals) if (r.check) c.g.realChecks.set(`${key} ${destKeyOf(r.dest)}`, r.check);
  const inhibits = new Set(reals.map((r) => r.inhibit || !!vs.inhibit));
  if (inhibits.size === 1 && inhibits.has(true)) ha.inhibitOnFailure = true;
  else if (inhibits.size > 1) lost(c, line, `inhibit_on_failure on some real servers of ${key} only: lvsh's \`inhibit on failure\` is for the whole service`);
  if (vs.quorum) ha.quorum = { value: vs.quorum.value, span: lineSpan(c.source, vs.quorum.line) };
  const s = vs.sorry?.node;
  if (s) {
    const ip = s.words[1] ? parseIp(s.words[1]) : null;
    const given = s.words[2] === undefined ? 0 : Number(s.words[2]);
    const nat = (vs.method?.method ?? "nat") === "nat";
    if (!ip || !Number.isInteger(given) || given < 0 || given > 65535) lost(c, s.line, `\`${s.words.join(" ")}\`: expected an address and a port`);
    else if (ip.family !== svc.family) lost(c, s.line, `sorry server ${ip.text}: another family than ${key}`);
    else {
      const port = svc.fwmark !== null ? (nat ? given : 0) : nat ? given || svc.port : svc.port;
      ha.sorry = { addr: ip.text, family: ip.family, port, span: lineSpan(c.source, s.line) };
    }
  }
  if (Object.keys(ha).length) c.g.serviceHa.set(key, ha);
}

/** Where a file from which nothing could be imported says why. */
export interface NothingTaken {
  readonly line: number;
  readonly reason: string;
}

/** Reads one keepalived.conf into `g`; says why when nothing at all could be taken from it. */
export function gatherKeepalived(g: Gathered, source: string, text: string): NothingTaken | undefined {
  const c: KaCtx = { g, source };
  const parsed = parseKeepalivedConf(text);
  for (const p of parsed.problems) lost(c, p.line, p.message);
  const groups = readGroups(c, parsed.nodes);
  const failed: KaNode[] = [];
  let taken = 0;
  const vrrpBefore = g.vrrp.length;
  for (const n of parsed.nodes) {
    const key = n.words[0];
    if (key === "virtual_server") {
      if (virtualServer(c, n, groups)) taken++;
      else failed.push(n);
    } else if (key === "vrrp_instance") vrrpInstance(c, n);
    else if (key === "vrrp_sync_group") vrrpSyncGroup(c, n);
    else if (key === "global_defs") {
      globalDefs(c, n);
      nestedIn(c, n);
    }
    else if (key === "virtual_server_group") continue;
    else if (key === "include") lost(c, n.line, `\`${n.words.join(" ")}\`: import the included file too (another --from)`);
    else {
      lost(c, n.line, `\`${n.words.join(" ")}${n.block ? " { ... }" : ""}\`: lvsh has no such setting`);
      nestedIn(c, n);
    }
  }
  renameNotes(c);
  const vips = g.vrrp.slice(vrrpBefore).reduce((k, i) => k + i.vips.length, 0);
  if (taken || vips) return undefined;
  const mine = g.notes.filter((x) => x.source === source && x.kind === "lost");
  if (failed.length) {
    const first = failed[0]!;
    const why = mine.find((x) => x.line === first.line) ?? mine.find((x) => (x.line ?? 0) > first.line);
    const more = failed.length > 1 ? `none of its ${failed.length} virtual_server blocks could be imported; the first: ` : "its virtual_server could not be imported: ";
    return { line: first.line, reason: `${more}${why?.text ?? first.words.join(" ")}` };
  }
  if (parsed.problems.length) return { line: parsed.problems[0]!.line, reason: parsed.problems[0]!.message };
  const vrrp = parsed.nodes.find((n) => n.words[0] === "vrrp_instance");
  if (vrrp) return { line: vrrp.line, reason: `vrrp_instance ${vrrp.words[1] ?? ""} has no virtual_ipaddress lvsh can read, and the file has no virtual_server` };
  return { line: parsed.nodes[0]?.line ?? 1, reason: "no virtual_server and no vrrp_instance: nothing lvsh imports from a keepalived.conf" };
}
