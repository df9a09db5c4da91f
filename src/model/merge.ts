/**
 * Re-basing a session's edits on a configuration someone else committed
 * meanwhile (optimistic concurrency: HAProxy's Data Plane API `version`,
 * Junos' "configuration changed by another user"). The session replays its
 * statements on the newer configuration; this module says whether the
 * result is what both sides meant, object by object (each VIP, service,
 * real server and host):
 *
 * - an object only the session changed must come out as the session saw it;
 * - an object only the other commit changed must come out as it left it
 *   (the session never reverts a change it did not stage);
 * - an object both changed, differently, is a conflict.
 *
 * Anything else is a conflict too, named in the words of the objects.
 */
import type { Config } from "./types.js";

/** One object of a configuration: how people name it, and its content without source positions. */
interface Part {
  readonly label: string;
  readonly value: string;
}

/** JSON with sorted keys, without `span`s, Maps as objects: equal content, equal text. */
function canon(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (x instanceof Map) return norm(Object.fromEntries(x));
    if (Array.isArray(x)) return x.map(norm);
    if (x && typeof x === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) if (k !== "span" && k !== "reals") out[k] = norm((x as Record<string, unknown>)[k]);
      return out;
    }
    return x;
  };
  return JSON.stringify(norm(v));
}

/** The configuration's objects by key. */
export function configParts(c: Config): Map<string, Part> {
  const out = new Map<string, Part>();
  for (const [k, v] of c.vips) out.set(`vip ${k}`, { label: `vip ${k}`, value: canon(v) });
  for (const [k, s] of c.services) {
    out.set(`service ${k}`, { label: `service ${k}`, value: canon(s) });
    for (const [rk, r] of s.reals) out.set(`rs ${k} ${rk}`, { label: `real server ${rk} of service ${k}`, value: canon(r) });
  }
  for (const [k, h] of c.hosts) out.set(`host ${k}`, { label: `host ${k}`, value: canon(h) });
  if (c.engine) out.set("engine", { label: "the engine (`engine keepalived`)", value: canon(c.engine) });
  if (c.sync) out.set("sync", { label: "the sync daemon", value: canon(c.sync) });
  return out;
}

export interface MergeCheck {
  /** The configuration the session started from. */
  readonly base: Config;
  /** The session's candidate (its edits on base). */
  readonly ours: Config;
  /** What was committed meanwhile. */
  readonly theirs: Config;
  /** The session's edits replayed on theirs. */
  readonly replayed: Config;
  /** How to name theirs in messages (`revision 7 (alice, ...)`). */
  readonly theirName: string;
}

/** Why the replayed configuration is not what both sides meant; empty when it is. */
export function mergeConflicts(m: MergeCheck): string[] {
  const [b, o, t, r] = [m.base, m.ours, m.theirs, m.replayed].map(configParts) as [Map<string, Part>, Map<string, Part>, Map<string, Part>, Map<string, Part>];
  const keys = new Set([...b.keys(), ...o.keys(), ...t.keys(), ...r.keys()]);
  const val = (p: Map<string, Part>, k: string) => p.get(k)?.value;
  const label = (k: string) => (o.get(k) ?? t.get(k) ?? b.get(k) ?? r.get(k))!.label;
  const out: string[] = [];
  for (const k of [...keys].sort()) {
    const ours = val(o, k) !== val(b, k);
    const theirs = val(t, k) !== val(b, k);
    if (ours && theirs && val(o, k) !== val(t, k)) {
      out.push(`${label(k)}: ${m.theirName} changed it, and so do your edits`);
    } else if (ours && val(r, k) !== val(o, k)) {
      out.push(`${label(k)}: your edits no longer give what you staged, on ${m.theirName}`);
    } else if (!ours && val(r, k) !== val(t, k)) {
      out.push(`${label(k)}: your edits would ${val(r, k) === undefined ? "remove" : "change"} it${theirs ? `, undoing what ${m.theirName} did` : ""}`);
    }
  }
  return out;
}
