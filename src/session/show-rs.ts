/**
 * `show rs`: per service, each real server's method, weight, thresholds and
 * live connections, read from the director (`ipvsadm -Ln` and `--rate`).
 */
import type { Diagnostic } from "../lang/index.js";
import { destKeyOf, serviceKeyOf } from "../model/index.js";
import { listingKey, parseIpvsadmList, parseIpvsadmRate, type DestCounters, type IpvsRate } from "../state/index.js";
import type { Session } from "./session.js";
import { renderTable } from "./table.js";

async function liveCounters(session: Session): Promise<{ list: Map<string, DestCounters>; rate: Map<string, IpvsRate>; why?: string }> {
  const empty = { list: new Map<string, DestCounters>(), rate: new Map<string, IpvsRate>() };
  if (!session.site) return { ...empty, why: "no target" };
  const [l, r] = await session.site.executor("director").runMany([
    ["ipvsadm", "-Ln"],
    ["ipvsadm", "-Ln", "--rate"],
  ]);
  if (l!.exitCode !== 0) return { ...empty, why: (l!.stderr || l!.stdout).trim() };
  return { list: parseIpvsadmList(l!.stdout).dests, rate: r!.exitCode === 0 ? parseIpvsadmRate(r!.stdout).dests : new Map(), };
}

export async function showRealServers(session: Session): Promise<Diagnostic[]> {
  const live = await liveCounters(session);
  const rows: string[][] = [];
  for (const s of session.candidate.services.values()) {
    for (const r of s.reals.values()) {
      const key = listingKey(s, r);
      const c = live.list.get(key);
      const rate = live.rate.get(key);
      rows.push([
        serviceKeyOf(s),
        destKeyOf(r),
        r.method + (r.method === "tun" ? ` ${r.tunType ?? "ipip"}` : ""),
        String(r.weight),
        r.lThreshold || r.uThreshold ? `${r.lThreshold}..${r.uThreshold || "-"}` : "-",
        c ? String(c.activeConns) : "-",
        c ? String(c.inactConns) : "-",
        rate ? String(rate.cps) : "-",
      ]);
    }
  }
  if (!rows.length) {
    session.io.write("no real servers\n");
    return [];
  }
  session.io.write(renderTable(["service", "real server", "method", "weight", "min..max", "active", "inactive", "conn/s"], rows, session.io));
  if (live.why) session.io.write(`(no live counters: ${live.why})\n`);
  return [];
}
