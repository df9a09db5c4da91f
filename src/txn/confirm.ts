/**
 * `commit confirmed DURATION`: the commit stays only if `confirm` (or a
 * plain `commit`) comes in time. The timer is not a thread of the session,
 * so that it fires also when the session, its terminal or its ssh
 * connection dies: a systemd transient timer where systemd runs, else a
 * detached lvsh process. It polls the pending file, so that `confirm` (the
 * file removed) stops it and a repeated `commit confirmed` (a later
 * deadline) extends it. The revert is a normal transaction back to the
 * configuration before the first unconfirmed commit, based on the
 * unconfirmed revision (a later commit, which confirms, is never reverted);
 * the pending file stays until it has worked. Should the timer die, the
 * next lvsh reverts an overdue commit first thing (overdueConfirm).
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, unlinkSync } from "node:fs";
import { readJson, StateFileError, writeJsonAtomic } from "../util/index.js";
import type { TransportSpec } from "../model/index.js";
import { commit, type CommitReport } from "./commit.js";
import { acquireLock, describeHolder } from "./lock.js";
import { configOf, type Site } from "./site.js";
import { alive } from "../util/process.js";

export interface PendingConfirm {
  readonly revision: number;
  /** ISO time after which the timer reverts. */
  readonly deadline: string;
  /** The configuration to go back to (before the first unconfirmed commit). */
  readonly previousConfig: string;
  readonly previousHosts: Readonly<Record<string, TransportSpec>>;
  readonly timerPid?: number;
  /** The systemd transient timer's unit, when systemd runs the timer. */
  readonly timerUnit?: string;
  /** sha256 of the rest (JSON): the revert applies previousConfig without a person, so damage is detected. */
  readonly checksum?: string;
}

function pendingChecksum(p: PendingConfirm): string {
  const { checksum: _, ...rest } = p;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex");
}

export function readPending(site: Site): PendingConfirm | undefined {
  const p = readJson<Partial<PendingConfirm>>(site.paths.confirm);
  if (p === undefined) return undefined;
  const bad = (what: string) =>
    new StateFileError(site.paths.confirm, `is not a pending confirmation lvsh wrote: ${what}`, "a commit confirmed may be waiting: check `show history`, `confirm` or `rollback` by hand, then remove the file");
  if (typeof p.revision !== "number" || typeof p.deadline !== "string" || Number.isNaN(Date.parse(p.deadline)) || typeof p.previousConfig !== "string") throw bad("a part is missing");
  // what it goes back to is applied by the timer without a person: it must be what lvsh wrote
  if (p.checksum !== pendingChecksum(p as PendingConfirm)) throw bad("it does not match its checksum (it was changed after lvsh wrote it)");
  return p as PendingConfirm;
}

export function writePending(site: Site, p: PendingConfirm): void {
  const { checksum: _, ...rest } = p;
  writeJsonAtomic(site.paths.confirm, { ...rest, checksum: pendingChecksum(rest) });
}

export function clearPending(site: Site): PendingConfirm | undefined {
  const p = readPending(site);
  try {
    unlinkSync(site.paths.confirm);
  } catch {
    /* not pending */
  }
  return p;
}


/** Whether systemd runs this machine's services (sd_booted) and lvsh may ask it for a timer (root). */
function systemdTimers(): boolean {
  return process.getuid?.() === 0 && existsSync("/run/systemd/system");
}

/**
 * Starts the timer unless one is already watching this state directory:
 * under systemd, a transient timer (systemd-run --on-active), which no
 * logout or session cleanup kills; otherwise a detached lvsh process. Both
 * run `lvsh __confirm-timer`, which waits for the deadline in the pending
 * file (a repeated `commit confirmed` moves it) and reverts unless it was
 * confirmed. If the timer dies anyway, the next lvsh of any kind reverts an
 * overdue commit before it does anything else (overdueConfirm).
 */
export function startTimer(site: Site, p: PendingConfirm, lvsh: readonly string[], secs = Math.max(1, Math.ceil((Date.parse(p.deadline) - Date.now()) / 1000))): PendingConfirm {
  if (alive(p.timerPid) || (p.timerUnit && systemdTimers())) {
    // the timer watches the pending file: the new deadline is enough
    writePending(site, p);
    return p;
  }
  const args = [...lvsh.slice(1), "__confirm-timer", site.target === "sim" ? "--sim" : "--real"];
  if (systemdTimers()) {
    const unit = `lvsh-confirm-${randomBytes(4).toString("hex")}`;
    const r = spawnSync(
      "systemd-run",
      ["--quiet", `--unit=${unit}`, "--collect", `--on-active=${secs}s`, "--timer-property=AccuracySec=1s", `--setenv=LVSH_STATE_DIR=${site.opts.stateDir}`, "--", lvsh[0]!, ...args],
      { stdio: "ignore", timeout: 10_000 },
    );
    if (r.status === 0) {
      const withUnit = { ...p, timerUnit: unit };
      writePending(site, withUnit);
      return withUnit;
    }
  }
  const child = spawn(lvsh[0]!, args, {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, LVSH_STATE_DIR: site.opts.stateDir },
  });
  child.unref();
  const withPid = { ...p, timerPid: child.pid };
  writePending(site, withPid);
  return withPid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type RevertOutcome =
  | { readonly kind: "reverted"; readonly report: CommitReport; readonly revision: number }
  /** Not possible now (a commit runs, a journal waits for `lvsh recover`, a host is unreachable): the pending stays. */
  | { readonly kind: "later"; readonly why: string }
  /** Someone committed after it (which confirmed it), or it was confirmed meanwhile. */
  | { readonly kind: "stale" };

/** Goes back to the configuration before an unconfirmed commit; the pending file stays until that worked. */
export async function revertPending(site: Site, p: PendingConfirm, lockWaitMs = 5000): Promise<RevertOutcome> {
  const report = await commit(
    site,
    // based on the unconfirmed revision: a commit since then (which confirms it) is never reverted
    { candidate: configOf(p.previousConfig, site.paths.confirm, `before commit ${p.revision}`), base: { revision: p.revision } },
    {
      yes: true,
      force: true,
      lockWaitMs,
      // under the lock: still pending (a `confirm` takes the lock too) and still past its deadline
      precondition: () => {
        const now = readPending(site);
        return now?.revision === p.revision && Date.parse(now.deadline) <= Date.now() ? undefined : "confirmed meanwhile";
      },
      what: `automatic rollback: commit ${p.revision} was not confirmed`,
      comment: `automatic rollback: revision ${p.revision} was not confirmed in time`,
    },
  );
  const now = readPending(site);
  if (report.kind === "conflict" || (report.kind === "refused" && report.reason === "confirmed meanwhile") || !now || now.revision !== p.revision) {
    if (now?.revision === p.revision) clearPending(site);
    return { kind: "stale" };
  }
  if (report.kind === "committed" || report.kind === "nothing") {
    clearPending(site);
    return { kind: "reverted", report, revision: p.revision };
  }
  const why =
    report.kind === "refused" ? report.reason : report.kind === "precheck" ? report.problems.map((d) => `${d.host ? `${d.host}: ` : ""}${d.message}`).join("; ") : report.kind === "failed" ? "the revert failed and was undone" : report.kind;
  return { kind: "later", why };
}

/** The body of `lvsh __confirm-timer`: wait, and revert unless confirmed; retry while the revert cannot run. */
export async function runTimer(site: Site, now: () => number = Date.now): Promise<"confirmed" | RevertOutcome> {
  process.on("SIGHUP", () => {});
  for (;;) {
    const p = readPending(site);
    if (!p) return "confirmed";
    const wait = Date.parse(p.deadline) - now();
    if (wait > 0) {
      await sleep(Math.min(wait, 500));
      continue;
    }
    let r: RevertOutcome;
    try {
      r = await revertPending(site, p);
    } catch (e) {
      // damaged state that stops the revert (a settings file being edited): try again, as for a held lock
      if (!(e instanceof StateFileError)) throw e;
      r = { kind: "later", why: e.message };
    }
    if (r.kind !== "later") return r;
    await sleep(2000);
  }
}

/** How long after its deadline an unconfirmed commit counts as overdue: at once (its revert takes the lock, so a live timer and this lvsh never both revert). */
export const OVERDUE_GRACE_MS = 0;

export type ConfirmOutcome = { readonly kind: "none" } | { readonly kind: "confirmed"; readonly pending: PendingConfirm } | { readonly kind: "late"; readonly pending: PendingConfirm };

/** `confirm`: under the lock (the timer reverts under it too), before the deadline only. */
export async function confirmPending(site: Site, now: () => number = Date.now): Promise<ConfirmOutcome> {
  const lock = await acquireLock(site.paths.lock, "confirm", { waitMs: 30_000 });
  if (!lock.ok) throw new Error(`cannot confirm: another lvsh is committing: ${describeHolder(lock.holder)}`);
  try {
    const p = readPending(site);
    if (!p) return { kind: "none" };
    if (Date.parse(p.deadline) <= now()) return { kind: "late", pending: p };
    clearPending(site);
    return { kind: "confirmed", pending: p };
  } finally {
    lock.release();
  }
}

/**
 * Run first by every lvsh: a commit confirmed whose deadline passed (its
 * timer was killed: the OOM killer, a logout) is reverted now, saying so.
 */
export async function overdueConfirm(site: Site, say: (text: string) => void, now = Date.now()): Promise<RevertOutcome | undefined> {
  const p = readPending(site);
  if (!p || Date.parse(p.deadline) + OVERDUE_GRACE_MS > now) return undefined;
  say(`lvsh: commit ${p.revision} was to be confirmed by ${p.deadline} and was not: reverting it now\n`);
  const r = await revertPending(site, p);
  if (r.kind === "reverted") {
    say(r.report.kind === "committed" ? `lvsh: reverted: revision ${r.report.revision.number} is the configuration from before commit ${p.revision}\n` : "lvsh: reverted: the hosts already held the configuration from before\n");
  } else if (r.kind === "later") {
    say(`lvsh: cannot revert commit ${p.revision} yet: ${r.why}; it stays pending\n`);
  }
  return r;
}
