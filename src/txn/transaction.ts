/**
 * One transaction: journal, apply, verify; on any failure undo what ran,
 * in reverse, and prove the hosts are back to the state before (re-read and
 * compared). IPVS and legacy arptables have no kernel transactions, so this
 * is where lvsh makes its own.
 */
import type { Desired, State } from "../model/index.js";
import { diff, makePlan, type Change, type Plan, type Step } from "../plan/index.js";
import { applySteps, undoSteps, type ApplyEnv, type Failure } from "./apply.js";
import { journalSteps, type JournalFile } from "./journal.js";
import { point } from "../util/index.js";
import { hostname } from "node:os";

export interface TxnEnv extends Omit<ApplyEnv, "starting"> {
  readonly journal: JournalFile;
}

export interface Rollback {
  /** True when the re-read state equals the state before the transaction. */
  readonly ok: boolean;
  readonly undone: number;
  readonly undoFailures: readonly Failure[];
  /** Steps that had no undo (their effect stays). */
  readonly impossible: readonly Step[];
  /** What still differs from the state before, if anything. */
  readonly mismatches: readonly string[];
}

export interface TxnResult {
  readonly ok: boolean;
  readonly applied: number;
  readonly failed?: Failure;
  /** After all steps ran: what the re-read state does not match. */
  readonly verifyMismatches?: readonly string[];
  /** Every host held the outcome, but it could not be recorded (the revision's write failed): undone. */
  readonly recordFailed?: string;
  /** The journal could not be written: nothing ran. */
  readonly journalFailed?: string;
  readonly rollback?: Rollback;
  readonly after?: State;
}

function describeChanges(cs: readonly Change[]): string[] {
  return cs.map((c) => `${c.host}: ${c.reason}`);
}

function invert(c: Change): Change {
  return { ...c, before: c.after, after: c.before };
}

function planHosts(plan: Plan): string[] {
  return Object.keys(plan.hosts);
}

/** The part of a state on these hosts (the ones re-read). */
export function only(state: State, hosts: readonly string[]): State {
  return { hosts: Object.fromEntries(Object.entries(state.hosts).filter(([h]) => hosts.includes(h))) };
}

/** Runs undo steps best-effort: a failing undo is recorded and the others still run. */
async function runUndos(steps: readonly Step[], changes: ReadonlyMap<string, Change>, env: TxnEnv): Promise<{ undone: number; failures: Failure[] }> {
  let undone = 0;
  const failures: Failure[] = [];
  let rest = [...steps];
  while (rest.length) {
    const out = await applySteps(rest, changes, { executor: env.executor, read: env.read, ...(env.parallel ? { parallel: env.parallel } : {}) });
    undone += out.done.length;
    if (!out.failed) break;
    failures.push(out.failed);
    // on with the rest: every step but those done (an ipvsadm -R's lines that held, other hosts'
    // steps that ran beside it) and the one that failed
    const done = new Set(out.done);
    const failed = out.failed.step;
    rest = rest.filter((s) => !done.has(s) && s !== failed);
  }
  return { undone, failures };
}

/** Makes the hosts equal `before` again: the undos of `done`, then a repair by diff if anything still differs. */
export async function rollBack(
  done: readonly Step[],
  before: State,
  hosts: readonly string[],
  vips: ReadonlySet<string>,
  changes: ReadonlyMap<string, Change>,
  env: TxnEnv,
): Promise<Rollback> {
  const { steps, impossible } = undoSteps(done);
  const inverted = new Map([...changes].map(([k, c]) => [k, invert(c)]));
  const { undone, failures } = await runUndos(steps, inverted, env);
  const scope = { director: "director", vips };
  const target = only(before, hosts);
  let now = await env.read(hosts, target);
  let left = diff(now, target, scope);
  if (left.length) {
    // the undo did not get everything back: plan the way back from what is there now
    const repair = makePlan(now, { state: target, origins: new Map(), hosts: new Map() }, { vips });
    await runUndos(repair.steps, new Map(repair.changes.map((c) => [c.key, c])), env);
    now = await env.read(hosts, target);
    left = diff(now, target, scope);
  }
  return { ok: left.length === 0, undone, undoFailures: failures, impossible, mismatches: describeChanges(left) };
}

export interface TxnOptions {
  /** Names the journal (the revision that records the commit says it). */
  readonly id: string;
  /**
   * Records the outcome once every host holds it (the revision), before the
   * journal goes: a throw undoes the transaction (a change nobody recorded
   * must not stay).
   */
  readonly record?: (after: State) => void;
}

export async function runTransaction(plan: Plan, before: State, desired: Desired, what: string, env: TxnEnv, opts: TxnOptions = { id: "" }): Promise<TxnResult> {
  const hosts = planHosts(plan);
  const vips = new Set(plan.vips);
  const changes = new Map(plan.changes.map((c) => [c.key, c]));
  const base = {
    version: 1 as const,
    id: opts.id,
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    what,
    hosts: plan.hosts,
    vips: plan.vips,
    steps: journalSteps(plan.steps),
    before,
  };
  try {
    env.journal.write({ ...base, startedIds: [] });
  } catch (e) {
    try {
      env.journal.remove(); // nothing ran: no journal may say otherwise
    } catch {
      /* it was never written */
    }
    return { ok: false, applied: 0, journalFailed: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
  const out = await applySteps(plan.steps, changes, { ...env, starting: (ids) => env.journal.starting(ids) });
  point("txn:applied");
  if (out.failed) {
    const rollback = await rollBack(out.done, before, hosts, vips, changes, env);
    if (rollback.ok) env.journal.remove();
    return { ok: false, applied: out.done.length, failed: out.failed, rollback };
  }
  const after = await env.read(hosts, desired.state);
  const mismatches = diff(after, only(desired.state, hosts), { director: "director", vips });
  if (mismatches.length) {
    const rollback = await rollBack(out.done, before, hosts, vips, changes, env);
    if (rollback.ok) env.journal.remove();
    return { ok: false, applied: out.done.length, verifyMismatches: describeChanges(mismatches), rollback };
  }
  if (opts.record) {
    try {
      opts.record(after);
    } catch (e) {
      const rollback = await rollBack(out.done, before, hosts, vips, changes, env);
      if (rollback.ok) env.journal.remove();
      return { ok: false, applied: out.done.length, recordFailed: (e as Error).message, rollback };
    }
  }
  env.journal.remove();
  return { ok: true, applied: out.done.length, after };
}
