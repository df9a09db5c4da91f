/**
 * Sparklines of connections per second, and the history they are drawn
 * from: each real server's last minute of samples, kept in the Session
 * (so `show rs` can draw them after a `watch`). Pure but for the times the
 * samples are given.
 */

const BARS = "▁▂▃▄▅▆▇█";

/**
 * One bar per value, the highest `max` (default: the values' own) a full
 * block, zero the lowest; the last `width` values when there are more.
 */
export function sparkline(values: readonly number[], width = values.length, max?: number): string {
  const shown = width > 0 ? values.slice(-width) : [];
  const top = max ?? Math.max(0, ...shown);
  return shown
    .map((v) => {
      if (!(top > 0) || !(v > 0)) return BARS[0]!;
      // anything above zero shows at least the second bar: traffic is never drawn as none
      return BARS[Math.min(BARS.length - 1, Math.max(1, Math.round((v / top) * (BARS.length - 1))))]!;
    })
    .join("");
}

interface Point {
  readonly t: number;
  readonly v: number;
}

/** Connections per second of each real server (by listingKey) over the last minute. */
export class RateHistory {
  private readonly points = new Map<string, Point[]>();

  constructor(readonly spanMs = 60_000) {}

  /** Adds one sample's values at time t (ms); what is older than the span is forgotten. */
  add(t: number, values: ReadonlyMap<string, number>): void {
    for (const [key, v] of values) {
      const list = this.points.get(key) ?? [];
      list.push({ t, v });
      this.points.set(key, list);
    }
    for (const [key, list] of this.points) {
      const kept = list.filter((p) => p.t > t - this.spanMs);
      if (kept.length) this.points.set(key, kept);
      else this.points.delete(key);
    }
  }

  values(key: string): number[] {
    return (this.points.get(key) ?? []).map((p) => p.v);
  }

  /** The highest value of any real server (one scale for all: they can be compared). */
  max(): number {
    let m = 0;
    for (const list of this.points.values()) for (const p of list) m = Math.max(m, p.v);
    return m;
  }

  get empty(): boolean {
    return this.points.size === 0;
  }
}
