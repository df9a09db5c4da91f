/**
 * Runs steps in order, in batches where a batch keeps the undo guarantee:
 * consecutive `ipvsadm` steps on one host go to one `ipvsadm -R`. ipvsadm -R
 * exits 0 even when lines fail and stops at a `#` line, so a batch that
 * prints anything on stderr (or exits non-zero) is checked against the
 * re-read state: the steps whose change holds count as done, the first one
 * that does not is the failed step.
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
  /** Test hook: fail a step, kill lvsh before it, or pause before it. */
  inject?(step: Step): ExecResult | "kill" | { pauseMs: number } | undefined;
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

/** Groups steps: a run of `ipvsadm` steps on one host is one batch; anything else runs alone. */
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

function restoreInput(steps: readonly Step[]): string {
  return steps.map((s) => s.argv.slice(1).join(" ")).join("\n") + "\n";
}

async function runBatch(batch: Step[], env: ApplyEnv, changes: ReadonlyMap<string, Change>): Promise<ApplyOutcome> {
  const exec = env.executor(batch[0]!.host);
  if (batch.length === 1) {
    const step = batch[0]!;
    const r = await exec.run(step.argv);
    return r.exitCode === 0 ? { done: [step] } : { done: [], failed: { step, result: r } };
  }
  const r = await exec.run(["ipvsadm", "-R"], { stdin: restoreInput(batch) });
  if (r.exitCode === 0 && r.stderr.trim() === "") return { done: batch };
  // some lines may have failed: the re-read state says which steps took effect
  const host = (await env.read([batch[0]!.host])).hosts[batch[0]!.host];
  const done: Step[] = [];
  let failed: Failure | undefined;
  for (const s of batch) {
    const c = changes.get(s.change);
    if (host && c && changeHolds(c, host)) done.push(s);
    else failed ??= { step: s, result: { ...r, exitCode: r.exitCode || 1 } };
  }
  return failed ? { done, failed } : { done };
}

/** Splits batches so that an injected fault lands on its own step. */
function injectable(bs: Step[][], env: ApplyEnv): Step[][] {
  if (!env.inject) return bs;
  return bs.flatMap((b) => {
    const i = b.findIndex((s) => env.inject!(s) !== undefined);
    if (i < 0) return [b];
    return [b.slice(0, i), [b[i]!], b.slice(i + 1)].filter((x) => x.length);
  });
}

export async function applySteps(steps: readonly Step[], changes: ReadonlyMap<string, Change>, env: ApplyEnv): Promise<ApplyOutcome> {
  const done: Step[] = [];
  for (const batch of injectable(batches(steps), env)) {
    env.starting?.(batch.map((s) => s.id));
    const injected = batch.length === 1 ? env.inject?.(batch[0]!) : undefined;
    if (injected === "kill") process.kill(process.pid, "SIGKILL");
    if (injected && injected !== "kill" && "pauseMs" in injected) await new Promise((r) => setTimeout(r, injected.pauseMs));
    else if (injected && injected !== "kill") return { done, failed: { step: batch[0]!, result: injected } };
    const out = await runBatch(batch, env, changes);
    done.push(...out.done);
    if (out.failed) return { done, failed: out.failed };
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
