/** `ip addr` and `ip link` on a simulated host, with iproute2 6.1's errors. */
import { parseIp } from "../lang/index.js";
import { formatIpAddrJson, formatIpLinkJson } from "../state/index.js";
import { confKeys, type SimHost } from "./host.js";
import { out, type SimOut } from "./out.js";

function links(h: SimHost, dev?: string) {
  return h.links
    .filter((l) => !dev || l.name === dev)
    .map((l) => ({ name: l.name, mac: l.mac, kind: l.kind, up: l.up ?? true, addrs: h.addrs.filter((a) => a.dev === l.name).map((a) => ({ addr: a.addr, prefix: a.prefix })) }));
}

function noDevice(dev: string): SimOut {
  return out(1, "", `Cannot find device "${dev}"\n`);
}

function addr(h: SimHost, words: string[]): SimOut {
  const verb = words[0] ?? "show";
  const devAt = words.indexOf("dev");
  const dev = devAt >= 0 ? words[devAt + 1] : undefined;
  if (verb === "show" || verb === "list" || verb === "ls") {
    if (dev && !h.links.some((l) => l.name === dev)) return out(1, "", `Device "${dev}" does not exist.\n`);
    return out(0, formatIpAddrJson(links(h, dev)), "");
  }
  const cidr = words[1];
  const [a, p] = (cidr ?? "").split("/");
  const ip = a ? parseIp(a) : null;
  if (!ip || !dev) return out(1, "", `Error: any valid prefix is expected rather than "${cidr}".\n`);
  if (!h.links.some((l) => l.name === dev)) return noDevice(dev);
  const prefix = p === undefined ? (ip.family === 4 ? 32 : 128) : Number(p);
  const same = (x: { addr: string; prefix: number; dev: string }) => x.addr === ip.text && x.prefix === prefix && x.dev === dev;
  if (verb === "add" || verb === "a") {
    if (h.addrs.some(same)) return out(2, "", "RTNETLINK answers: File exists\n");
    h.addrs = [...h.addrs, { addr: ip.text, prefix, dev }];
    return out(0, "", "", true);
  }
  if (verb === "del" || verb === "delete" || verb === "d") {
    if (!h.addrs.some(same)) return out(2, "", "RTNETLINK answers: Cannot assign requested address\n");
    h.addrs = h.addrs.filter((x) => !same(x));
    return out(0, "", "", true);
  }
  return out(255, "", `Command "${verb}" is unknown, try "ip address help".\n`);
}

function link(h: SimHost, words: string[]): SimOut {
  const verb = words[0] ?? "show";
  if (verb === "show" || verb === "list") {
    const devAt = words.indexOf("dev");
    const dev = devAt >= 0 ? words[devAt + 1] : words[1];
    if (dev && !h.links.some((l) => l.name === dev)) return out(1, "", `Device "${dev}" does not exist.\n`);
    return out(0, formatIpLinkJson(links(h, dev)), "");
  }
  const name = words[1] === "dev" ? words[2] : words[1];
  if (!name) return out(255, "", "Not enough information: \"dev\" argument is required.\n");
  if (verb === "add") {
    if (h.links.some((l) => l.name === name)) return out(2, "", "RTNETLINK answers: File exists\n");
    const typeAt = words.indexOf("type");
    h.links = [...h.links, { name, mac: "00:00:00:00:00:00", kind: typeAt >= 0 ? words[typeAt + 1]! : "dummy" }];
    Object.assign(h.sysctls, confKeys(name));
    return out(0, "", "", true);
  }
  if (!h.links.some((l) => l.name === name)) return noDevice(name);
  if (verb === "set") {
    const state = words.find((w) => w === "up" || w === "down");
    if (!state) return out(0, "", "");
    h.links = h.links.map((l) => (l.name === name ? { ...l, up: state === "up" } : l));
    return out(0, "", "", true);
  }
  if (verb === "del" || verb === "delete") {
    h.links = h.links.filter((l) => l.name !== name);
    h.addrs = h.addrs.filter((a) => a.dev !== name);
    return out(0, "", "", true);
  }
  return out(255, "", `Command "${verb}" is unknown, try "ip link help".\n`);
}

/**
 * `ip -j [-6] route show` and `ip route replace|add|del default via GW`:
 * the host's connected routes (from its addresses) and its default routes.
 */
function route(h: SimHost, words: string[], six: boolean): SimOut {
  const verb = words[0] ?? "show";
  const fam = (a: string) => a.includes(":") === six;
  if (verb === "show" || verb === "list" || verb === "ls") {
    const connected = h.addrs
      .filter((a) => fam(a.addr) && a.prefix < (six ? 128 : 32))
      .map((a) => ({ dst: `${network(a.addr, a.prefix)}/${a.prefix}`, dev: a.dev, protocol: "kernel", scope: "link", prefsrc: a.addr, flags: [] }));
    const defaults = (h.routes ?? []).filter((r) => fam(r.gateway)).map((r) => ({ dst: "default", gateway: r.gateway, dev: r.dev, flags: [] }));
    return out(0, JSON.stringify([...defaults, ...connected]) + "\n", "");
  }
  if (words[1] !== "default" || words[2] !== "via" || !words[3] || !parseIp(words[3])) return out(2, "", `Error: the simulator knows default routes only ("ip route ${words.join(" ")}").\n`);
  const gw = parseIp(words[3])!.text;
  const others = (h.routes ?? []).filter((r) => !fam(r.gateway));
  if (verb === "del" || verb === "delete") {
    if (!(h.routes ?? []).some((r) => fam(r.gateway) && r.gateway === gw)) return out(2, "", "RTNETLINK answers: No such process\n");
    h.routes = others;
    return out(0, "", "", true);
  }
  if (verb === "add" && (h.routes ?? []).some((r) => fam(r.gateway))) return out(2, "", "RTNETLINK answers: File exists\n");
  if (verb !== "add" && verb !== "replace" && verb !== "change") return out(255, "", `Command "${verb}" is unknown, try "ip route help".\n`);
  const devAt = words.indexOf("dev");
  h.routes = [...others, { gateway: gw, dev: devAt >= 0 ? words[devAt + 1]! : (h.addrs.find((a) => fam(a.addr))?.dev ?? "eth0") }];
  return out(0, "", "", true);
}

/** The network an address is in, as text. */
function network(addr: string, prefix: number): string {
  const ip = parseIp(addr)!;
  const bytes = ip.bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
  if (ip.family === 4) return bytes.join(".");
  return parseIp(Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(":"))!.text;
}

export function simIp(h: SimHost, args: readonly string[]): SimOut {
  const words = args.filter((w) => !/^-(j|json|4|6|o|oneline|d|details|br|brief|c|color)$/.test(w));
  const object = words[0] ?? "";
  if (/^a(ddr?|ddress)?$/.test(object)) return addr(h, words.slice(1));
  if (/^l(ink?)?$/.test(object)) return link(h, words.slice(1));
  if (/^r(o|ou|out|oute)?$/.test(object)) return route(h, words.slice(1), args.includes("-6"));
  return out(255, "", `Object "${object}" is unknown, try "ip help".\n`);
}
