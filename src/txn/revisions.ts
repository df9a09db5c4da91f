/**
 * Committed revisions, numbered from 1: the configuration as lvsh text,
 * how each host is reached, the running state read right after the commit,
 * when, by whom, and why. `rollback N` re-plans to revision N's
 * configuration through the diff; it never replays old commands.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { State, TransportSpec } from "../model/index.js";
import type { Restores } from "./restore.js";
import { readJson, writeJsonAtomic } from "../exec/index.js";

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
}

const file = (dir: string, n: number) => join(dir, `${String(n).padStart(6, "0")}.json`);

export function revisionNumbers(dir: string): number[] {
  try {
    return readdirSync(dir)
      .map((f) => /^(\d{6})\.json$/.exec(f)?.[1])
      .filter((x): x is string => !!x)
      .map(Number)
      .sort((a, b) => a - b);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

export function readRevision(dir: string, n: number): Revision | undefined {
  return readJson<Revision>(file(dir, n));
}

export function latestRevision(dir: string): Revision | undefined {
  const ns = revisionNumbers(dir);
  return ns.length ? readRevision(dir, ns[ns.length - 1]!) : undefined;
}

export function writeRevision(dir: string, rev: Omit<Revision, "number">): Revision {
  const ns = revisionNumbers(dir);
  const r: Revision = { number: (ns[ns.length - 1] ?? 0) + 1, ...rev };
  writeJsonAtomic(file(dir, r.number), r);
  return r;
}
