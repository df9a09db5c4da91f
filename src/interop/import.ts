/**
 * Import: files or running hosts -> a configuration -> a readable lvsh
 * script (printConfig: one `vip` per address, services with their options,
 * real servers grouped with `.N` shorthand, `arp hide on rs` where the real
 * servers hide the VIP), headed by what could not be imported.
 */
import { parseIp, type Transport } from "../lang/index.js";
import {
  compile,
  destKeyOf,
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
import { emptyGathered, noteComment, type Gathered, type Note } from "./gather.js";
import { gatherIpvsadm } from "./ipvsadm.js";
import { gatherKeepalived } from "./keepalived-import.js";
import { resolveVrrp } from "./keepalived-vrrp.js";

export interface ImportResult {
  readonly config: Config;
  readonly notes: readonly Note[];
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
  const config: Config = { ...lifted, vips, services };
  return { config, notes: byPlace([...g.notes, ...vrrp.notes, ...(reportUnused ? leftovers(g, config) : [])]) };
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
  for (const [host, e] of g.rs) {
    const want = new Set((desired[host]?.arp ?? []).map((r) => elementKey.arp(host, r)));
    for (const r of e.arp) {
      if (!want.has(elementKey.arp(host, r))) out.push({ source: host, kind: "lost", text: `ARP rule \`${elementKey.arp(host, r).replace(/^arp \S+ /, "")}\`: not the rules of an \`arp hide on rs\` of a service's VIP` });
    }
  }
  return out;
}

/** Files (ipvsadm rules, arptables-save, keepalived.conf, in any mix) -> a configuration. */
/**
 * Files (ipvsadm rules, arptables-save, keepalived.conf, in any mix) -> a
 * configuration; or an error (with the notes so far) when a file cannot be
 * read as any of them, or a keepalived.conf gives nothing at all (FILE:LINE: why).
 */
export function importFiles(files: readonly SourceFile[]): ImportResult | { readonly error: string; readonly notes?: readonly Note[] } {
  const g = emptyGathered();
  const empty: string[] = [];
  for (const f of files) {
    const format = detectFormat(f.text);
    if (!format) return { error: `cannot tell what ${f.name} is: expected ipvsadm rules (ipvsadm -S), arptables-save output or a keepalived.conf` };
    if (format === "ipvsadm") gatherIpvsadm(g, f.name, f.text);
    else if (format === "arptables") gatherArptables(g, f.name, f.text);
    else {
      const nothing = gatherKeepalived(g, f.name, f.text);
      if (nothing) empty.push(`${f.name}:${nothing.line}: nothing could be imported: ${nothing.reason}`);
    }
  }
  if (empty.length) return { error: empty.join("\n"), notes: g.notes };
  return finish(g);
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
