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
import { vrrpInstance } from "./keepalived-vrrp.js";

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
      if (arg && SCHEDULERS.includes(arg)) vs.sched = arg;
      else lost(c, k.line, `\`${k.words.join(" ")}\`: not a scheduler lvsh knows`);
      return;
    case "lb_kind":
    case "lvs_method":
      vs.method = methodArg(c, k) ?? vs.method;
      return;
    case "persistence_timeout":
      vs.persistence = arg === undefined ? 360 : intArg(c, k, 1, 86400 * 31) ?? null;
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
      lost(c, k.line, `\`${k.words.join(" ")}\` in a virtual_server: lvsh has no such setting`);
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
}

function vsId(c: KaCtx, n: KaNode): Id | undefined {
  const [, a, b] = n.words;
  if (a === "group") return void lost(c, n.line, `\`${n.words.join(" ")}\`: lvsh has no virtual server groups; write a virtual_server per address`);
  if (a === "fwmark") {
    if (b && /^\d+$/.test(b) && Number(b) >= 1 && Number(b) <= 4294967295) return { addr: null, port: 0, fwmark: Number(b) };
    return void lost(c, n.line, `\`${n.words.join(" ")}\`: not a firewall mark`);
  }
  const ip = a ? parseIp(a) : null;
  const port = b === undefined ? 0 : /^\d+$/.test(b) && Number(b) <= 65535 ? Number(b) : -1;
  if (!ip || port < 0) return void lost(c, n.line, `\`${n.words.join(" ")}\`: expected an address and a port`);
  return { addr: { addr: ip.text, family: ip.family }, port, fwmark: null };
}

interface RealOut {
  readonly dest: Dest;
  readonly check?: HealthCheck;
  readonly inhibit: boolean;
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
  const own: CheckDefaults = { ...defaults };
  const checkers: KaNode[] = [];
  for (const k of n.block ?? []) {
    const [key] = k.words;
    if (key === "weight") weight = intArg(c, k, 0, 65535) ?? weight;
    else if (key === "lb_kind" || key === "lvs_method") method = methodArg(c, k) ?? method;
    else if (key === "uthreshold") uThreshold = intArg(c, k, 0, 2147483647) ?? 0;
    else if (key === "lthreshold") lThreshold = intArg(c, k, 0, 2147483647) ?? 0;
    else if (key === "inhibit_on_failure") inhibit = boolArg(k);
    else if (key === "delay_loop") own.delayLoop = secondsArg(c, k);
    else if (key === "connect_timeout") own.connectTimeout = secondsArg(c, k);
    else if (key === "retry") own.retry = intArg(c, k);
    else if (key === "delay_before_retry") noDelayBeforeRetry(c, k);
    else if (k.block && /^[A-Z_]+$/.test(key ?? "")) checkers.push(k);
    else lost(c, k.line, `\`${k.words.join(" ")}\` in a real_server: lvsh has no such setting`);
  }
  // keepalived keeps a non-NAT real server on the virtual server's port (fwmark: port 0)
  let port = given;
  if (method.method === "nat") port = given || (id.fwmark !== null ? 0 : id.port);
  else if (id.fwmark !== null) port = 0;
  else {
    if (given && given !== id.port) info(c, n.line, `real server ${a} ${given}: keepalived resets a ${method.method} real server to the service's port ${id.port}`);
    port = id.port;
  }
  // the first checker lvsh can read; keepalived needs every checker up, lvsh keeps one
  let check: HealthCheck | undefined;
  for (const k of checkers) {
    if (check) lost(c, k.line, `\`${k.words[0]}\`: lvsh keeps one check per real server (the first it can read)`);
    else check = readChecker(c, k, own, port);
  }
  if (checkers.length && !check) {
    lost(c, n.line, `real server ${a} ${b ?? ""}`.trimEnd() + ` loses ${checkers.length === 1 ? "its only checker" : "all its checkers"}: without one keepalived will never take it out of service`);
  }
  const dest: Dest = { addr: ip.text, family: ip.family, port, method: method.method, weight, uThreshold, lThreshold, ...(method.method === "tun" ? tunOf(method) : {}) };
  return { dest, ...(check ? { check } : {}), inhibit };
}

function tunOf(m: MethodSpec): Pick<Dest, "tunType" | "tunPort" | "tunCsum"> {
  return { tunType: m.tunType ?? "ipip", ...(m.tunPort !== undefined ? { tunPort: m.tunPort } : {}), ...(m.tunCsum ? { tunCsum: m.tunCsum } : {}) };
}

function virtualServer(c: KaCtx, n: KaNode): void {
  const id = vsId(c, n);
  if (!id) return;
  const vs: VsDraft = { line: n.line, persistence: null, onePacket: false, flags: [], rawFlags: [], defaults: {}, reals: [] };
  for (const k of n.block ?? []) vsOption(c, vs, k);
  const name = n.words.slice(1).join(" ");
  if (!vs.method) info(c, n.line, `virtual_server ${name} has no lb_kind: keepalived's default, NAT`);
  if (!vs.sched) info(c, n.line, `virtual_server ${name} has no lb_algo: keepalived's default, wlc`);
  if (id.fwmark === null && !vs.proto) info(c, n.line, `virtual_server ${name} has no protocol: keepalived uses UDP (the kernel's default)`);
  if (id.fwmark === null && id.port === 0 && vs.persistence === null) {
    info(c, n.line, `virtual_server ${name} is on port 0: keepalived makes it persistent (360 s)`);
    vs.persistence = 360;
  }
  if (vs.onePacket && id.fwmark === null && (vs.proto ?? "udp") !== "udp") {
    info(c, n.line, `virtual_server ${name}: ops is for UDP; keepalived drops it, and so does the import`);
    vs.onePacket = false;
  }
  if (vs.netmask !== undefined && vs.persistence === null) {
    lost(c, n.line, `persistence_granularity of virtual_server ${name}: it means nothing without persistence_timeout`);
    delete vs.netmask;
  }
  const method = vs.method ?? { method: "nat" };
  const reals = vs.reals.flatMap((r) => realServer(c, r, id, method, vs.defaults) ?? []);
  const family: Family = id.addr?.family ?? vs.ipFamily ?? reals.find((r) => r.dest.method !== "tun")?.dest.family ?? 4;
  const scheduler = vs.sched ?? "wlc";
  const svc: IpvsService = {
    proto: id.fwmark !== null ? null : (vs.proto ?? "udp"),
    addr: id.addr?.addr ?? null,
    port: id.port,
    fwmark: id.fwmark,
    family,
    scheduler,
    persistence: vs.persistence,
    netmask: vs.netmask ?? maxPrefix(family),
    flags: resolveFlags(c, vs, scheduler),
    onePacket: vs.onePacket,
    pe: vs.pe ?? null,
    dests: reals.map((r) => r.dest),
  };
  const key = serviceKeyOf(svc);
  if (c.g.ipvs.some((s) => serviceKeyOf(s) === key)) return lost(c, n.line, `virtual_server ${name}: ${key} is already imported; this one is left out`);
  c.g.ipvs.push(svc);
  keepalivedMeta(c, vs, svc, key, reals, n.line);
}

/** The service's check (when every real server has the same one), sorry server, quorum, inhibit. */
function keepalivedMeta(c: KaCtx, vs: VsDraft, svc: IpvsService, key: string, reals: readonly RealOut[], line: number): void {
  const ha: ServiceHa = {};
  const texts = new Set(reals.map((r) => JSON.stringify(r.check ?? null)));
  if (reals.length && texts.size === 1 && reals[0]!.check) ha.check = reals[0]!.check;
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

export function gatherKeepalived(g: Gathered, source: string, text: string): void {
  const c: KaCtx = { g, source };
  const parsed = parseKeepalivedConf(text);
  for (const p of parsed.problems) lost(c, p.line, p.message);
  for (const n of parsed.nodes) {
    const key = n.words[0];
    if (key === "virtual_server") virtualServer(c, n);
    else if (key === "vrrp_instance") vrrpInstance(c, n);
    else if (key === "include") lost(c, n.line, `\`${n.words.join(" ")}\`: import the included file too (another --from)`);
    else lost(c, n.line, `\`${n.words.join(" ")}${n.block ? " { ... }" : ""}\`: lvsh has no such setting`);
  }
}
