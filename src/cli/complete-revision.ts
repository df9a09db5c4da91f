/**
 * What Tab knows of the last revision, without the parser: the revisions
 * directory it completes from (the target's, or the one written to last)
 * and the copy of that revision's configuration kept in the state
 * directory's cache (cache/complete-*.json), made from that
 * very file (its number, size and time). Parsing a revision is the engine's
 * (complete-statements.ts), which writes the copy; Tab's light completer
 * (complete-light.ts) reads it.
 */
import { closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../model/types.js";
import { revisionFile, revisionNumbers } from "../txn/revision-names.js";
import { dirProblem, stateDirFrom } from "../txn/statedir.js";
import { VERSION } from "../util/version.js";

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

/**
 * The revisions directory completion reads, and its revision numbers: the
 * target's, or the one written to last (its newest file's time: nothing is
 * parsed). None when a directory of the state is one lvsh refuses
 * (statedir.ts dirProblem: Tab neither reads nor writes there) or cannot be listed: a Tab has no
 * room for the error, it offers no value (the next command says it).
 */
export function revisionsDir(target?: TabTarget): { d: string; n: number[] } | undefined {
  try {
    const root = stateDirFrom(process.env, process.getuid?.());
    if (dirProblem(root, true)) return undefined;
    const dirs = target === "sim" ? [join(root, "sim", "revisions")] : target === "local" ? [join(root, "revisions")] : [join(root, "revisions"), join(root, "sim", "revisions")];
    const latest = dirs
      .map((d) => ({ d, n: existsSync(d) && !dirProblem(d) ? revisionNumbers(d) : [] }))
      .filter((x) => x.n.length)
      .map(({ d, n }) => ({ d, n, t: mtimeMs(revisionFile(d, n[n.length - 1]!)) }))
      .sort((a, b) => b.t - a.t);
    return latest[0];
  } catch {
    return undefined;
  }
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

/** The copy's place and key: the revision file's number, size and time, and lvsh's version (another lvsh's Config may be shaped otherwise). */
export function cacheSlot(dir: string, n: number): CacheSlot {
  const st = statSync(revisionFile(dir, n));
  const cacheDir = join(stateDirFrom(process.env, process.getuid?.()), "cache");
  return { file: join(cacheDir, `complete-${fnv1a(dir)}.json`), key: `${VERSION}\n${dir}\n${n}\n${st.size}\n${st.mtimeMs}` };
}

const isMap = (m: unknown): m is Map<unknown, unknown> => m instanceof Map;
const isObject = (o: unknown): o is Record<string, unknown> => o !== null && typeof o === "object";

/** Whether a copy read back is shaped as a Config where Tab reads it (a file may have been edited or damaged under the right key). */
function configShaped(c: unknown): c is Config {
  if (!isObject(c) || !isMap(c.vips) || !isMap(c.services) || !isMap(c.hosts) || (c.drains !== undefined && !isMap(c.drains))) return false;
  for (const [k, svc] of c.services) {
    if (typeof k !== "string" || !isObject(svc) || !isMap(svc.reals)) return false;
    for (const [a, r] of svc.reals) if (typeof a !== "string" || !isObject(r) || typeof r.addr !== "string") return false;
  }
  for (const k of c.vips.keys()) if (typeof k !== "string") return false;
  return true;
}

/** A regular file's text: no link followed, and a FIFO or a device is not waited on (it throws). */
function readRegular(file: string): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${file} is not a regular file`);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** The kept copy, when it was made from that very file; else undefined (none yet, stale, or not one lvsh can read). */
export function cachedConfig(slot: CacheSlot): Config | undefined {
  try {
    if (dirProblem(join(slot.file, ".."))) return undefined;
    const kept = revive(JSON.parse(readRegular(slot.file))) as { key?: unknown; config?: unknown } | null;
    if (kept?.key === slot.key && configShaped(kept.config)) return kept.config;
  } catch {
    // made again by the engine
  }
  return undefined;
}

/** Keeps a copy for the next Tab, if the state directory can take it (it is only ever read by completion). */
export function keepConfig(slot: CacheSlot, config: Config): void {
  // a name no one can guess, made only if nothing is there (a planted link is not followed: O_EXCL)
  const tmp = `${slot.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const dir = join(slot.file, "..");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // as the state's other directories must be (a link, another's, writable by others: none)
    if (dirProblem(dir)) return;
    writeFileSync(tmp, JSON.stringify({ key: slot.key, config }, toJson), { mode: 0o600, flag: "wx" });
    renameSync(tmp, slot.file);
  } catch {
    // a state directory this user may not write, something else where the copy goes: no copy
    // (and no temporary file left), the next Tab parses again
    try {
      rmSync(tmp, { force: true });
    } catch {
      // not ours to remove either
    }
  }
}
