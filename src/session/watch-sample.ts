/**
 * One sample of `watch`: each service's real servers with their weight,
 * connections, connections/packets/bytes per second and totals, read from
 * the director in one round trip. ipvsadm prints one kind of figures per
 * listing (with --stats and --rate together it prints the stats only), so
 * the round trip carries three listings. What the configuration has and the
 * kernel does not is in the sample too, marked `missing`; weight 0 is
 * `quiesced` (no new connections).
 */
import { serviceKeyOf, type Config } from "../model/index.js";
import { listingKey, parseIpvsadmList, parseIpvsadmRate, parseIpvsadmStats } from "../state/index.js";
import type { Session } from "./session.js";

/** `down`: keepalived runs the director and its health check took the real server out (absent, or weight 0 where the configuration says more). */
export type RealState = "ok" | "quiesced" | "missing" | "down";

export interface RealSample {
  /** `ADDR:PORT`. */
  readonly rs: string;
  /** listingKey: the service and the real server. */
  readonly key: string;
  readonly state: RealState;
  readonly weight: number | null;
  readonly active: number | null;
  readonly inactive: number | null;
  readonly cps: number | null;
  readonly inpps: number | null;
  readonly outpps: number | null;
  readonly inbps: number | null;
  readonly outbps: number | null;
  /** Connections since the counters were zeroed. */
  readonly conns: number | null;
}

export interface ServiceSample {
  /** serviceKeyOf: `tcp 172.25.254.10:80`. */
  readonly service: string;
  /** In the kernel (false: only in the configuration). */
  readonly running: boolean;
  readonly reals: readonly RealSample[];
}

export interface Sample {
  readonly at: Date;
  readonly services: readonly ServiceSample[];
  /** Why nothing could be read (the director did not answer ...). */
  readonly unread?: string;
}

/** The three listings of one sample, in the order readSample runs them. */
export const SAMPLE_COMMANDS = [
  ["ipvsadm", "-Ln", "--exact"],
  ["ipvsadm", "-Ln", "--stats", "--exact"],
  ["ipvsadm", "-Ln", "--rate", "--exact"],
] as const;

const split = (key: string) => ({ service: key.slice(0, key.lastIndexOf(" ")), rs: key.slice(key.lastIndexOf(" ") + 1) });

/** A sample from the three listings' texts and the configuration (pure). `only`: one service's key. */
export function sampleOf(texts: { list: string; stats: string; rate: string }, config: Config, at: Date, only?: string, keepalived = false): Sample {
  const list = parseIpvsadmList(texts.list);
  const stats = parseIpvsadmStats(texts.stats).dests;
  const rate = parseIpvsadmRate(texts.rate).dests;
  // the configuration's services and real servers first, in its order; then what only the kernel has
  const order = new Map<string, string[]>();
  const add = (service: string, key?: string) => {
    const keys = order.get(service) ?? [];
    if (key && !keys.includes(key)) keys.push(key);
    order.set(service, keys);
  };
  for (const s of config.services.values()) {
    add(serviceKeyOf(s));
    for (const r of s.reals.values()) add(serviceKeyOf(s), listingKey(s, r));
  }
  for (const key of list.services.keys()) add(key);
  for (const key of list.dests.keys()) add(split(key).service, key);
  const services: ServiceSample[] = [];
  for (const [service, keys] of order) {
    if (only !== undefined && service !== only) continue;
    const reals = keys.map((key): RealSample => {
      const c = list.dests.get(key);
      const st = stats.get(key);
      const r = rate.get(key);
      const weight = c?.weight ?? configWeight(config, service, key);
      return {
        rs: split(key).rs,
        key,
        state: !c ? (keepalived && configWeight(config, service, key) !== null ? "down" : "missing") : c.weight === 0 ? (keepalived && (configWeight(config, service, key) ?? 0) > 0 ? "down" : "quiesced") : "ok",
        weight,
        active: c?.activeConns ?? null,
        inactive: c?.inactConns ?? null,
        cps: c && r ? r.cps : null,
        inpps: c && r ? r.inPps : null,
        outpps: c && r ? r.outPps : null,
        inbps: c && r ? r.inBps : null,
        outbps: c && r ? r.outBps : null,
        conns: c && st ? st.conns : null,
      };
    });
    services.push({ service, running: list.services.has(service), reals });
  }
  return { at, services };
}

function configWeight(config: Config, service: string, key: string): number | null {
  const s = config.services.get(service);
  for (const r of s?.reals.values() ?? []) if (s && listingKey(s, r) === key) return r.weight;
  return null;
}

/** Reads one sample from the director: the three listings in one round trip. */
export async function readSample(session: Session, only?: string): Promise<Sample> {
  const at = new Date();
  if (!session.site) return { at, services: [], unread: "no target" };
  // with keepalived: the first of its directors that answers (the MASTER first)
  const directors = session.ipvsDirectors();
  let unread = "";
  for (const host of directors) {
    const results = await session.site.executor(host).runMany(SAMPLE_COMMANDS.map((c) => [...c]));
    const bad = results.find((r) => r.exitCode !== 0);
    if (bad || results.length < 3) {
      unread ||= (bad?.stderr || bad?.stdout || `${host} did not answer`).trim();
      continue;
    }
    return sampleOf({ list: results[0]!.stdout, stats: results[1]!.stdout, rate: results[2]!.stdout }, session.runningConfig, at, only, directors[0] !== "director");
  }
  return { at, services: [], unread };
}

/** A sample as one JSON line (NDJSON): the time, each service and its real servers. */
export function sampleJson(s: Sample): string {
  return JSON.stringify({
    time: s.at.toISOString(),
    ...(s.unread ? { unread: s.unread } : {}),
    services: s.services.map((svc) => ({
      service: svc.service,
      reals: svc.reals.map((r) => ({ rs: r.rs, state: r.state, weight: r.weight, active: r.active, inactive: r.inactive, cps: r.cps, inpps: r.inpps, outpps: r.outpps, inbps: r.inbps, outbps: r.outbps, conns: r.conns })),
    })),
  });
}

