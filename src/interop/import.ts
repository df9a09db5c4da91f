/**
 * Import: files or running hosts -> a configuration -> a readable lvsh
 * script (printConfig: one `vip` per address, services with their options,
 * real servers grouped with `.N` shorthand, `arp hide on rs` where the real
 * servers hide the VIP), headed by what could not be imported.
 */
import { parseIp, type Span, type Transport } from "../lang/index.js";
import {
  compile,
  destKeyOf,
  serviceKeyOf,
  unusableAddress,
  type Dest,
  type IpvsService,
  elementKey,
  emptyConfig,
  liftState,
  printConfig,
  realServerHost,
  RUNNING_SPAN,
  type Config,
  type HostDef,
  type HostState,
  type RealDef,
  type ServiceDef,
  type State,
  type TransportSpec,
} from "../model/index.js";
import { gatherArptables } from "./arptables.js";
import { detectFormat } from "./detect.js";
import { describeNote, emptyGathered, noteComment, rsEntry, type Gathered, type Note } from "./gather.js";
import { gatherIpvsadm, ipvsadmRuleLines } from "./ipvsadm.js";
import { gatherKeepalived } from "./keepalived-import.js";
import { gatherShell, type AnyRsPart } from "./sh-import.js";
import { resolveSync } from "./keepalived-sync.js";
import { resolveVrrp } from "./keepalived-vrrp.js";

export interface ImportResult {
  readonly config: Config;
  readonly notes: readonly Note[];
  /** Of files: why no service could be imported (located where it applies); absent when one was. */
  readonly nothing?: string;
}

export interface SourceFile {
  readonly name: string;
  readonly text: string;
}

/**
 * The gathered parts as a configuration, with the keepalived metadata
 * attached. Of files, what the configuration does not use is reported; on
 * running hosts, other addresses and ARP rules are simply not lvsh's.
 */
export function finish(g: Gathered, hosts: ReadonlyMap<string, HostDef> = new Map(), reportUnused = true): ImportResult {
  const state: State = {
    hosts: {
      director: { ipvs: g.ipvs, arp: [], addrs: g.directorAddrs, sysctls: {} },
      ...Object.fromEntries([...g.rs].map(([h, e]): [string, HostState] => [h, { ipvs: [], arp: e.arp, addrs: e.addrs, sysctls: e.sysctls }])),
    },
  };
  const byAddr: Config = { ...emptyConfig(), hosts };
  const lifted = liftState(state, "director", hosts, (a) => realServerHost(byAddr, a).name, { everyServiceVip: true });
  const services = new Map<string, ServiceDef>();
  for (const [key, svc] of lifted.services) {
    const reals = new Map<string, RealDef>();
    for (const [rk, r] of svc.reals) {
      const check = g.realChecks.get(`${key} ${destKeyOf(r)}`);
      reals.set(rk, check ? { ...r, check } : r);
    }
    services.set(key, { ...svc, reals, ...g.serviceHa.get(key) });
  }
  // keepalived moves the VRRP VIPs: declared unbound (with their pair), used by a service or not
  const vrrp = resolveVrrp(g);
  const vips = new Map(lifted.vips);
  for (const v of vrrp.vips) vips.set(v.addr, { ...v, arpHide: lifted.vips.get(v.addr)?.arpHide ?? null });
  const synced = resolveSync(g, { ...lifted, vips, services });
  const config: Config = synced.config;
  return { config, notes: byPlace([...g.notes, ...vrrp.notes, ...synced.notes, ...(reportUnused ? leftovers(g, config) : [])]) };
}

/** Notes in the order of their sources, then of their lines (stable). */
function byPlace(notes: readonly Note[]): Note[] {
  const order = new Map<string, number>();
  for (const n of notes) if (!order.has(n.source)) order.set(n.source, order.size);
  return notes
    .map((n, i) => ({ n, i }))
    .sort((x, y) => order.get(x.n.source)! - order.get(y.n.source)! || (x.n.line ?? Infinity) - (y.n.line ?? Infinity) || x.i - y.i)
    .map((x) => x.n);
}

/** What the files hold that the configuration does not use: VIPs without a service, ARP rules of no `arp hide`. */
function leftovers(g: Gathered, config: Config): Note[] {
  const out: Note[] = [];
  for (const a of g.directorAddrs) {
    if (!config.vips.has(a.addr)) out.push({ source: "director", kind: "lost", text: `VIP ${a.addr} on ${a.dev}: no service uses it (lvsh binds the addresses of its services)` });
  }
  const desired = compile(config).state.hosts;
  // without the director's rules, no ARP rule can be an `arp hide` (the reason nothing was imported says so)
  for (const [host, e] of g.ipvs.length ? g.rs : []) {
    const want = new Set((desired[host]?.arp ?? []).map((r) => elementKey.arp(host, r)));
    for (const r of e.arp) {
      if (!want.has(elementKey.arp(host, r))) out.push({ source: host, kind: "lost", text: `ARP rule \`${elementKey.arp(host, r).replace(/^arp \S+ /, "")}\`: not the rules of an \`arp hide on rs\` of a service's VIP` });
    }
  }
  return out;
}

/** Files (ipvsadm rules, arptables-save, keepalived.conf, shell scripts, in any mix) -> a configuration. */
export function importFiles(files: readonly SourceFile[]): ImportResult | { readonly error: string } {
  const g = emptyGathered();
  const anyRs: AnyRsPart[] = [];
  const arpFiles: string[] = [];
  const missed: Note[] = [];
  // a keepalived.conf that gives nothing at all: where and why
  const kaEmpty: string[] = [];
  // each service's file, for the notes on conflicts and on what lvsh refuses
  const origin = new Map<string, Origin>();
  for (const f of files) {
    if (f.text.includes("\0")) return { error: `${f.name} is not a text file: expected ipvsadm rules (ipvsadm -S), arptables-save output, a keepalived.conf or a shell script` };
    const format = detectFormat(f.text);
    const before = { ipvs: g.ipvs.length, ha: new Set(g.serviceHa.keys()), checks: new Set(g.realChecks.keys()) };
    if (!format) g.notes.push({ source: f.name, kind: "lost", text: "nothing in it (only blank lines and comments)" });
    else if (format === "ipvsadm") gatherIpvsadm(g, f.name, f.text);
    else if (format === "arptables") {
      arpFiles.push(f.name);
      gatherArptables(g, f.name, f.text);
    } else if (format === "keepalived") {
      const nothing = gatherKeepalived(g, f.name, f.text);
      if (nothing) kaEmpty.push(`${f.name}:${nothing.line}: nothing could be imported: ${nothing.reason}`);
    }
    else {
      const sh = gatherShell(g, f.name, f.text);
      anyRs.push(...sh.anyRs);
      missed.push(...sh.missed);
    }
    mergeSource(g, f.name, before, origin);
  }
  refused(g, origin);
  placeAnyRs(g, anyRs);
  const r = finish(g);
  const notes = [...r.notes, ...unhidden(g, r.config)];
  if (r.config.services.size) return { ...r, notes };
  return { ...r, notes, nothing: kaEmpty.length && !g.ipvs.length ? kaEmpty.join("\n") : nothingReason(g, files, arpFiles, anyRs, [...missed, ...notes]) };
}

interface Origin {
  readonly source: string;
  readonly line?: number;
  readonly svc: IpvsService;
}

function originOf(svc: IpvsService, source: string): Origin {
  return svc.span && svc.span.file === source ? { source, line: svc.span.line, svc } : { source, svc };
}

function at(o: Origin): string {
  return o.line ? `${o.source}:${o.line}` : o.source;
}

/**
 * The services a file added, against those of the files before it: the
 * same service again is no news; one that differs is left out with a note
 * naming both files and what differs (the first file's is imported), as
 * the keepalived import does between two keepalived.conf files.
 */
function mergeSource(g: Gathered, source: string, before: { ipvs: number; ha: ReadonlySet<string>; checks: ReadonlySet<string> }, origin: Map<string, Origin>): void {
  for (const svc of g.ipvs.splice(before.ipvs)) {
    const key = serviceKeyOf(svc);
    const prior = origin.get(key);
    if (!prior) {
      origin.set(key, originOf(svc, source));
      g.ipvs.push(svc);
      continue;
    }
    const diff = differences(prior.svc, svc);
    if (!diff.length) continue;
    const here = originOf(svc, source);
    g.notes.push({ source, ...(here.line ? { line: here.line } : {}), kind: "lost", text: `${key} differs from the one of ${at(prior)}, which is imported (${diff.join("; ")}); this one is left out` });
    // its health checks and the like are not the imported one's
    for (const k of [...g.serviceHa.keys()]) if (k === key && !before.ha.has(k)) g.serviceHa.delete(k);
    for (const k of [...g.realChecks.keys()]) if (k.startsWith(`${key} `) && !before.checks.has(k)) g.realChecks.delete(k);
  }
}

/** What differs between two services of the same key, said briefly (empty: the same). */
function differences(a: IpvsService, b: IpvsService): string[] {
  const out: string[] = [];
  const [sa] = ipvsadmRuleLines([{ ...a, dests: [] }]);
  const [sb] = ipvsadmRuleLines([{ ...b, dests: [] }]);
  if (sa !== sb) out.push(`\`${sb}\` here, \`${sa}\` there`);
  const rs = (s: IpvsService) => new Map(s.dests.map((d) => [destKeyOf(d), ipvsadmRuleLines([{ ...s, dests: [d] }])[1]!.replace(/^.* -r /, "")]));
  const ra = rs(a);
  const rb = rs(b);
  const onlyHere = [...rb].filter(([k, v]) => ra.get(k) !== v).map(([, v]) => v);
  const onlyThere = [...ra].filter(([k, v]) => rb.get(k) !== v).map(([, v]) => v);
  if (onlyHere.length) out.push(`real servers lost with it: ${onlyHere.join(", ")}`);
  if (onlyThere.length) out.push(`real servers it lacks: ${onlyThere.join(", ")}`);
  return out;
}

/**
 * What lvsh refuses, so that the import passes \`lvsh check\`: a service on
 * an address no client can reach (0.0.0.0, multicast, ...) is left out; a
 * real server on such an address or on the service's own address is left
 * out; thresholds with the lower above the upper are left out (the real
 * server stays). Each is noted at its line where the file gives one.
 */
function refused(g: Gathered, origin: ReadonlyMap<string, Origin>): void {
  const where = (key: string, span: Span | undefined) => {
    const o = origin.get(key);
    const source = span && span !== RUNNING_SPAN && span.file ? span.file : (o?.source ?? "import");
    const line = span && span !== RUNNING_SPAN && span.file ? span.line : o?.line;
    return { source, ...(line ? { line } : {}) };
  };
  const kept: IpvsService[] = [];
  for (const svc of g.ipvs) {
    const key = serviceKeyOf(svc);
    const bad = svc.addr !== null ? unusableAddress(svc.addr, "a VIP", RUNNING_SPAN) : undefined;
    if (bad) {
      g.notes.push({ ...where(key, svc.span), kind: "lost", text: `${key}: ${bad.message}; left out, with its ${svc.dests.length} real server(s)` });
      g.serviceHa.delete(key);
      continue;
    }
    const dests: Dest[] = [];
    for (const d of svc.dests) {
      const rs = destKeyOf(d);
      const why = svc.addr !== null && d.addr === svc.addr ? `the service's own address (a local real server), which lvsh refuses` : unusableAddress(d.addr, "a real server", RUNNING_SPAN)?.message;
      if (why) {
        g.notes.push({ ...where(key, d.span), kind: "lost", text: `real server ${rs} of ${key}: ${why}; left out` });
        continue;
      }
      if (d.lThreshold > 0 && d.lThreshold > d.uThreshold) {
        g.notes.push({ ...where(key, d.span), kind: "lost", text: `real server ${rs} of ${key}: its lower threshold (${d.lThreshold}) is above its upper one (${d.uThreshold || "none"}), which lvsh refuses (min must not exceed max); the thresholds are left out` });
        dests.push({ ...d, uThreshold: 0, lThreshold: 0 });
        continue;
      }
      dests.push(d);
    }
    kept.push({ ...svc, dests });
  }
  g.ipvs.splice(0, g.ipvs.length, ...kept);
}

/**
 * A real server's part that names no real server (the lo:0 script each of
 * them runs) is taken as the part of every dr/tun real server of the VIPs
 * it binds, when the director's rules are given; else it is noted.
 */
function placeAnyRs(g: Gathered, parts: readonly AnyRsPart[]): void {
  for (const { source, line, part } of parts) {
    const vips = new Set(part.addrs.map((a) => a.addr));
    const reals = [...new Set(g.ipvs.filter((s) => s.addr && vips.has(s.addr)).flatMap((s) => s.dests.filter((d) => d.method !== "nat").map((d) => d.addr)))];
    const what = `a real server's part (${[...vips].join(", ") || "no address"} bound${Object.keys(part.sysctls).length ? ", ARP sysctls" : ""}${part.arp.length ? ", ARP rules" : ""})`;
    if (!reals.length) {
      const why = vips.size ? (g.ipvs.length ? `no dr or tun real server of ${[...vips].join(", ")} is in the director's rules given` : "it does not say which real server it is, and no director rules were given: import it with the director's script or rules") : "it binds no VIP";
      g.notes.push({ source, line, kind: "lost", text: `${what}: ${why}` });
      continue;
    }
    for (const rip of reals) {
      const e = rsEntry(g, rip);
      e.arp.push(...part.arp);
      for (const a of part.addrs) if (!e.addrs.some((b) => b.addr === a.addr)) e.addrs.push(a);
      Object.assign(e.sysctls, part.sysctls);
    }
    g.notes.push({ source, line, kind: "info", text: `${what}: it names no real server; taken as what every real server of ${[...vips].join(", ")} runs (${reals.join(", ")})` });
  }
}

/** The dr/tun real servers that `arp hide on rs` covers but whose rules were not given. */
function unhidden(g: Gathered, config: Config): Note[] {
  const out: Note[] = [];
  for (const vip of config.vips.values()) {
    if (!vip.arpHide) continue;
    const given: string[] = [];
    const missing: string[] = [];
    for (const s of config.services.values()) {
      if (s.addr !== vip.addr) continue;
      for (const r of s.reals.values()) {
        if (r.method === "nat" || given.includes(r.addr) || missing.includes(r.addr)) continue;
        (g.rs.has(realServerHost(config, r.addr).name) ? given : missing).push(r.addr);
      }
    }
    if (missing.length) {
      out.push({
        source: "import",
        kind: "info",
        text: `\`arp hide on rs\` of ${vip.addr} comes from the rules of ${given.join(", ")}; those of ${missing.join(", ")} were not given, and a commit hides the VIP there too`,
      });
    }
  }
  return out;
}

function nothingReason(g: Gathered, files: readonly SourceFile[], arpFiles: readonly string[], anyRs: readonly AnyRsPart[], notes: readonly Note[]): string {
  const names = files.map((f) => f.name).join(", ");
  if (g.ipvs.length === 0 && (g.rs.size || anyRs.length)) {
    const arp = arpFiles.length ? `the ARP rules of ${arpFiles.join(", ")} need` : "a real server's part needs";
    return `${arp} the director's rules: import them together (\`lvsh import --from DIRECTOR-RULES --from ${arpFiles[0] ?? anyRs[0]?.source ?? "FILE"}\`)`;
  }
  const first = notes.find((n) => n.kind === "lost");
  if (first) return `no IPVS service in ${names}; the first line not imported: ${describeNote(first)}`;
  return `no IPVS service in ${names}: expected \`ipvsadm -A\` rules (ipvsadm -S, a script), or a keepalived.conf with a virtual_server`;
}

function transportOf(t: TransportSpec): Transport {
  return { ...t, span: RUNNING_SPAN } as Transport;
}

/** `host` definitions for the hosts a revision reaches in another way than the default. */
export function hostDefsOf(hosts: Readonly<Record<string, TransportSpec>>): Map<string, HostDef> {
  const out = new Map<string, HostDef>();
  for (const [name, t] of Object.entries(hosts)) {
    const span = RUNNING_SPAN;
    if (name === "director") {
      if (t.kind !== "local") out.set(name, { key: name, subject: { kind: "director" }, transport: transportOf(t), span });
      continue;
    }
    const ip = parseIp(name);
    const isDefault = ip && t.kind === "ssh" && t.user === "root" && t.host === ip.text && !t.port;
    if (isDefault) continue;
    out.set(name, { key: name, subject: ip ? { kind: "addr", addr: ip.text } : { kind: "name", name }, transport: transportOf(t), span });
  }
  return out;
}

/** The running state of the hosts -> a configuration (`lvsh import`). */
export function importState(state: State, hosts: ReadonlyMap<string, HostDef>, notes: readonly Note[] = []): ImportResult {
  const g = emptyGathered();
  const d = state.hosts["director"];
  g.ipvs.push(...(d?.ipvs ?? []));
  g.directorAddrs.push(...(d?.addrs ?? []));
  for (const [h, s] of Object.entries(state.hosts)) if (h !== "director") g.rs.set(h, { arp: [...s.arp], addrs: [...s.addrs], sysctls: { ...s.sysctls } });
  g.notes.push(...notes);
  return finish(g, hosts, false);
}

/** The script `lvsh import` prints. */
export function importScript(r: ImportResult, from: string): string {
  const head = [`# lvsh import of ${from}`];
  for (const n of r.notes) head.push(noteComment(n));
  const body = printConfig(r.config);
  if (!body) head.push("# nothing to import: no IPVS service");
  return `${head.join("\n")}\n${body ? `\n${body}` : ""}`;
}
