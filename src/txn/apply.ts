/**
 * Runs steps in order, in batches where a batch keeps the undo guarantee:
 * consecutive `ipvsadm` steps on one host go to one `ipvsadm -R`. ipvsadm -R
 * exits 0 even when lines fail and stops at a `#` line, so a batch that
 * prints anything on stderr (or exits non-zero) is checked against the
 * re-read state: the steps whose change holds count as done, the first one
 * that does not is the failed step. A host's consecutive steps go to it in
 * one round trip (one ssh or netns process), which stops at the first
 * failure; the journal records them all as started before it.
 */
import { destKeyOf, elementKey, serviceKeyOf, type HostState, type State } from "../model/index.js";
import { sameDest, sameService, type Change, type Step } from "../plan/index.js";
import type { ExecResult, Executor } from "../exec/index.js";

export interface ApplyEnv {
  executor(host: string): Executor;
  /** Re-reads the managed state of these hosts. */
  read(hosts: readonly string[]): Promise<State>;
  /** Called before each batch with the ids it may run (the journal). */
  starting?(ids: readonly number[]): void;
}

export interface Failure {
  readonly step: Step;
  readonly result: ExecResult;
}

export interface ApplyOutcome {
  readonly done: Step[];
  readonly failed?: Failure;
}

/** Whether a change's outcome holds in a host's state (its `after`, or its `before` gone). */
export function changeHolds(c: Change, h: HostState): boolean {
  const el = c.after ?? c.before!;
  const present = (): boolean => {
    switch (el.kind) {
      case "service": {
        const s = h.ipvs.find((x) => serviceKeyOf(x) === serviceKeyOf(el.value));
        return !!s && (!c.after || sameService(s, el.value));
      }
      case "dest": {
        const s = h.ipvs.find((x) => serviceKeyOf(x) === serviceKeyOf(el.service));
        const d = s?.dests.find((x) => destKeyOf(x) === destKeyOf(el.value));
        return !!d && (!c.after || sameDest(d, el.value));
      }
      case "addr":
        return h.addrs.some((a) => elementKey.addr("", a) === elementKey.addr("", el.value));
      case "arp":
        return h.arp.some((r) => elementKey.arp("", r) === elementKey.arp("", el.value));
      case "sysctl":
        return h.sysctls[el.key] === el.value;
      case "link":
        return h.links?.[el.name] === el.up;
    }
  };
  return c.after ? present() : !present();
}

/**
 * Units: a run of `ipvsadm` steps on one host is one unit (one `ipvsadm
 * -R`); anything else is a unit alone.
 */
export function batches(steps: readonly Step[]): Step[][] {
  const out: Step[][] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    const batchable = s.argv[0] === "ipvsadm";
    if (last && batchable && last[0]!.argv[0] === "ipvsadm" && last[0]!.host === s.host) last.push(s);
    else out.push([s]);
  }
  return out;
}

/**
 * Round trips: consecutive units on one host go to it together (runMany,
 * which stops at the first failure). An `ipvsadm -R` ends its round trip:
 * it exits 0 when lines fail, so what comes after it waits for the check.
 */
export function roundTrips(steps: readonly Step[]): Step[][][] {
  const out: Step[][][] = [];
  let open = false;
  for (const u of batches(steps)) {
    const last = out[out.length - 1];
    if (last && open && last[0]![0]!.host === u[0]!.host) last.push(u);
    else out.push([u]);
    open = u.length === 1;
  }
  return out;
}

function restoreInput(steps: readonly Step[]): string {
  return steps.map((s) => s.argv.slice(1).join(" ")).join("\n") + "\n";
}

/** The outcome of one unit from its result. */
async function unitOutcome(unit: Step[], r: ExecResult, env: ApplyEnv, changes: ReadonlyMap<string, Change>): Promise<ApplyOutcome> {
  if (unit.length === 1) return r.exitCode === 0 ? { done: [unit[0]!] } : { done: [], failed: { step: unit[0]!, result: r } };
  if (r.exitCode === 0 && r.stderr.trim() === "") return { done: unit };
  // some lines may have failed: the re-read state says which steps took effect
  const host = (await env.read([unit[0]!.host])).hosts[unit[0]!.host];
  const done: Step[] = [];
  let failed: Failure | undefined;
  for (const s of unit) {
    const c = changes.get(s.change);
    if (host && c && changeHolds(c, host)) done.push(s);
    else failed ??= { step: s, result: { ...r, exitCode: r.exitCode || 1 } };
  }
  return failed ? { done, failed } : { done };
}

export async function applySteps(steps: readonly Step[], changes: ReadonlyMap<string, Change>, env: ApplyEnv): Promise<ApplyOutcome> {
  const done: Step[] = [];
  for (const units of roundTrips(steps)) {
    const all = units.flat();
    try {
      env.starting?.(all.map((s) => s.id));
    } catch (e) {
      // what is about to run could not be recorded first: it does not run
      return { done, failed: { step: all[0]!, result: { exitCode: 1, stdout: "", stderr: `lvsh: cannot record progress in the journal: ${(e as Error).message}\n`, ms: 0 } } };
    }
    const cmds = units.map((u) => (u.length === 1 ? { argv: u[0]!.argv } : { argv: ["ipvsadm", "-R"], stdin: restoreInput(u) }));
    const results = await env.executor(all[0]!.host).runMany(cmds, { stopAtFailure: true });
    for (const [i, u] of units.entries()) {
      const out = await unitOutcome(u, results[i]!, env, changes);
      done.push(...out.done);
      if (out.failed) return { done, failed: out.failed };
    }
  }
  return { done };
}

/** The steps that undo `done`, in reverse order (a step with no undo is skipped and reported). */
export function undoSteps(done: readonly Step[]): { steps: Step[]; impossible: Step[] } {
  const steps: Step[] = [];
  const impossible: Step[] = [];
  for (const s of [...done].reverse()) {
    if (!s.undo) impossible.push(s);
    else steps.push({ ...s, argv: s.undo, undo: s.argv, reason: `undo: ${s.reason}` });
  }
  return { steps, impossible };
}
