/**
 * Committed revisions, numbered from 1: the configuration as lvsh text,
 * how each host is reached, the running state read right after the commit,
 * when, by whom, and why. `rollback N` re-plans to revision N's
 * configuration through the diff; it never replays old commands.
 *
 * A revision is read strictly: its file must be whole JSON of the right
 * shape, its number the one its name says, and its checksum (sha256 of the
 * rest) must match, so that a damaged or edited file is an error that names
 * it, never a configuration guessed from what was left. Files in the
 * directory that are not revisions are listed (and not used).
 */
import { createHash } from "node:crypto";
import { unlinkSync } from "node:fs";
import type { State, TransportSpec } from "../model/index.js";
import type { Restores } from "./restore.js";
import { readJson, StateFileError, writeFileAtomic } from "../util/index.js";
import { entries, revisionFile, revisionNumbers } from "./revision-names.js";

export { revisionFile, revisionNumbers };

export interface Revision {
  readonly number: number;
  readonly time: string;
  readonly user: string;
  readonly host: string;
  readonly comment?: string;
  /** The configuration, as canonical lvsh text. */
  readonly config: string;
  /** How each host of the configuration is reached. */
  readonly hosts: Readonly<Record<string, TransportSpec>>;
  /** The addresses lvsh managed in this revision. */
  readonly vips: readonly string[];
  /** The running state read after the commit. */
  readonly snapshot: State;
  /** Set when the commit was confirmed-pending and reverted by the timer. */
  readonly note?: string;
  /** The value each sysctl and link state lvsh changed had before (set back when no longer asked for). */
  readonly restore?: Restores;
  /** The journal of the commit that made it: `lvsh recover` finishes that commit instead of undoing it. */
  readonly journal?: string;
  /** The checksum of the revision before it: the revisions of one state directory form a chain (a revision planted from another one does not follow). */
  readonly parent?: string;
  /** sha256 of the revision without this field (JSON): damage is detected, not guessed around. */
  readonly checksum?: string;
}

/** lvsh's own temporary files (writeFileAtomic's `.NAME.RANDOM.tmp`), left by a write cut short. */
const TEMP = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Files in the revisions directory that are not revisions (someone else's): reported, never used. */
export function strayFiles(dir: string): string[] {
  const ok = new Set(revisionNumbers(dir).map((n) => `${String(n).padStart(6, "0")}.json`));
  return entries(dir)
    .filter((f) => !ok.has(f) && !TEMP.test(f))
    .sort();
}

/** lvsh's temporary files in a directory: a write that a crash cut short left them (`lvsh recover` removes them). */
export function leftoverTemps(dir: string): string[] {
  return entries(dir)
    .filter((f) => TEMP.test(f))
    .sort();
}

export function checksumOf(rev: Omit<Revision, "checksum">): string {
  const { checksum: _, ...rest } = rev as Revision;
  return sha256(JSON.stringify(rest));
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * A revision's file: one field a line, each value on its line (a snapshot of
 * 10,000 real servers is one line, not 100,000), with its checksum -- from one
 * serialization of each field: JSON.stringify of the fields joined with `,` is
 * what checksumOf hashes.
 */
function revisionText(r: Omit<Revision, "checksum">): { text: string; checksum: string } {
  const fields = Object.entries(r)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  const checksum = sha256(`{${fields.join(",")}}`);
  fields.push(`"checksum":${JSON.stringify(checksum)}`);
  return { text: `{\n${fields.join(",\n")}\n}\n`, checksum };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The revision in a file's JSON, checked field by field; a StateFileError names what is wrong. */
export function checkRevision(raw: unknown, path: string, n: number): Revision {
  const bad = (what: string) => new StateFileError(path, `is not a revision lvsh wrote: ${what}`, "restore it from a backup, or move it away (the revisions after it stay usable)");
  if (!isRecord(raw)) throw bad("not a JSON object");
  if (raw.number !== n) throw bad(`its number is ${JSON.stringify(raw.number)}, its name says ${n}`);
  for (const k of ["time", "user", "host", "config"] as const) if (typeof raw[k] !== "string") throw bad(`\`${k}\` is missing or not text`);
  if (raw.comment !== undefined && typeof raw.comment !== "string") throw bad("`comment` is not text");
  if (!isRecord(raw.hosts)) throw bad("`hosts` is missing");
  if (!Array.isArray(raw.vips) || !raw.vips.every((v) => typeof v === "string")) throw bad("`vips` is missing");
  if (!isRecord(raw.snapshot) || !isRecord(raw.snapshot.hosts)) throw bad("`snapshot` is missing");
  const rev = raw as unknown as Revision;
  if (rev.checksum !== undefined && rev.checksum !== checksumOf(rev)) {
    throw new StateFileError(path, "does not match its checksum: it was changed after lvsh wrote it", "restore it from a backup; lvsh will not plan from a revision it cannot trust");
  }
  return rev;
}

export function readRevision(dir: string, n: number): Revision | undefined {
  const path = revisionFile(dir, n);
  const raw = readJson<unknown>(path);
  return raw === undefined ? undefined : checkRevision(raw, path, n);
}

export function latestRevision(dir: string): Revision | undefined {
  const ns = revisionNumbers(dir);
  return ns.length ? readRevision(dir, ns[ns.length - 1]!) : undefined;
}

/** Whether revision `r` follows `before` (the one numbered just before it) in this state directory. */
export function checkChain(r: Revision, before: Revision | undefined, path: string): void {
  if (r.parent === undefined || !before?.checksum) return;
  if (r.parent !== before.checksum) {
    throw new StateFileError(path, `does not follow revision ${before.number}: it was planted, or copied from another state directory`, "move it away; lvsh will not plan from a revision that is not its own");
  }
}

/**
 * Removes the oldest revisions past the last KEEP (the `revisions` setting),
 * after a commit has written its own; returns the numbers removed. Oldest
 * first, each on its own: one that cannot be removed stays (and the next
 * commit tries again), never failing the commit that is already recorded.
 * The chain of checksums still holds for what is kept: the oldest kept has
 * no predecessor to follow (checkChain).
 */
export function pruneRevisions(dir: string, keep: number): number[] {
  const ns = revisionNumbers(dir);
  const removed: number[] = [];
  for (const n of ns.slice(0, Math.max(0, ns.length - keep))) {
    try {
      unlinkSync(revisionFile(dir, n));
      removed.push(n);
    } catch {
      // left for the next commit
    }
  }
  return removed;
}

/**
 * Writes the next revision (durably: see writeFileAtomic), with its checksum
 * and its predecessor's. `latest`: the last revision as the caller read it
 * (under the commit's lock), not read again when it is still the last one.
 */
export function writeRevision(dir: string, rev: Omit<Revision, "number" | "checksum" | "parent">, latest?: Revision): Revision {
  const ns = revisionNumbers(dir);
  const n = ns[ns.length - 1];
  const last = n === undefined ? undefined : latest?.number === n ? latest : readRevision(dir, n);
  const r: Omit<Revision, "checksum"> = { number: (n ?? 0) + 1, ...rev, ...(last?.checksum ? { parent: last.checksum } : {}) };
  const { text, checksum } = revisionText(r);
  // never over an existing file (a revision is never rewritten)
  writeFileAtomic(revisionFile(dir, r.number), text, { label: "revision", exclusive: true });
  return { ...r, checksum };
}
