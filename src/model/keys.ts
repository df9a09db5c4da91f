/** The identity of each object (STYLE §4): service = proto+VIP+port, real server = service+RIP. */
import { formatAddrPort, type Family, type Proto } from "../lang/index.js";
import type { AddrEntry, ArpRule, Dest, IpvsService } from "./types.js";

export function serviceKeyOf(s: { proto: Proto | null; addr: string | null; port: number; fwmark: number | null; family: Family }): string {
  if (s.fwmark !== null) return s.family === 6 ? `fwmark ${s.fwmark} ipv6` : `fwmark ${s.fwmark}`;
  return `${s.proto} ${formatAddrPort(s.addr!, s.port)}`;
}

export function destKeyOf(d: { addr: string; port: number }): string {
  return formatAddrPort(d.addr, d.port);
}

/** ipvsadm's service option: `-t ADDR:PORT`, `-u ...`, `--sctp-service ...`, `-f MARK [-6]`. */
export function serviceArgs(s: Pick<IpvsService, "proto" | "addr" | "port" | "fwmark" | "family">): string[] {
  if (s.fwmark !== null) return s.family === 6 ? ["-f", String(s.fwmark), "-6"] : ["-f", String(s.fwmark)];
  const flag = s.proto === "udp" ? "-u" : s.proto === "sctp" ? "--sctp-service" : "-t";
  return [flag, formatAddrPort(s.addr!, s.port)];
}

export function describeDest(d: Dest): string {
  return destKeyOf(d);
}

/** arptables arguments of a rule after the chain, in the order lvsh writes them. */
export function arpRuleArgs(r: ArpRule): string[] {
  const out: string[] = [];
  if (r.iface) out.push("-i", r.iface);
  if (r.src) out.push("-s", r.src);
  if (r.dst) out.push("-d", r.dst);
  out.push("-j", r.target);
  if (r.mangleIpS) out.push("--mangle-ip-s", r.mangleIpS);
  return out;
}

/* Keys of state elements, one namespace per kind, host first. */
export const elementKey = {
  service: (host: string, svcKey: string) => `ipvs ${host} ${svcKey}`,
  dest: (host: string, svcKey: string, destKey: string) => `ipvs ${host} ${svcKey} rs ${destKey}`,
  addr: (host: string, a: AddrEntry) => `addr ${host} ${a.addr}/${a.prefix} dev ${a.dev}`,
  arp: (host: string, r: ArpRule) => `arp ${host} ${r.chain} ${arpRuleArgs(r).join(" ")}`,
  sysctl: (host: string, key: string) => `sysctl ${host} ${key}`,
  link: (host: string, name: string) => `link ${host} ${name}`,
  keepalived: (host: string, path: string) => `keepalived ${host} ${path}`,
};

/** The sysctl key for an interface: dots in VLAN names become slashes (sysctl(8)'s rule). */
export function confKey(family: "ipv4" | "ipv6", dev: string, name: string): string {
  return `net.${family}.conf.${dev.replace(/\./g, "/")}.${name}`;
}
