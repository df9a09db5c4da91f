/**
 * One committing session per state directory. The lock file names its
 * holder (pid, host, user, since); a lock left by a dead process on this
 * host is taken over.
 */
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from "node:fs";
import { hostname, userInfo } from "node:os";

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly user: string;
  readonly since: string;
  readonly what: string;
}

export type LockResult = { readonly ok: true; release(): void } | { readonly ok: false; readonly holder: LockHolder };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function user(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? "?");
  }
}

export function acquireLock(path: string, what: string, now = new Date()): LockResult {
  const me: LockHolder = { pid: process.pid, host: hostname(), user: user(), since: now.toISOString(), what };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, JSON.stringify(me) + "\n");
      closeSync(fd);
      return {
        ok: true,
        release: () => {
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let holder: LockHolder;
      try {
        holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
      } catch {
        continue; // being written or removed: try again
      }
      if (holder.host === me.host && !alive(holder.pid)) {
        unlinkSync(path); // its process is gone
        continue;
      }
      return { ok: false, holder };
    }
  }
  return { ok: false, holder: { pid: -1, host: "?", user: "?", since: "?", what: "unknown" } };
}

export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host} (${h.user}), ${h.what} since ${h.since}`;
}
