/**
 * Configuration -> a canonical, readable lvsh script. Evaluating the output
 * from an empty configuration gives the same configuration back. Used by
 * `show candidate`, revisions and `import`.
 */
import { limits, maxPrefix, printName, printNetmask, printWord } from "../lang/index.js";
import { describeTransport, transportSpec } from "./hosts.js";
import { serviceKeyOf } from "./keys.js";
import { KEEPALIVED_CONF, type Config, type EngineDef, type HealthCheck, type HostDef, type RealDef, type ServiceDef, type SyncDaemonDef, type VipDef } from "./types.js";

function hostLine(h: HostDef): string {
  const subject = h.subject.kind === "director" ? "director" : h.subject.kind === "addr" ? h.subject.addr : h.subject.name;
  const t = transportSpec(h.transport);
  const via = t.kind === "netns" ? `netns ${printName(t.name)}` : describeTransport(t);
  return `host ${subject} via ${via}`;
}

function engineLine(e: EngineDef): string {
  return e.path === KEEPALIVED_CONF ? "engine keepalived" : `engine keepalived config ${printName(e.path)}`;
}

function syncLine(s: SyncDaemonDef): string {
  return `sync daemon on ${s.iface}${s.id ? ` id ${s.id}` : ""}`;
}

function vipLine(v: VipDef): string {
  const prefix = v.prefix === maxPrefix(v.family) ? "" : `/${v.prefix}`;
  return `vip ${v.addr}${prefix}${v.iface ? ` on ${v.iface}` : ""}`;
}

function arpLine(v: VipDef): string | undefined {
  const h = v.arpHide;
  if (!h) return undefined;
  const defDev = h.via === "sysctl" ? "lo" : "eth0";
  // an IPv6 VIP has one way: on lo
  if (v.family === 6) return "arp hide on rs";
  return ["arp hide on rs", h.via === "sysctl" ? "via sysctl" : "", h.dev !== defDev ? `dev ${h.dev}` : ""].filter(Boolean).join(" ");
}

/** `:80` when the service is on the current VIP, else the full address. */
function serviceLine(s: ServiceDef, currentVip: string | null): string {
  const parts = ["service"];
  if (s.fwmark !== null) parts.push(`fwmark ${s.fwmark}`, ...(s.family === 6 ? ["ipv6"] : []));
  else {
    if (s.proto !== "tcp") parts.push(s.proto!);
    if (s.addr === currentVip) parts.push(`:${s.port}`);
    else parts.push(s.family === 6 ? `[${s.addr}]:${s.port}` : `${s.addr}:${s.port}`);
  }
  parts.push(serviceOptions(s));
  return parts.join(" ");
}

/** A service's options as the language writes them (`rr persistent 60 netmask 255.255.255.0 ...`): printed configurations and plans say them alike. */
export function serviceOptions(s: Pick<ServiceDef, "scheduler" | "persistence" | "netmask" | "family" | "flags" | "onePacket" | "pe">): string {
  const parts = [s.scheduler];
  if (s.persistence !== null) parts.push(`persistent ${s.persistence}`);
  if (s.netmask !== maxPrefix(s.family)) parts.push(`netmask ${printNetmask(s.netmask, s.family)}`);
  if (s.flags.length) parts.push(`flags ${s.flags.join(",")}`);
  if (s.onePacket) parts.push("one-packet");
  if (s.pe) parts.push(`pe ${s.pe}`);
  return parts.join(" ");
}

function destOptions(r: RealDef): string {
  const parts: string[] = [r.method];
  if (r.method === "tun") {
    if (r.tunType && r.tunType !== "ipip") parts.push(`type ${r.tunType}`);
    if (r.tunPort !== undefined) parts.push(`port ${r.tunPort}`);
    if (r.tunCsum && r.tunCsum !== "nocsum") parts.push(r.tunCsum);
  }
  if (r.weight !== 1) parts.push(`weight ${r.weight}`);
  if (r.lThreshold) parts.push(`min ${r.lThreshold}`);
  if (r.uThreshold) parts.push(`max ${r.uThreshold}`);
  return parts.join(" ");
}

/** `.2` when the address shares the first three octets of the current VIP. */
function shortAddr(addr: string, currentVip: string | null): string {
  if (currentVip && !addr.includes(":") && !currentVip.includes(":")) {
    // both dotted quads: the same text up to the last dot (no split: 10,000 real servers come through here)
    const d = addr.lastIndexOf(".");
    if (d === currentVip.lastIndexOf(".") && addr.startsWith(currentVip.slice(0, d + 1))) return addr.slice(d);
  }
  return addr;
}

function destAddr(r: { addr: string; family: 4 | 6; port: number }, s: ServiceDef, currentVip: string | null): string {
  const a = shortAddr(r.addr, currentVip);
  const defaultPort = s.fwmark !== null ? 0 : s.port;
  if (r.port === defaultPort) return a;
  return r.family === 6 ? `[${a}]:${r.port}` : `${a}:${r.port}`;
}

function destLines(s: ServiceDef, currentVip: string | null): string[] {
  const out: string[] = [];
  let group: string[] = [];
  let opts = "";
  const flush = () => {
    if (group.length) out.push(`add rs ${group.join(" ")} ${opts}`);
    group = [];
  };
  for (const r of s.reals.values()) {
    const o = destOptions(r);
    if (o !== opts) flush();
    opts = o;
    group.push(destAddr(r, s, currentVip));
  }
  flush();
  const resting = [...s.reals.values()].filter((r) => r.maintenance).map((r) => destAddr(r, s, currentVip));
  if (resting.length) out.push(`maintenance rs ${resting.join(" ")} on`);
  return out;
}

/** A check as `check` takes it, defaults left out. */
function checkText(c: HealthCheck): string {
  if (c.kind === "none") return "none";
  const parts: string[] = [c.kind];
  if (c.kind === "http" || c.kind === "https") parts.push(printWord(c.path));
  if (c.kind === "dns") parts.push(printWord(c.name));
  if (c.kind === "misc") parts.push(printWord(c.command));
  if ((c.kind === "http" || c.kind === "https") && c.expect !== null) parts.push(`expect ${c.expect}`);
  if (c.every !== limits.checkEvery.default) parts.push(`every ${c.every}`);
  if (c.kind === "misc" ? c.timeout !== null : c.timeout !== limits.checkTimeout.default) parts.push(`timeout ${c.timeout}`);
  if (c.retry !== limits.checkRetry.default) parts.push(`retry ${c.retry}`);
  if (c.port !== null) parts.push(`port ${c.port}`);
  if (c.kind === "smtp" && c.helo !== null) parts.push(`helo ${printWord(c.helo)}`);
  if (c.kind === "dns" && c.type !== "SOA") parts.push(`type ${c.type}`);
  if (c.kind === "misc" && c.dynamic) parts.push("dynamic");
  return parts.join(" ");
}

/** The service's check, its real servers' own checks (grouped), sorry server, quorum, inhibit. */
function keepalivedLines(s: ServiceDef, currentVip: string | null): string[] {
  const out: string[] = [];
  if (s.check) out.push(`check ${checkText(s.check)}`);
  const groups = new Map<string, string[]>();
  for (const r of s.reals.values()) {
    if (!r.check) continue;
    const text = checkText(r.check);
    groups.set(text, [...(groups.get(text) ?? []), destAddr(r, s, currentVip)]);
  }
  for (const [text, addrs] of groups) out.push(`check ${text} rs ${addrs.join(" ")}`);
  if (s.sorry) out.push(`sorry server ${destAddr(s.sorry, s, currentVip)}`);
  if (s.quorum) out.push(`quorum ${s.quorum.value}`);
  if (s.inhibitOnFailure) out.push("inhibit on failure");
  return out;
}

function pairLine(v: VipDef): string | undefined {
  const p = v.pair;
  if (!p) return undefined;
  const parts = ["director pair", shortAddr(p.addrs[0], v.addr), shortAddr(p.addrs[1], v.addr)];
  const [d0, d1] = limits.priority.default;
  if (p.priorities[0] !== d0 || p.priorities[1] !== d1) parts.push(`priority ${p.priorities[0]} ${p.priorities[1]}`);
  if (p.vrid !== limits.vrid.default) parts.push(`vrid ${p.vrid}`);
  if (p.iface !== null) parts.push(`interface ${p.iface}`);
  return parts.join(" ");
}

/**
 * What of a configuration only keepalived acts on (checks, sorry servers,
 * quorum, inhibit, director pairs, connection sync), as statements, per
 * service and VIP (and `sync` for the sync daemon):
 * lvsh records it in revisions and exports it, but applies none of it.
 */
export function keepalivedParts(config: Config): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of config.services.values()) {
    const lines = keepalivedLines(s, s.vip);
    if (lines.length) out.set(serviceKeyOf(s), lines);
  }
  for (const v of config.vips.values()) {
    const line = pairLine(v);
    if (line) out.set(`vip ${v.addr}`, [line]);
  }
  if (config.sync) out.set("sync", [syncLine(config.sync)]);
  return out;
}

export function printConfig(config: Config): string {
  const lines: string[] = [];
  for (const h of config.hosts.values()) lines.push(hostLine(h));
  if (config.engine) lines.push(engineLine(config.engine));
  if (config.sync) lines.push(syncLine(config.sync));
  const declared = (v: string | null) => v !== null && config.vips.has(v);
  const block = (svcs: ServiceDef[], currentVip: string | null) => {
    for (const s of svcs) {
      const line = serviceLine(s, currentVip);
      lines.push(line);
      const vipNow = s.addr ?? currentVip;
      lines.push(...destLines(s, vipNow));
      lines.push(...keepalivedLines(s, vipNow));
      if (s.addr) currentVip = s.addr;
    }
  };
  const services = [...config.services.values()];
  block(services.filter((s) => s.fwmark !== null && !declared(s.vip)), null);
  for (const v of config.vips.values()) {
    if (lines.length) lines.push("");
    lines.push(vipLine(v));
    block(services.filter((s) => s.vip === v.addr), v.addr);
    const arp = arpLine(v);
    if (arp) lines.push(arp);
    const pair = pairLine(v);
    if (pair) lines.push(pair);
  }
  const others = services.filter((s) => s.fwmark === null && !declared(s.vip));
  if (others.length) {
    if (lines.length) lines.push("");
    block(others, null);
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}
