/**
 * Where lvsh keeps its state: revisions, the journal, the lock, the
 * simulated hosts. $LVSH_STATE_DIR, else /var/lib/lvsh as root, else
 * $XDG_STATE_HOME/lvsh (~/.local/state/lvsh). The simulated target keeps
 * its own revisions under sim/, apart from the real ones.
 */
import { lstatSync, mkdirSync, statSync } from "node:fs";
import { StateFileError } from "../util/index.js";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Target } from "../exec/index.js";

export function stateDirFrom(env: NodeJS.ProcessEnv, uid: number | undefined, home = homedir()): string {
  if (env.LVSH_STATE_DIR) return env.LVSH_STATE_DIR;
  if (uid === 0) return "/var/lib/lvsh";
  return join(env.XDG_STATE_HOME || join(home, ".local", "state"), "lvsh");
}

export interface StatePaths {
  readonly root: string;
  /** Revisions, journal, lock and confirm timer of this target. */
  readonly target: string;
  readonly revisions: string;
  readonly journal: string;
  readonly lock: string;
  readonly confirm: string;
  /** Simulated hosts (sim target only). */
  readonly simHosts: string;
  readonly history: string;
  /** The administrator's settings (txn/settings.ts). */
  readonly settings: string;
}

export function statePaths(root: string, target: Target): StatePaths {
  const t = target === "sim" ? join(root, "sim") : root;
  return {
    root,
    target: t,
    revisions: join(t, "revisions"),
    journal: join(t, "journal.json"),
    lock: join(t, "lock"),
    confirm: join(t, "confirm.json"),
    simHosts: join(root, "sim", "hosts"),
    history: join(root, "history"),
    settings: join(root, "settings"),
  };
}

/**
 * Makes the state directories (0700) and checks them: directories, owned by
 * this user, writable by nobody else (a directory others can write lets
 * them plant files lvsh would act on). The root may be a symbolic link (an
 * administrator's choice); the directories in it may not.
 */
export function ensureDirs(p: StatePaths): void {
  for (const d of [p.root, p.target, p.revisions]) {
    try {
      mkdirSync(d, { recursive: true, mode: 0o700 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" || code === "ENOTDIR") throw new StateFileError(d, "is not a directory", "lvsh keeps its state there: move the file away, or set LVSH_STATE_DIR");
      throw new StateFileError(d, `cannot be made: ${code ?? (e as Error).message}`, "set LVSH_STATE_DIR to a directory you can write");
    }
    const bad = dirProblem(d, d === p.root);
    if (bad) throw new StateFileError(d, bad.why, bad.hint);
  }
}

/**
 * What is wrong with D as a directory of the state, if anything: not a
 * directory (only the root may be a link to one), another user's, or
 * writable by others. ensureDirs refuses it; Tab reads and writes nothing
 * there (cli/complete-revision.ts).
 */
export function dirProblem(d: string, root = false): { why: string; hint: string } | undefined {
  const uid = process.getuid?.();
  const st = root ? statSync(d) : lstatSync(d);
  if (!st.isDirectory()) return { why: "is not a directory", hint: "lvsh keeps its state there: move it away" };
  if (uid !== undefined && st.uid !== uid) {
    return { why: `belongs to uid ${st.uid}, not to you (uid ${uid})`, hint: "lvsh acts on what is in it: use a state directory of your own (LVSH_STATE_DIR)" };
  }
  if (st.mode & 0o022) return { why: `can be written by others (mode ${(st.mode & 0o777).toString(8)})`, hint: `someone else could plant files lvsh acts on: chmod go-w ${d}` };
  return undefined;
}
