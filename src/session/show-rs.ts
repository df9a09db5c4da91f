/**
 * `show rs`: per service, each real server as the director runs it now
 * (`ipvsadm -Sn`: method, weight, thresholds) with its live connections
 * (`-Ln`, `--rate`), all read in one round trip; what the candidate would
 * change is marked on the running value (`1 -> 0`), and real servers it
 * adds or removes are marked `+` / `-`, as in a plan. After a `watch` in
 * the session, each real server's last minute of connections/s as a
 * sparkline (the Session's history).
 */
import type { Diagnostic, RsPattern } from "../lang/index.js";
import { destKeyOf, serviceKeyOf, type Dest, type RealDef } from "../model/index.js";
import { listingKey, parseIpvsadmList, parseIpvsadmRate, parseIpvsadmSave, type DestCounters, type IpvsRate } from "../state/index.js";
import type { Session } from "./session.js";
import { sparkline } from "./sparkline.js";
import { renderTable } from "./table.js";
import { say } from "./say.js";

/** A real server filter of `show rs`. */
export type RsFilter = (addr: string, port: number) => boolean;

export function rsFilter(p: RsPattern): RsFilter {
  return (a, port) => (p.suffix ? a.endsWith(p.suffix) : a.toLowerCase() === p.addr) && (p.port === undefined || port === p.port);
}

interface Live {
  /** The director's real servers as it runs them, by listingKey. */
  readonly running: Map<string, Dest>;
  readonly list: Map<string, DestCounters>;
  readonly rate: Map<string, IpvsRate>;
  readonly at: Date;
  readonly why?: string;
  /** The director read (keepalived's: the first of the pair that answered). */
  readonly host: string;
  /** keepalived runs the director: a committed real server absent from its table (or at weight 0) is down by keepalived's check. */
  readonly keepalived: boolean;
}

async function readLive(session: Session): Promise<Live> {
  const at = new Date();
  const directors = session.ipvsDirectors();
  const keepalived = directors[0] !== "director";
  const empty: Live = { running: new Map(), list: new Map(), rate: new Map(), at, host: directors[0]!, keepalived };
  if (!session.site) return { ...empty, why: "no target" };
  let why = "";
  for (const host of directors) {
    const r = await readDirector(session, host, at, keepalived);
    if (!r.why) return r;
    why ||= r.why;
  }
  return { ...empty, why };
}

async function readDirector(session: Session, host: string, at: Date, keepalived: boolean): Promise<Live> {
  const empty: Live = { running: new Map(), list: new Map(), rate: new Map(), at, host, keepalived };
  const [save, list, rate] = await session.site!.executor(host).runMany([
    ["ipvsadm", "-Sn"],
    ["ipvsadm", "-Ln"],
    ["ipvsadm", "-Ln", "--rate"],
  ]);
  if (save!.exitCode !== 0 || list!.exitCode !== 0) return { ...empty, why: `${host}: ${(save!.stderr || list!.stderr || list!.stdout).trim()}` };
  const running = new Map<string, Dest>();
  for (const s of parseIpvsadmSave(save!.stdout).services) {
    for (const d of s.dests) running.set(listingKey(s, d), d);
  }
  return { running, list: parseIpvsadmList(list!.stdout).dests, rate: rate!.exitCode === 0 ? parseIpvsadmRate(rate!.stdout).dests : new Map(), at, host, keepalived };
}

const method = (d: Dest) => d.method + (d.method === "tun" ? ` ${d.tunType ?? "ipip"}` : "");
const thresholds = (d: Dest) => (d.lThreshold || d.uThreshold ? `${d.lThreshold}..${d.uThreshold || "-"}` : "-");

/** A running value, and the candidate's when it differs: `1 -> 0`. */
function changed(running: string | undefined, candidate: string | undefined): string {
  if (running === undefined) return candidate ?? "-";
  if (candidate === undefined || candidate === running) return running;
  return `${running} -> ${candidate}`;
}

/** The sparkline's most bars (the last samples of the minute `watch` kept). */
const SPARK_WIDTH = 30;

const HEAD = ["service", "real server", "method", "weight", "min..max", "active", "inactive", "conn/s"];

export async function showRealServers(session: Session, filters: readonly RsFilter[] = [], asJson = false): Promise<Diagnostic[]> {
  const live = await readLive(session);
  // the candidate's real servers, then those only the director runs (the candidate removes them)
  const rows: { service: string; key: string; dest: Dest; running?: Dest; candidate?: Dest; down?: boolean }[] = [];
  const seen = new Set<string>();
  // keepalived's: the committed real servers (those keepalived has), by the same key
  const committed = live.keepalived ? new Set([...session.runningConfig.services.values()].flatMap((s) => [...s.reals.values()].filter((r) => !r.maintenance && r.weight > 0).map((r) => listingKey(s, r)))) : undefined;
  for (const s of session.candidate.services.values()) {
    for (const r of s.reals.values()) {
      const key = listingKey(s, r);
      seen.add(key);
      const running = live.running.get(key);
      // taken out by keepalived's check: absent from its table, or at weight 0 (inhibit_on_failure)
      const down = !!committed?.has(key) && !live.why && (!running || running.weight === 0);
      rows.push({ service: serviceKeyOf(s), key, dest: r, candidate: r, ...(running && !(down && running.weight === 0) ? { running } : {}), ...(down ? { down } : {}) });
    }
  }
  for (const [key, d] of live.running) {
    if (seen.has(key)) continue;
    const service = key.slice(0, key.length - destKeyOf(d).length - 1);
    rows.push({ service, key, dest: d, running: d });
  }
  const shown = rows.filter((r) => !filters.length || filters.some((f) => f(r.dest.addr, r.dest.port)));
  if (!shown.length && !asJson) {
    session.io.write(filters.length ? "no real server matches\n" : "no real servers\n");
    return [];
  }
  let marked = false;
  const watched = !session.rateHistory.empty;
  const cells = shown.map((r) => {
    const c = live.list.get(r.key);
    const rate = live.rate.get(r.key);
    const mark = r.down ? "" : !r.running && !live.why ? "+ " : !r.candidate ? "- " : "";
    const m = changed(r.running && method(r.running), r.candidate && method(r.candidate));
    const rest = (r.candidate as RealDef | undefined)?.maintenance;
    const w = r.down ? "down (check)" : changed(r.running && String(r.running.weight), r.candidate && String(rest ? 0 : r.candidate.weight)) + (rest ? " (maintenance)" : "");
    const t = changed(r.running && thresholds(r.running), r.candidate && thresholds(r.candidate));
    if (mark || [m, w, t].some((x) => x.includes(" -> "))) marked = true;
    const row = [r.service, `${mark}${destKeyOf(r.dest)}`, r.running || live.why ? m : r.candidate ? method(r.candidate) : "-", w, t, c ? String(c.activeConns) : "-", c ? String(c.inactConns) : "-", rate ? String(rate.cps) : "-"];
    // after a `watch`: each real server's last minute of connections/s
    return watched ? [...row, sparkline(session.rateHistory.values(r.key), SPARK_WIDTH, session.rateHistory.max()) || "-"] : row;
  });
  if (asJson) {
    const values = (d: Dest | undefined) =>
      d && { method: d.method, ...(d.method === "tun" ? { tunType: d.tunType ?? "ipip" } : {}), weight: (d as RealDef).maintenance ? 0 : d.weight, min: d.lThreshold, max: d.uThreshold, ...((d as RealDef).maintenance ? { maintenance: true } : {}) };
    const records = shown.map((r) => {
      const c = live.list.get(r.key);
      const rate = live.rate.get(r.key);
      return {
        service: r.service,
        realServer: destKeyOf(r.dest),
        change: r.down ? null : !r.running && !live.why ? "add" : !r.candidate ? "remove" : null,
        ...(r.down ? { health: "down (check)" } : {}),
        running: live.why ? null : (values(r.running) ?? null),
        candidate: values(r.candidate) ?? null,
        active: c?.activeConns ?? null,
        inactive: c?.inactConns ?? null,
        cps: rate?.cps ?? null,
        ...(watched ? { cpsLastMinute: session.rateHistory.values(r.key) } : {}),
      };
    });
    session.io.write(JSON.stringify({ readAt: live.at.toISOString(), revision: session.revision()?.number ?? null, ...(live.why ? { unread: live.why } : {}), realServers: records }, null, 2) + "\n");
    return [];
  }
  // one service's rows together: its name once
  const grouped = cells.map((row, i) => (i > 0 && cells[i - 1]![0] === row[0] ? ["", ...row.slice(1)] : row));
  session.io.write(renderTable(watched ? [...HEAD, "conn/s, last minute (watch)"] : HEAD, grouped, session.io));
  const rev = session.revision();
  if (live.why) {
    say(session.io, `(the candidate's values; no running values or counters: ${live.why})`);
  } else {
    const time = live.at.toISOString().slice(11, 19);
    const from = live.keepalived ? `director ${live.host} (keepalived's table)` : "the director";
    say(session.io, `running values and counters read from ${from} at ${time} UTC${rev ? `; the last commit is revision ${rev.number}` : "; nothing committed yet"}`);
    if (rows.some((r) => r.down)) say(session.io, "down (check): committed, but keepalived's health check has taken it out (`lvsh doctor` says why when it can)");
  }
  if (marked && !live.why) say(session.io, "staged in the candidate, not committed: `running -> candidate`; + to add, - to remove");
  return [];
}
