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

export function simIp(h: SimHost, args: readonly string[]): SimOut {
  const words = args.filter((w) => !/^-(j|json|4|6|o|oneline|d|details|br|brief|c|color)$/.test(w));
  const object = words[0] ?? "";
  if (/^a(ddr?|ddress)?$/.test(object)) return addr(h, words.slice(1));
  if (/^l(ink?)?$/.test(object)) return link(h, words.slice(1));
  return out(255, "", `Object "${object}" is unknown, try "ip help".\n`);
}
