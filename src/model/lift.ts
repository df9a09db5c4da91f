/**
 * Running state -> configuration: what lvsh starts from when it has no
 * revision of its own yet (a balancer built by hand). The director's IPVS
 * table becomes services and real servers; an address of the director
 * that a service uses becomes a `vip` bound on its interface; real servers
 * that hold the VIP behind arptables rules or the ARP sysctls become
 * `arp hide on rs`.
 */
import type { Span } from "../lang/index.js";
import { confKey, destKeyOf, serviceKeyOf } from "./keys.js";
import type { ArpHideDef, Config, HostDef, HostState, RealDef, ServiceDef, State, VipDef } from "./types.js";

export const RUNNING_SPAN: Span = { file: "<running>", start: 0, end: 0, line: 1, col: 1, endLine: 1, endCol: 1 };

function arpHideOn(h: HostState | undefined, vip: string, rip: string): ArpHideDef | null {
  if (!h) return null;
  const drop = h.arp.some((r) => r.chain === "INPUT" && r.target === "DROP" && r.dst === vip && !r.iface);
  const mangle = h.arp.some((r) => r.chain === "OUTPUT" && r.target === "mangle" && r.src === vip && r.mangleIpS === rip);
  const bound = h.addrs.find((a) => a.addr === vip && (a.prefix === 32 || a.prefix === 128));
  if (drop && mangle && bound) return { via: "arptables", dev: bound.dev, span: RUNNING_SPAN };
  const sys = (dev: string, k: string) => h.sysctls[confKey("ipv4", dev, k)];
  if (bound && sys("all", "arp_ignore") === "1" && sys("all", "arp_announce") === "2" && sys(bound.dev, "arp_ignore") === "1" && sys(bound.dev, "arp_announce") === "2") {
    return { via: "sysctl", dev: bound.dev, span: RUNNING_SPAN };
  }
  return null;
}

export interface LiftOptions {
  /**
   * Every service address becomes a `vip`, bound (`on IFACE`) when the
   * director holds it, else not (imports of files: ipvsadm rules bind nothing).
   * Default: only the addresses bound on the director.
   */
  readonly everyServiceVip?: boolean;
}

/** The VIP candidates in order: the director's bound addresses, or every service address. */
function vipCandidates(d: HostState | undefined, services: ReadonlyMap<string, ServiceDef>, opts: LiftOptions): { addr: string; prefix: number; dev: string | null }[] {
  const used = new Set([...services.values()].flatMap((s) => (s.addr ? [s.addr] : [])));
  const bound = (d?.addrs ?? []).filter((a) => used.has(a.addr));
  if (!opts.everyServiceVip) return bound;
  return [...used].map((addr) => bound.find((a) => a.addr === addr) ?? { addr, prefix: addr.includes(":") ? 128 : 32, dev: null });
}

/**
 * `hosts` says which real server is which host (from `host` statements);
 * real servers whose host state is absent simply get no `arp hide`.
 */
export function liftState(
  state: State,
  director = "director",
  hosts: ReadonlyMap<string, HostDef> = new Map(),
  hostOf: (addr: string) => string = (a) => a,
  opts: LiftOptions = {},
): Config {
  const d = state.hosts[director];
  const services = new Map<string, ServiceDef>();
  for (const s of d?.ipvs ?? []) {
    const key = serviceKeyOf(s);
    const reals = new Map<string, RealDef>();
    for (const r of s.dests) reals.set(destKeyOf(r), { ...r, key: destKeyOf(r), span: RUNNING_SPAN });
    const { dests: _d, span: _s, ...fields } = s;
    services.set(key, { ...fields, key, vip: s.addr, reals, span: RUNNING_SPAN });
  }
  const vips = new Map<string, VipDef>();
  for (const a of vipCandidates(d, services, opts)) {
    if (vips.has(a.addr)) continue;
    const family = a.addr.includes(":") ? 6 : 4;
    let arpHide: ArpHideDef | null = null;
    for (const s of services.values()) {
      if (s.addr !== a.addr) continue;
      for (const r of s.reals.values()) {
        if (r.method === "nat") continue;
        arpHide ??= arpHideOn(state.hosts[hostOf(r.addr)], a.addr, r.addr);
      }
    }
    vips.set(a.addr, { addr: a.addr, family, prefix: a.prefix, iface: a.dev, arpHide, span: RUNNING_SPAN });
  }
  return { vips, services, hosts: new Map(hosts) };
}
