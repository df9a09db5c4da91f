/**
 * What Tab knows of the last revision, without the parser: the revisions
 * directory it completes from (the target's, or the one written to last)
 * and the copy of that revision's configuration kept in the state
 * directory's cache (cache/complete-*.json), made from that
 * very file (its number, size and time). Parsing a revision is the engine's
 * (complete-statements.ts), which writes the copy; Tab's light completer
 * (complete-light.ts) reads it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../model/types.js";
import { revisionFile, revisionNumbers } from "../txn/revision-names.js";
import { stateDirFrom } from "../txn/statedir.js";

/**
 * The copy is JSON, a Map written as `{"<MAP>": [[key, value], ...]}`: not
 * v8.serialize, as node:v8 costs a Tab ~4 ms to load (its heap utilities
 * load streams).
 */
const MAP = "\u0000map";
const toJson = (_k: string, v: unknown) => (v instanceof Map ? { [MAP]: [...v] } : v);
/** The value with every tagged Map made a Map again (a walk after JSON.parse: with 10,000 real servers 17-34 ms, where a reviver, called on every value, took 50-88 ms and v8.deserialize 12-25 ms). */
function revive(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  const entries = o[MAP];
  if (entries !== undefined) return new Map((entries as [unknown, unknown][]).map(([k, x]) => [revive(k), revive(x)]));
  for (const k in o) o[k] = revive(o[k]);
  return o;
}

export type TabTarget = "sim" | "local";

/** The revisions directory completion reads, and its revision numbers: the target's, or the one written to last (its newest file's time: nothing is parsed). */
export function revisionsDir(target?: TabTarget): { d: string; n: number[] } | undefined {
  const root = stateDirFrom(process.env, process.getuid?.());
  const dirs = target === "sim" ? [join(root, "sim", "revisions")] : target === "local" ? [join(root, "revisions")] : [join(root, "revisions"), join(root, "sim", "revisions")];
  const latest = dirs
    .map((d) => ({ d, n: existsSync(d) ? revisionNumbers(d) : [] }))
    .filter((x) => x.n.length)
    .map(({ d, n }) => ({ d, n, t: mtimeMs(revisionFile(d, n[n.length - 1]!)) }))
    .sort((a, b) => b.t - a.t);
  return latest[0];
}

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Where the copy of the last revision of DIR is kept, and what it must have been made from. */
export interface CacheSlot {
  readonly file: string;
  readonly key: string;
}

/** FNV-1a of a string, 32 bits in hex: the cache file's name per directory (node:crypto costs a Tab ~3 ms to load; the key inside says which directory it is). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

export function cacheSlot(dir: string, n: number): CacheSlot {
  const st = statSync(revisionFile(dir, n));
  const cacheDir = join(stateDirFrom(process.env, process.getuid?.()), "cache");
  return { file: join(cacheDir, `complete-${fnv1a(dir)}.json`), key: `${dir}\n${n}\n${st.size}\n${st.mtimeMs}` };
}

/** The kept copy, when it was made from that very file; else undefined (none yet, stale, or not one lvsh can read). */
export function cachedConfig(slot: CacheSlot): Config | undefined {
  try {
    const kept = revive(JSON.parse(readFileSync(slot.file, "utf8"))) as { key?: unknown; config?: Config } | null;
    if (kept?.key === slot.key && kept.config) return kept.config;
  } catch {
    // made again by the engine
  }
  return undefined;
}

/** Keeps a copy for the next Tab, if the state directory can take it (it is only ever read by completion). */
export function keepConfig(slot: CacheSlot, config: Config): void {
  try {
    mkdirSync(join(slot.file, ".."), { recursive: true, mode: 0o700 });
    const tmp = `${slot.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key: slot.key, config }, toJson), { mode: 0o600 });
    renameSync(tmp, slot.file);
  } catch {
    // a state directory this user may not write: no cache, the next Tab parses again
  }
}
