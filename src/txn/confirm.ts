/**
 * `commit confirmed DURATION`: the commit stays only if `confirm` (or a
 * plain `commit`) comes in time. The timer is a detached lvsh process, not
 * a thread of the session, so that it fires also when the session, its
 * terminal or its ssh connection dies. It polls the pending file, so that
 * `confirm` (the file removed) stops it and a repeated `commit confirmed`
 * (a later deadline) extends it. The revert is a normal transaction back
 * to the configuration before the first unconfirmed commit.
 */
import { spawn } from "node:child_process";
import { unlinkSync } from "node:fs";
import { readJson, writeJsonAtomic } from "../exec/index.js";
import type { TransportSpec } from "../model/index.js";
import { commit, type CommitReport } from "./commit.js";
import { configOf, type Engine } from "./engine.js";

export interface PendingConfirm {
  readonly revision: number;
  /** ISO time after which the timer reverts. */
  readonly deadline: string;
  /** The configuration to go back to (before the first unconfirmed commit). */
  readonly previousConfig: string;
  readonly previousHosts: Readonly<Record<string, TransportSpec>>;
  readonly timerPid?: number;
}

export function readPending(engine: Engine): PendingConfirm | undefined {
  return readJson<PendingConfirm>(engine.paths.confirm);
}

export function writePending(engine: Engine, p: PendingConfirm): void {
  writeJsonAtomic(engine.paths.confirm, p);
}

export function clearPending(engine: Engine): PendingConfirm | undefined {
  const p = readPending(engine);
  try {
    unlinkSync(engine.paths.confirm);
  } catch {
    /* not pending */
  }
  return p;
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the timer process unless one is already watching this state directory. */
export function startTimer(engine: Engine, p: PendingConfirm, lvsh: readonly string[]): PendingConfirm {
  if (alive(p.timerPid)) {
    writePending(engine, p);
    return p;
  }
  const child = spawn(lvsh[0]!, [...lvsh.slice(1), "__confirm-timer", engine.target === "sim" ? "--sim" : "--real"], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, LVSH_STATE_DIR: engine.opts.stateDir },
  });
  child.unref();
  const withPid = { ...p, timerPid: child.pid };
  writePending(engine, withPid);
  return withPid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The body of `lvsh __confirm-timer`: wait, and revert unless confirmed. */
export async function runTimer(engine: Engine, now: () => number = Date.now): Promise<"confirmed" | CommitReport> {
  process.on("SIGHUP", () => {});
  for (;;) {
    const p = readPending(engine);
    if (!p) return "confirmed";
    const wait = Date.parse(p.deadline) - now();
    if (wait > 0) {
      await sleep(Math.min(wait, 500));
      continue;
    }
    const report = await commit(
      engine,
      { candidate: configOf(p.previousConfig, "<before commit confirmed>") },
      { yes: true, force: true, what: `automatic rollback: commit ${p.revision} was not confirmed`, comment: `automatic rollback: revision ${p.revision} was not confirmed in time` },
    );
    if (report.kind === "refused" && /another lvsh is committing/.test(report.reason)) {
      await sleep(500);
      continue;
    }
    clearPending(engine);
    return report;
  }
}
