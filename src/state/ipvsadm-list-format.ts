/**
 * `ipvsadm -Ln` and its --thresholds, --stats and --rate forms, as ipvsadm
 * 1.31 prints them (print_title, print_service_entry and print_largenum in
 * ipvsadm.c), for the simulated target. With --stats and --rate together
 * ipvsadm prints the stats only (FMT_STATS is tested first). Counters come
 * from `figures` (the simulator's synthetic traffic); without, they are 0.
 */
import { formatAddrPort, prefixToNetmask } from "../lang/index.js";
import type { IpvsService } from "../model/index.js";

export type ListMode = "list" | "thresholds" | "stats" | "rate";

/** A real server's counters: connections now, totals, rates per second. */
export interface ListFigures {
  readonly active: number;
  readonly inactive: number;
  readonly stats: readonly [conns: number, inPkts: number, outPkts: number, inBytes: number, outBytes: number];
  readonly rate: readonly [cps: number, inPps: number, outPps: number, inBps: number, outBps: number];
}

export interface ListOptions {
  /** --exact: whole numbers, never 123K. */
  readonly exact?: boolean;
  readonly figures?: (s: IpvsService, d: IpvsService["dests"][number]) => ListFigures;
}

const noFigures: ListFigures = { active: 0, inactive: 0, stats: [0, 0, 0, 0, 0], rate: [0, 0, 0, 0, 0] };

/** print_largenum: 9 columns; above 10^8 in K, M, G or T unless --exact. */
export function formatLargeNum(n: number, exact = false): string {
  const i = Math.max(0, Math.floor(n));
  if (exact || i < 1e8) return " " + String(i).padStart(8);
  for (const [limit, div, suffix] of [[1e9, 1e3, "K"], [1e11, 1e6, "M"], [1e14, 1e9, "G"]] as const) {
    if (i < limit) return `${String(Math.floor(i / div)).padStart(8)}${suffix}`;
  }
  return `${String(Math.floor(i / 1e12)).padStart(8)}T`;
}

const columns = (ns: readonly number[], exact: boolean) => ns.map((n) => formatLargeNum(n, exact)).join("");

const sum = (rows: readonly (readonly number[])[]): number[] => [0, 1, 2, 3, 4].map((i) => rows.reduce((a, r) => a + Math.floor(r[i]!), 0));

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

function serviceLine(s: IpvsService, mode: ListMode, o: ListOptions): string {
  const name = serviceName(s);
  if (mode === "stats" || mode === "rate") {
    // the service's totals: what its real servers counted
    const figs = s.dests.map((d) => (o.figures ?? (() => noFigures))(s, d));
    return name.padEnd(33) + columns(sum(figs.map((f) => (mode === "stats" ? f.stats : f.rate.map(Math.round)))), !!o.exact);
  }
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

function destLine(s: IpvsService, d: IpvsService["dests"][number], mode: ListMode, o: ListOptions): string {
  const f = o.figures?.(s, d) ?? noFigures;
  const conns = `${String(Math.round(f.active)).padEnd(10)} ${String(Math.round(f.inactive)).padEnd(10)}`;
  let name = formatAddrPort(d.addr, d.port);
  if (d.family === 4) name = name.slice(0, 28);
  const head = `  -> ${name.padEnd(28)}`;
  switch (mode) {
    case "list":
      return `${head} ${fwd[d.method].padEnd(7)} ${String(d.weight).padEnd(6)} ${conns}`;
    case "thresholds":
      return `${head} ${String(d.uThreshold).padEnd(10)} ${String(d.lThreshold).padEnd(10)} ${conns}`;
    case "stats":
      return head + columns(f.stats, !!o.exact);
    default:
      // the rate: cps, in and out pps always whole (%8u), the bytes through print_largenum
      return head + f.rate.slice(0, 3).map((n) => " " + String(Math.round(n)).padStart(8)).join("") + columns(f.rate.slice(3).map(Math.round), !!o.exact);
  }
}

export function formatIpvsadmList(services: readonly IpvsService[], mode: ListMode = "list", o: ListOptions = {}): string {
  const lines = ["IP Virtual Server version 1.2.1 (size=4096)\n" + titles[mode].trimEnd()];
  for (const s of services) {
    lines.push(serviceLine(s, mode, o));
    for (const d of s.dests) lines.push(destLine(s, d, mode, o));
  }
  return lines.join("\n") + "\n";
}
