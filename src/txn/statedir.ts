/**
 * Where lvsh keeps its state: revisions, the journal, the lock, the
 * simulated hosts. $LVSH_STATE_DIR, else /var/lib/lvsh as root, else
 * $XDG_STATE_HOME/lvsh (~/.local/state/lvsh). The simulated target keeps
 * its own revisions under sim/, apart from the real ones.
 */
import { mkdirSync } from "node:fs";
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
  };
}

export function ensureDirs(p: StatePaths): void {
  for (const d of [p.root, p.target, p.revisions]) mkdirSync(d, { recursive: true, mode: 0o700 });
}
