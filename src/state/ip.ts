/**
 * `ip -j addr show` and `ip -j link show` (iproute2 6.1) <-> addresses and
 * links. lvsh manages the global addresses: link-local (scope link) and
 * loopback (scope host: 127.0.0.1/8, ::1) ones are the kernel's. A VIP bound
 * on `lo` has scope global and is kept.
 *
 * The text is JSON printed by `ip` itself; text that is not such JSON means
 * the fetch went wrong (not a user mistake), so these parsers throw.
 */
import { parseIp } from "../lang/index.js";
import type { AddrEntry } from "../model/index.js";

export interface IpLink {
  readonly name: string;
  /** Administratively up (the UP flag). */
  readonly up: boolean;
  readonly mac: string;
  /** `linkinfo.info_kind` when ip prints it (`ip -d`: dummy, veth...), else `link_type` (ether, loopback...). */
  readonly kind: string;
}

/** A link to print: by default up, an all-zero MAC, `loopback` for lo and `ether` for the rest. */
export interface IpLinkSpec {
  readonly name: string;
  readonly mac?: string;
  readonly up?: boolean;
  readonly kind?: string;
}

export interface IpAddrLinkSpec extends IpLinkSpec {
  readonly addrs: readonly { readonly addr: string; readonly prefix: number }[];
}

type Json = Record<string, unknown>;

function jsonArray(text: string, what: string): Json[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: the output is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data) || data.some((x) => typeof x !== "object" || x === null)) throw new Error(`${what}: expected a JSON array of links`);
  return data as Json[];
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** The global addresses of every link, in the order ip lists them, canonical. */
export function parseIpAddrJson(text: string): AddrEntry[] {
  const out: AddrEntry[] = [];
  for (const link of jsonArray(text, "ip -j addr show")) {
    const dev = str(link.ifname);
    const infos = Array.isArray(link.addr_info) ? (link.addr_info as Json[]) : [];
    for (const a of infos) {
      if (a.family !== "inet" && a.family !== "inet6") continue;
      if (a.scope === "link" || a.scope === "host") continue;
      const ip = parseIp(str(a.local));
      if (!ip || typeof a.prefixlen !== "number") throw new Error(`ip -j addr show: a bad address on ${dev}: ${JSON.stringify(a)}`);
      out.push({ addr: ip.text, prefix: a.prefixlen, dev });
    }
  }
  return out;
}

/** The links of `ip -j link show`, or of `ip -j addr show` (which lists them too). */
export function parseIpLinkJson(text: string, what = "ip -j link show"): IpLink[] {
  return jsonArray(text, what).map((link) => {
    const info = link.linkinfo as Json | undefined;
    const flags = Array.isArray(link.flags) ? link.flags : [];
    return { name: str(link.ifname), up: flags.includes("UP"), mac: str(link.address), kind: str(info?.info_kind) || str(link.link_type) };
  });
}

/* ---------------- formatting ---------------- */

const LIFETIME_FOREVER = 4294967295;
const ZERO_MAC = "00:00:00:00:00:00";

function linkTypeOf(l: IpLinkSpec): string {
  return l.name === "lo" ? "loopback" : "ether";
}

/** A link as ip -j prints it, up to (and without) addr_info. */
function linkJson(l: IpLinkSpec, index: number, linkmode: boolean): Json {
  const lo = l.name === "lo";
  const up = l.up ?? true;
  const flags = lo ? ["LOOPBACK"] : ["BROADCAST", "MULTICAST"];
  const linkType = linkTypeOf(l);
  return {
    ifindex: index + 1,
    ifname: l.name,
    flags: up ? [...flags, "UP", "LOWER_UP"] : flags,
    mtu: lo ? 65536 : 1500,
    qdisc: up ? "noqueue" : "noop",
    operstate: !up ? "DOWN" : lo ? "UNKNOWN" : "UP",
    ...(linkmode ? { linkmode: "DEFAULT" } : {}),
    group: "default",
    txqlen: 1000,
    link_type: linkType,
    address: l.mac ?? ZERO_MAC,
    broadcast: lo ? ZERO_MAC : "ff:ff:ff:ff:ff:ff",
    // what `ip -d` adds: the driver kind, when it is not the link type
    ...(l.kind && l.kind !== linkType ? { linkinfo: { info_kind: l.kind } } : {}),
  };
}

/** The scope the kernel gives an address: host for loopback, link for fe80::/10, else global. */
function scopeOf(addr: string): string {
  const ip = parseIp(addr);
  if (!ip) return "global";
  if (ip.family === 4) return ip.bytes[0] === 127 ? "host" : "global";
  if (ip.text === "::1") return "host";
  return ip.bytes[0] === 0xfe && (ip.bytes[1]! & 0xc0) === 0x80 ? "link" : "global";
}

function addrInfo(a: { addr: string; prefix: number }, dev: string): Json {
  const v4 = !a.addr.includes(":");
  return {
    family: v4 ? "inet" : "inet6",
    local: a.addr,
    prefixlen: a.prefix,
    scope: scopeOf(a.addr),
    ...(v4 ? { label: dev } : {}),
    valid_life_time: LIFETIME_FOREVER,
    preferred_life_time: LIFETIME_FOREVER,
  };
}

/** `ip -j addr show` for these links: IPv4 addresses before IPv6 ones, as the kernel dumps them. */
export function formatIpAddrJson(links: readonly IpAddrLinkSpec[]): string {
  const data = links.map((l, i) => {
    const v4 = l.addrs.filter((a) => !a.addr.includes(":"));
    const v6 = l.addrs.filter((a) => a.addr.includes(":"));
    return { ...linkJson(l, i, false), addr_info: [...v4, ...v6].map((a) => addrInfo(a, l.name)) };
  });
  return `${JSON.stringify(data)}\n`;
}

/** `ip -j link show` for these links. */
export function formatIpLinkJson(links: readonly IpLinkSpec[]): string {
  return `${JSON.stringify(links.map((l, i) => linkJson(l, i, true)))}\n`;
}

/** An address as lvsh shows it: `ADDR/PREFIX dev IFACE`. */
export function formatAddrLine(a: AddrEntry): string {
  return `${a.addr}/${a.prefix} dev ${a.dev}`;
}
