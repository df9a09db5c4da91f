/**
 * One committing lvsh per state directory. The lock file names its holder
 * (pid, host, user, since, what) and is made whole or not at all (written
 * aside, then hard-linked into place: never a half-written lock). A lock
 * left by a dead process on this host is taken over; a live holder is
 * waited for, up to a limit, saying so; a lock file lvsh did not write is
 * an error that names it.
 */
import { linkSync, unlinkSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import v8 from "node:v8";
import { randomBytes } from "node:crypto";
import { readStateFile, StateFileError, writeFileAtomic } from "../util/index.js";
import { alive } from "../util/process.js";

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly user: string;
  readonly since: string;
  readonly what: string;
}

export type LockResult = { readonly ok: true; release(): void } | { readonly ok: false; readonly holder: LockHolder };

export interface LockOptions {
  /** How long to wait for a live holder (ms; default 0: do not wait). */
  readonly waitMs?: number;
  /** Told once, when lvsh starts waiting. */
  readonly onWait?: (holder: LockHolder) => void;
  readonly now?: () => Date;
}


/**
 * Who runs lvsh, for locks and revisions: looked up once per process (the
 * password database can be slow to read), never while the startup snapshot
 * is made (its heap would keep the builder's name).
 */
export function currentUser(): string {
  if (user !== undefined) return user;
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = String(process.getuid?.() ?? "?");
  }
  if (!v8.startupSnapshot?.isBuildingSnapshot()) user = name;
  return name;
}
let user: string | undefined;

function holderOf(path: string): LockHolder | undefined {
  const text = readStateFile(path);
  if (text === undefined) return undefined;
  let h: Partial<LockHolder>;
  try {
    h = JSON.parse(text) as Partial<LockHolder>;
  } catch {
    h = {};
  }
  if (typeof h.pid !== "number" || typeof h.host !== "string" || typeof h.since !== "string") {
    throw new StateFileError(path, "is not a lock lvsh wrote", "if no lvsh is running on this state directory, remove the file");
  }
  return { pid: h.pid, host: h.host, user: typeof h.user === "string" ? h.user : "?", since: h.since, what: typeof h.what === "string" ? h.what : "?" };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function acquireLock(path: string, what: string, opts: LockOptions = {}): Promise<LockResult> {
  const now = opts.now ?? (() => new Date());
  const me: LockHolder = { pid: process.pid, host: hostname(), user: currentUser(), since: now().toISOString(), what };
  const mine = `${JSON.stringify(me)}\n`;
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let told = false;
  for (;;) {
    // the holder's record, whole, beside the lock; then linked into place (fails if a lock is there)
    const aside = `${path}.${randomBytes(6).toString("hex")}`;
    writeFileAtomic(aside, mine);
    let linked = false;
    try {
      linkSync(aside, path);
      linked = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new StateFileError(path, `cannot be made: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, "is the state directory writable?");
    } finally {
      unlinkSync(aside);
    }
    if (linked) {
      return {
        ok: true,
        release: () => {
          try {
            // only our own lock: never one that someone took over after us
            if (readStateFile(path) === mine) unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    }
    const holder = holderOf(path);
    if (!holder) continue; // released meanwhile
    if (holder.host === me.host && !alive(holder.pid)) {
      try {
        unlinkSync(path); // its process is gone
      } catch {
        /* someone else took it over first */
      }
      continue;
    }
    if (Date.now() >= deadline) return { ok: false, holder };
    if (!told) opts.onWait?.(holder);
    told = true;
    await sleep(Math.min(200, Math.max(10, deadline - Date.now())));
  }
}

export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host} (${h.user}), ${h.what} since ${h.since}`;
}
