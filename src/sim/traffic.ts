/**
 * Synthetic traffic on a simulated director, so that `ipvsadm -L --stats`
 * and `--rate` print counters that move (for `watch`, `show rs` and their
 * tests; a real kernel counts real packets). Traffic is given per service:
 * new connections per second and what each connection carries. The
 * service's scheduler is modelled as weighted: each real server gets a
 * share of the connections in proportion to its weight (weight 0: none, as
 * a quiesced server gets no new connections). Counters are integrated over
 * time: settled at each command, so a weight changed by `ipvsadm -e`
 * changes the shares from that moment on. Connections stay active for
 * `activeSeconds` and inactive (TIME_WAIT) for `inactiveSeconds` after, so
 * the connection counts follow Little's law: count = rate x duration.
 */
import { serviceKeyOf, destKeyOf, type IpvsService } from "../model/index.js";

/** What reaches one service. */
export interface SimFlow {
  /** New connections per second. */
  readonly cps: number;
  /** Packets per connection, each way. */
  readonly inPackets: number;
  readonly outPackets: number;
  /** Bytes per packet, each way. */
  readonly inBytes: number;
  readonly outBytes: number;
  readonly activeSeconds: number;
  readonly inactiveSeconds: number;
}

export const defaultFlow: Omit<SimFlow, "cps"> = { inPackets: 6, outPackets: 5, inBytes: 80, outBytes: 1200, activeSeconds: 1, inactiveSeconds: 2 };

/** Totals since zeroed (fractions kept: ipvsadm prints them rounded down). */
export interface SimCounters {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

export interface SimTraffic {
  /** By serviceKeyOf. */
  flows: Record<string, SimFlow>;
  /** By `${serviceKeyOf} ${destKeyOf}`: counted up to `at`. */
  counters: Record<string, SimCounters>;
  /** Epoch ms the counters were settled at. */
  at: number;
}

/** One real server's figures now: per second, and its connection counts. */
export interface SimDestRates {
  readonly cps: number;
  readonly inPps: number;
  readonly outPps: number;
  readonly inBps: number;
  readonly outBps: number;
  readonly active: number;
  readonly inactive: number;
}

const zero = (): SimCounters => ({ conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 });

const destKey = (s: IpvsService, d: IpvsService["dests"][number]) => `${serviceKeyOf(s)} ${destKeyOf(d)}`;

/** A real server's rates under its service's flow (none without traffic). */
export function destRates(s: IpvsService, d: IpvsService["dests"][number], traffic: SimTraffic | undefined): SimDestRates {
  const f = traffic?.flows[serviceKeyOf(s)];
  const total = s.dests.reduce((a, x) => a + Math.max(0, x.weight), 0);
  const cps = f && total > 0 ? (f.cps * Math.max(0, d.weight)) / total : 0;
  const inPps = cps * (f?.inPackets ?? 0);
  const outPps = cps * (f?.outPackets ?? 0);
  return {
    cps,
    inPps,
    outPps,
    inBps: inPps * (f?.inBytes ?? 0),
    outBps: outPps * (f?.outBytes ?? 0),
    active: cps * (f?.activeSeconds ?? 0),
    inactive: cps * (f?.inactiveSeconds ?? 0),
  };
}

/** Adds what flowed since the last settle to the counters, at the weights in force until now. */
export function settleTraffic(services: readonly IpvsService[], traffic: SimTraffic, now: number): void {
  const dt = Math.max(0, now - traffic.at) / 1000;
  const counters: Record<string, SimCounters> = {};
  for (const s of services) {
    for (const d of s.dests) {
      const k = destKey(s, d);
      const c = traffic.counters[k] ?? zero();
      const r = destRates(s, d, traffic);
      counters[k] = { conns: c.conns + r.cps * dt, inPkts: c.inPkts + r.inPps * dt, outPkts: c.outPkts + r.outPps * dt, inBytes: c.inBytes + r.inBps * dt, outBytes: c.outBytes + r.outBps * dt };
    }
  }
  traffic.counters = counters;
  traffic.at = now;
}

/** A real server's totals (zero when never counted). */
export function destCounters(s: IpvsService, d: IpvsService["dests"][number], traffic: SimTraffic | undefined): SimCounters {
  return traffic?.counters[destKey(s, d)] ?? zero();
}

/** Sets (cps > 0) or stops (cps 0) a service's traffic; counters so far are kept. */
export function setFlow(services: readonly IpvsService[], traffic: SimTraffic | undefined, service: string, flow: SimFlow | null, now: number): SimTraffic {
  const t: SimTraffic = traffic ?? { flows: {}, counters: {}, at: now };
  settleTraffic(services, t, now);
  const flows = { ...t.flows };
  if (flow && flow.cps > 0) flows[service] = flow;
  else delete flows[service];
  t.flows = flows;
  return t;
}
