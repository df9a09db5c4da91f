/**
 * `ipvsadm -Ln` and its --thresholds, --stats and --rate forms, as ipvsadm
 * 1.31 prints them (print_title and print_service_entry in ipvsadm.c), for
 * the simulated target. A simulated host has no traffic: counters are 0.
 */
import { formatAddrPort, prefixToNetmask } from "../lang/index.js";
import type { IpvsService } from "../model/index.js";

export type ListMode = "list" | "thresholds" | "stats" | "rate";

const titles: Record<ListMode, string> = {
  list: "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n",
  thresholds: `${"Prot LocalAddress:Port".padEnd(33)} ${"Uthreshold".padEnd(10)} ${"Lthreshold".padEnd(10)} ${"ActiveConn".padEnd(10)} ${"InActConn".padEnd(10)}\n  -> RemoteAddress:Port\n`,
  stats: `${"Prot LocalAddress:Port".padEnd(33)} ${["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"].map((t) => t.padStart(8)).join(" ")}\n  -> RemoteAddress:Port\n`,
  rate: `${"Prot LocalAddress:Port".padEnd(33)} ${["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"].map((t) => t.padStart(8)).join(" ")}\n  -> RemoteAddress:Port\n`,
};

const fwd = { dr: "Route", nat: "Masq", tun: "Tunnel" } as const;

function serviceName(s: IpvsService): string {
  if (s.fwmark !== null) return s.family === 6 ? `FWM  ${s.fwmark} IPv6` : `FWM  ${s.fwmark}`;
  const name = `${(s.proto ?? "tcp").toUpperCase().padEnd(4)} ${formatAddrPort(s.addr!, s.port)}`;
  return s.family === 4 ? name.slice(0, 33) : name;
}

function serviceLine(s: IpvsService, mode: ListMode): string {
  const name = serviceName(s);
  if (mode === "stats" || mode === "rate") return name.padEnd(33) + "        0".repeat(5);
  let line = `${name} ${s.scheduler}`;
  if (s.flags.length) line += ` (${s.flags.join(",")})`;
  if (s.persistence !== null) {
    line += ` persistent ${s.persistence}`;
    if (s.family === 4 && s.netmask !== 32) line += ` mask ${prefixToNetmask(s.netmask)}`;
    if (s.family === 6 && s.netmask !== 128) line += ` mask ${s.netmask}`;
    if (s.pe) line += ` pe ${s.pe}`;
  }
  if (s.onePacket) line += " ops";
  return line;
}

function destLine(d: IpvsService["dests"][number], mode: ListMode): string {
  let name = formatAddrPort(d.addr, d.port);
  if (d.family === 4) name = name.slice(0, 28);
  const head = `  -> ${name.padEnd(28)}`;
  switch (mode) {
    case "list":
      return `${head} ${fwd[d.method].padEnd(7)} ${String(d.weight).padEnd(6)} ${"0".padEnd(10)} ${"0".padEnd(10)}`;
    case "thresholds":
      return `${head} ${String(d.uThreshold).padEnd(10)} ${String(d.lThreshold).padEnd(10)} ${"0".padEnd(10)} ${"0".padEnd(10)}`;
    default:
      return head + "        0".repeat(5);
  }
}

export function formatIpvsadmList(services: readonly IpvsService[], mode: ListMode = "list"): string {
  const lines = ["IP Virtual Server version 1.2.1 (size=4096)\n" + titles[mode].trimEnd()];
  for (const s of services) {
    lines.push(serviceLine(s, mode));
    for (const d of s.dests) lines.push(destLine(d, mode));
  }
  return lines.join("\n") + "\n";
}
