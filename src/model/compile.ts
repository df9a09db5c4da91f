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
 * NAT services make the director forward (ip_forward / ipv6 forwarding).
 */
import type { Span } from "../lang/index.js";
import { confKey, elementKey } from "./keys.js";
import { directorHost, realServerHost } from "./hosts.js";
import type { AddrEntry, ArpRule, Config, HostState, IpvsService, State, TransportSpec } from "./types.js";

export interface Desired {
  readonly state: State;
  /** Element key -> the statement that asks for it. */
  readonly origins: ReadonlyMap<string, Span>;
  /** Host name -> how it is reached, in the order hosts first appear. */
  readonly hosts: ReadonlyMap<string, TransportSpec>;
}

interface MutableHost {
  ipvs: IpvsService[];
  arp: ArpRule[];
  addrs: AddrEntry[];
  sysctls: Record<string, string>;
}

export const ARP_SYSCTLS = { arp_ignore: "1", arp_announce: "2" } as const;

export function compile(config: Config): Desired {
  const hosts = new Map<string, MutableHost>();
  const transports = new Map<string, TransportSpec>();
  const origins = new Map<string, Span>();
  const seen = new Set<string>();
  const host = (name: string, t: TransportSpec): MutableHost => {
    let h = hosts.get(name);
    if (!h) {
      h = { ipvs: [], arp: [], addrs: [], sysctls: {} };
      hosts.set(name, h);
      transports.set(name, t);
    }
    return h;
  };
  const once = (key: string, span: Span): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    origins.set(key, span);
    return true;
  };

  const dir = directorHost(config);
  const d = host(dir.name, dir.transport);
  for (const svc of config.services.values()) {
    const { key: _k, vip: _v, reals, span, ...fields } = svc;
    d.ipvs.push({ ...fields, dests: [...reals.values()].map(({ key: _rk, span: _rs, ...dest }) => dest) });
    origins.set(elementKey.service(dir.name, svc.key), span);
    for (const r of reals.values()) {
      origins.set(elementKey.dest(dir.name, svc.key, r.key), r.span);
      if (r.method === "nat") {
        const k = r.family === 4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding";
        if (once(elementKey.sysctl(dir.name, k), r.span)) d.sysctls[k] = "1";
      }
    }
  }
  for (const vip of config.vips.values()) {
    if (!vip.iface) continue;
    const a = { addr: vip.addr, prefix: vip.prefix, dev: vip.iface };
    if (once(elementKey.addr(dir.name, a), vip.span)) d.addrs.push(a);
  }

  for (const vip of config.vips.values()) {
    const hide = vip.arpHide;
    if (!hide) continue;
    for (const svc of config.services.values()) {
      if (svc.vip !== vip.addr) continue;
      for (const r of svc.reals.values()) {
        if (r.method === "nat" || r.family !== 4) continue;
        const ref = realServerHost(config, r.addr);
        const h = host(ref.name, ref.transport);
        if (hide.via === "arptables") {
          const rules: ArpRule[] = [
            { chain: "INPUT", target: "DROP", dst: vip.addr },
            { chain: "OUTPUT", target: "mangle", src: vip.addr, mangleIpS: r.addr },
          ];
          for (const rule of rules) if (once(elementKey.arp(ref.name, rule), hide.span)) h.arp.push(rule);
        } else {
          for (const dev of ["all", hide.dev]) {
            for (const [name, value] of Object.entries(ARP_SYSCTLS)) {
              const k = confKey("ipv4", dev, name);
              if (once(elementKey.sysctl(ref.name, k), hide.span)) h.sysctls[k] = value;
            }
          }
        }
        const a = { addr: vip.addr, prefix: 32, dev: hide.dev };
        if (once(elementKey.addr(ref.name, a), hide.span)) h.addrs.push(a);
      }
    }
  }
  const state: State = { hosts: Object.fromEntries(hosts) as Record<string, HostState> };
  return { state, origins, hosts: transports };
}
