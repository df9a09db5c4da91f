/**
 * A simulated host: the kernel state that `ip`, `ipvsadm`, `arptables` and
 * `sysctl` act on. Each host starts with `lo` and `eth0` up (a host named by
 * an address has it on eth0) and `tunl0` down, kernel-default sysctls and the
 * IPVS schedulers of Linux 6.1 (no `twos`).
 */
import { createHash } from "node:crypto";
import { parseIp } from "../lang/index.js";
import type { AddrEntry, ArpRule, IpvsService } from "../model/index.js";
import type { SimTraffic } from "./traffic.js";

export interface SimLink {
  name: string;
  mac: string;
  kind: string;
  /** Administratively up; absent in host files written before links had a state: up. */
  up?: boolean;
}

export interface SimHost {
  name: string;
  links: SimLink[];
  /** Global addresses, in the order added. */
  addrs: AddrEntry[];
  ipvs: IpvsService[];
  arp: ArpRule[];
  sysctls: Record<string, string>;
  schedulers: string[];
  /** Files written by `lvsh save` (path -> content); absent until one is. */
  files?: Record<string, string>;
  /** The keepalived configurations keepalived runs with (paths); absent: none runs. */
  keepalived?: string[];
  /** systemd units enabled (`systemctl enable`). */
  units?: string[];
  /** Default routes (`ip route replace default via GW`); absent: none. */
  routes?: { gateway: string; dev: string }[];
  /** What listens (`ss -Hlntu`), as `tcp ADDR:PORT` (`*` for any address); absent: not modelled (`ss` fails, the checks that need it are skipped). */
  listen?: string[];
  /** Synthetic traffic through the director's services (sim/traffic.ts); absent: none, counters 0. */
  traffic?: SimTraffic;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const arrOf = (v: unknown, each: (x: unknown) => boolean) => Array.isArray(v) && v.every(each);

/**
 * A simulated host's file, checked before the simulator acts on it: a
 * machine lvsh cannot read (a damaged file) is said as such, never a crash.
 * Returns what is wrong, or undefined when it is a host.
 */
export function simHostProblem(v: unknown): string | undefined {
  if (!isObj(v)) return "not a JSON object";
  if (typeof v.name !== "string") return "`name` is missing";
  if (!arrOf(v.links, (l) => isObj(l) && typeof l.name === "string" && typeof l.up === "boolean")) return "`links` is not a list of links";
  if (!arrOf(v.addrs, (a) => isObj(a) && typeof a.addr === "string" && typeof a.prefix === "number" && typeof a.dev === "string")) return "`addrs` is not a list of addresses";
  if (!arrOf(v.ipvs, (s) => isObj(s) && typeof s.scheduler === "string" && arrOf(s.dests, (d) => isObj(d) && typeof d.addr === "string" && typeof d.port === "number"))) {
    return "`ipvs` is not a list of services with real servers";
  }
  if (!arrOf(v.arp, (r) => isObj(r) && typeof r.chain === "string" && typeof r.target === "string")) return "`arp` is not a list of rules";
  if (!isObj(v.sysctls) || !Object.values(v.sysctls).every((x) => typeof x === "string")) return "`sysctls` is not a map of values";
  if (!arrOf(v.schedulers, (x) => typeof x === "string")) return "`schedulers` is missing";
  if (v.files !== undefined && (!isObj(v.files) || !Object.values(v.files).every((x) => typeof x === "string"))) return "`files` is not a map of texts";
  if (v.routes !== undefined && !arrOf(v.routes, (r) => isObj(r) && typeof r.gateway === "string" && typeof r.dev === "string")) return "`routes` is not a list of default routes";
  if (v.listen !== undefined && !arrOf(v.listen, (x) => typeof x === "string" && /^(tcp|udp) \S+:\d+$/.test(x))) return "`listen` is not a list of `tcp|udp ADDR:PORT`";
  if (v.units !== undefined && !arrOf(v.units, (x) => typeof x === "string")) return "`units` is not a list";
  if (v.keepalived !== undefined && !arrOf(v.keepalived, (x) => typeof x === "string")) return "`keepalived` is not a list of paths";
  if (v.traffic !== undefined && (!isObj(v.traffic) || !isObj(v.traffic.flows) || !isObj(v.traffic.counters) || typeof v.traffic.at !== "number")) return "`traffic` is not flows, counters and a time";
  return undefined;
}

/** Linux 6.1's schedulers (twos came with 5.10 in some configs, not in Debian's 6.1 build). */
export const SIM_SCHEDULERS = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"];

function mac(seed: string): string {
  const h = createHash("sha256").update(seed).digest();
  const b = [0x02, h[0]!, h[1]!, h[2]!, h[3]!, h[4]!];
  return b.map((x) => x.toString(16).padStart(2, "0")).join(":");
}

export function confKeys(dev: string): Record<string, string> {
  const d = dev.replace(/\./g, "/");
  return {
    [`net.ipv4.conf.${d}.arp_ignore`]: "0",
    [`net.ipv4.conf.${d}.arp_announce`]: "0",
    [`net.ipv4.conf.${d}.rp_filter`]: dev === "all" ? "0" : "2",
    [`net.ipv4.conf.${d}.forwarding`]: "0",
  };
}

export function newSimHost(name: string): SimHost {
  const ip = parseIp(name);
  return {
    name,
    // tunl0: the ipip fallback device, there (down) once the ipip module is loaded, as on most hosts
    links: [
      { name: "lo", mac: "00:00:00:00:00:00", kind: "loopback", up: true },
      { name: "eth0", mac: mac(name), kind: "ether", up: true },
      { name: "tunl0", mac: "0.0.0.0", kind: "ipip", up: false },
    ],
    addrs: ip ? [{ addr: ip.text, prefix: ip.family === 4 ? 24 : 64, dev: "eth0" }] : [],
    ipvs: [],
    arp: [],
    sysctls: {
      ...confKeys("all"),
      ...confKeys("default"),
      ...confKeys("lo"),
      ...confKeys("eth0"),
      ...confKeys("tunl0"),
      "net.ipv4.ip_forward": "0",
      "net.ipv6.conf.all.forwarding": "0",
    },
    schedulers: [...SIM_SCHEDULERS],
  };
}
