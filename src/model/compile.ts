/**
 * Candidate configuration -> desired state per host, with the statement
 * each element comes from. What `arp hide` means is decided here:
 *
 *   via arptables (default): on each dr/tun real server R of the VIP V
 *     arptables -A INPUT -d V -j DROP
 *     arptables -A OUTPUT -s V -j mangle --mangle-ip-s R
 *     V/32 on DEV (default eth0)
 *   via sysctl: V/32 on DEV (default lo), arp_ignore=1 and arp_announce=2
 *     on `all` and on DEV.
 *
 * A tun real server binds the VIP on tunl0 (unless `dev` says otherwise),
 * brings tunl0 up and turns the reverse-path filter off on `all` and tunl0:
 * ipip packets arrive on tunl0 from clients routed via eth0.
 *
 * NAT services make the director forward (ip_forward / ipv6 forwarding).
 */
import type { Span } from "../lang/index.js";
import { confKey, elementKey } from "./keys.js";
import { directorHost, realServerHost } from "./hosts.js";
import { readyCheckOf } from "./ready.js";
import { destKeyOf, serviceKeyOf } from "./keys.js";
import { keepalivedDocs } from "./keepalived.js";
import { serviceArgs } from "./keys.js";
import type { AddrEntry, ArpRule, Config, DrainDef, HostState, IpvsService, KeepalivedState, ReadyCheck, State, TransportSpec } from "./types.js";

export interface Desired {
  /** Its elements carry the span of the statement that asks for them. */
  readonly state: State;
  /** Sysctl element key -> the statement that asks for it (sysctl values have no span of their own). */
  readonly origins: ReadonlyMap<string, Span>;
  /** Host name -> how it is reached, in the order hosts first appear. */
  readonly hosts: ReadonlyMap<string, TransportSpec>;
  /** The real servers to drain, by the key of their change on the director (`elementKey.dest`), with the host each is. */
  readonly drains?: ReadonlyMap<string, DrainDef & { readonly rsHost: string }>;
  /**
   * The real servers a commit checks before the director adds them (a plan
   * makes the check only for those it adds), by the key of their change on
   * the director: those whose host lvsh reaches in this configuration (it
   * prepares it, `arp hide on rs`, or a `host` statement says how), with
   * weight above 0, not on the director itself.
   */
  readonly ready?: ReadonlyMap<string, ReadyDef>;
}

export interface ReadyDef {
  readonly check: ReadyCheck;
  /** How the real server's host is reached. */
  readonly transport: TransportSpec;
}

interface MutableHost {
  ipvs: IpvsService[];
  arp: ArpRule[];
  addrs: AddrEntry[];
  sysctls: Record<string, string>;
  links: Record<string, boolean>;
  keepalived?: KeepalivedState;
}

/** What a commit writes for keepalived's files (no date: the same configuration gives the same text). */
export const KEEPALIVED_SOURCE = "lvsh commit";

/**
 * The directors keepalived runs (`engine keepalived`): each director of the
 * pairs (a `host ADDR` says how to reach it, else ssh root@ADDR), or the
 * one director when there is no pair; with the file each gets.
 */
function keepalivedDirectors(config: Config): { name: string; transport: TransportSpec; state: KeepalivedState }[] {
  const engine = config.engine!;
  const docs = keepalivedDocs(config, KEEPALIVED_SOURCE).docs;
  const services = [...config.services.values()].filter((s) => s.reals.size > 0);
  const paired = [...config.vips.values()].filter((v) => v.pair);
  return docs.map((doc) => {
    const ref = doc.host ? realServerHost(config, doc.host) : directorHost(config);
    // this director's VIPs and services (a pair's file has its own VIPs' services, and those of VIPs without a pair)
    const mine = new Set(paired.filter((v) => v.pair!.addrs.includes(doc.host ?? "")).map((v) => v.addr));
    const held = paired.filter((v) => {
      const i = v.pair!.addrs.indexOf(doc.host ?? "");
      return i >= 0 && v.pair!.priorities[i]! > v.pair!.priorities[1 - i]!;
    });
    const svcs = services.filter((s) => !doc.host || s.vip === null || !config.vips.get(s.vip)?.pair || mine.has(s.vip));
    return {
      name: ref.name,
      transport: ref.transport,
      state: {
        path: engine.path,
        text: doc.text,
        running: true,
        // as `ipvsadm -Sn` prints the service: its address, scheduler and persistence (what a reload must have applied)
        expect: { services: svcs.map((s) => [...serviceArgs(s), "-s", s.scheduler, ...(s.persistence !== null ? ["-p", String(s.persistence)] : [])].join(" ")), vips: held.map((v) => v.addr) },
        span: engine.span,
      },
    };
  });
}

export const ARP_SYSCTLS = { arp_ignore: "1", arp_announce: "2" } as const;

/** The ipip fallback device a tun real server receives on. */
export const TUN_DEV = "tunl0";

export function compile(config: Config): Desired {
  const hosts = new Map<string, MutableHost>();
  const transports = new Map<string, TransportSpec>();
  const origins = new Map<string, Span>();
  const seen = new Set<string>();
  const host = (name: string, t: TransportSpec): MutableHost => {
    let h = hosts.get(name);
    if (!h) {
      h = { ipvs: [], arp: [], addrs: [], sysctls: {}, links: {} };
      hosts.set(name, h);
      transports.set(name, t);
    }
    return h;
  };
  const once = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };

  const dir = directorHost(config);
  const engine = config.engine ? keepalivedDirectors(config) : undefined;
  // with keepalived, the directors it runs take the director's part (sysctls; keepalived sets their IPVS table)
  const directors = engine ? engine.map((k) => host(k.name, k.transport)) : [host(dir.name, dir.transport)];
  engine?.forEach((k, i) => (directors[i]!.keepalived = k.state));
  const d = directors[0]!;
  for (const svc of config.services.values()) {
    // the keepalived metadata (check, sorry, quorum, inhibit) is not IPVS state: left out
    const { key: _k, vip: _v, reals, check: _c, sorry: _s, quorum: _q, inhibitOnFailure: _i, ...fields } = svc;
    // the real servers' definitions are their desired IPVS destinations (with their spans)
    // a real server in maintenance runs at weight 0 (its configured weight is kept for after)
    if (!engine) d.ipvs.push({ ...fields, dests: [...reals.values()].map((r) => (r.maintenance ? { ...r, weight: 0 } : r)) });
    for (const r of reals.values()) {
      if (r.method === "nat") {
        const k = r.family === 4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding";
        directors.forEach((h, i) => {
          const key = elementKey.sysctl(engine ? engine[i]!.name : dir.name, k);
          if (once(key)) {
            h.sysctls[k] = "1";
            origins.set(key, r.span);
          }
        });
      }
    }
  }
  for (const vip of config.vips.values()) {
    // keepalived binds a pair's VIPs (VRRP); lvsh binds the others on the one director
    if (!vip.iface || (engine && (vip.pair || engine.length > 1))) continue;
    const a = { addr: vip.addr, prefix: vip.prefix, dev: vip.iface, span: vip.span };
    if (once(elementKey.addr(dir.name, a))) d.addrs.push(a);
  }

  for (const vip of config.vips.values()) {
    const hide = vip.arpHide;
    if (!hide) continue;
    for (const svc of config.services.values()) {
      if (svc.vip !== vip.addr) continue;
      for (const r of svc.reals.values()) {
        if (r.method === "nat" || r.family !== vip.family) continue;
        // a real server in many services of this VIP is prepared once
        if (!once(`hide ${vip.addr} ${r.addr}`)) continue;
        const ref = realServerHost(config, r.addr);
        const h = host(ref.name, ref.transport);
        if (vip.family === 6) {
          // no ARP: neighbour discovery does not answer for an address on lo (tun over IPv6 is not lvsh's)
          if (r.method !== "dr") continue;
          const a = { addr: vip.addr, prefix: 128, dev: "lo", span: hide.span };
          if (once(elementKey.addr(ref.name, a))) h.addrs.push(a);
          continue;
        }
        const setSysctl = (k: string, value: string) => {
          const key = elementKey.sysctl(ref.name, k);
          if (once(key)) {
            h.sysctls[k] = value;
            origins.set(key, hide.span);
          }
        };
        // a tun real server takes the VIP in from the ipip fallback device: tunl0 up, the VIP on it,
        // and no reverse-path filter (the packet comes in on tunl0 from a client routed via eth0)
        const tun = r.method === "tun";
        const dev = tun && !hide.devGiven ? TUN_DEV : hide.dev;
        if (tun) {
          h.links[TUN_DEV] = true;
          for (const d of ["all", TUN_DEV]) setSysctl(confKey("ipv4", d, "rp_filter"), "0");
        }
        if (hide.via === "arptables") {
          const rules: ArpRule[] = [
            { chain: "INPUT", target: "DROP", dst: vip.addr, span: hide.span },
            { chain: "OUTPUT", target: "mangle", src: vip.addr, mangleIpS: r.addr, span: hide.span },
          ];
          for (const rule of rules) if (once(elementKey.arp(ref.name, rule))) h.arp.push(rule);
        } else {
          for (const d of ["all", dev]) for (const [name, value] of Object.entries(ARP_SYSCTLS)) setSysctl(confKey("ipv4", d, name), value);
        }
        const a = { addr: vip.addr, prefix: 32, dev, span: hide.span };
        if (once(elementKey.addr(ref.name, a))) h.addrs.push(a);
      }
    }
  }
  const state: State = {
    hosts: Object.fromEntries([...hosts].map(([name, { links, ...h }]) => [name, (Object.keys(links).length ? { ...h, links } : h) as HostState])),
  };
  const drains = new Map<string, DrainDef & { readonly rsHost: string }>();
  for (const d of config.drains?.values() ?? []) {
    drains.set(elementKey.dest(dir.name, d.service, d.dest), { ...d, rsHost: realServerHost(config, d.addr).name });
  }
  const ready = new Map<string, ReadyDef>();
  // each address's host once: a farm names the same real servers in many services
  const refs = new Map<string, ReturnType<typeof realServerHost>>();
  for (const svc of config.services.values()) {
    for (const r of svc.reals.values()) {
      if (r.maintenance || r.weight === 0) continue;
      let ref = refs.get(r.addr);
      if (!ref) refs.set(r.addr, (ref = realServerHost(config, r.addr)));
      if (ref.name === dir.name || (!hosts.has(ref.name) && !ref.def)) continue;
      ready.set(elementKey.dest(dir.name, serviceKeyOf(svc), destKeyOf(r)), { check: readyCheckOf(config, svc, r), transport: ref.transport });
    }
  }
  return { state, origins, hosts: transports, ...(drains.size ? { drains } : {}), ...(ready.size ? { ready } : {}) };
}

/** The directors keepalived runs in a desired state (`engine keepalived`), the pair's MASTER first; [] without the engine. */
export function keepalivedHosts(desired: Desired): string[] {
  const hosts = Object.entries(desired.state.hosts).filter(([, h]) => h.keepalived);
  const held = (h: HostState) => h.keepalived!.expect?.vips.length ?? 0;
  return hosts.sort(([, a], [, b]) => held(b) - held(a)).map(([n]) => n);
}
