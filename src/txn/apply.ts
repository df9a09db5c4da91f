/**
 * Runs a plan's steps. The real servers' phases (the plan's middle block:
 * ARP hiding, VIPs, readiness checks) run host beside host, at most
 * `parallel` at once, each host's steps in their order; the director's
 * phases before and after stay one step after another, so the barriers hold
 * (a real server is ready before the director's `-a` sends it traffic). A
 * failure on one host stops new work from starting; what runs finishes, and
 * every step done on every host is returned, in plan order, for the undo.
 *
 * Within a host, steps run in batches where a batch keeps the undo guarantee:
 * consecutive `ipvsadm` steps on one host go to one `ipvsadm -R`. ipvsadm -R
 * exits 0 even when lines fail and stops at a `#` line, so a batch that
 * prints anything on stderr (or exits non-zero) is checked against the
 * re-read state: the steps whose change holds count as done, the first one
 * that does not is the failed step. A host's consecutive steps go to it in
 * one round trip (one ssh or netns process), which stops at the first
 * failure; the journal records them all as started before it.
 */
import { destKeyOf, elementKey, serviceKeyOf, type HostState, type State } from "../model/index.js";
import { PHASES, realServerReady, sameDest, sameService, type Change, type Step } from "../plan/index.js";
import type { Command, ExecResult, Executor } from "../exec/index.js";
import { factCommands, parseFacts } from "../state/index.js";
import { counted } from "../util/index.js";

export interface ApplyEnv {
  executor(host: string): Executor;
  /**
   * Re-reads the managed state of these hosts; `expect`: the state the
   * caller compares with (a reader may take what matches it exactly as read).
   */
  read(hosts: readonly string[], expect?: State): Promise<State>;
  /** Called before each batch with the ids it may run (the journal). */
  starting?(ids: readonly number[]): void;
  /** A drain's progress, about once a second while it waits (`line`: a new line, else one redrawn). */
  progress?(text: string, line: boolean): void;
  /** How long a drain waits between two reads of the director (ms, default 1000). */
  pollMs?: number;
  /** `commit force`: a real server's failed readiness check is a warning (`warn`), and the commit goes on. */
  force?: boolean;
  /** A warning for the person (a readiness check that failed under `commit force`). */
  warn?(text: string): void;
  /** How many hosts of a real-server phase run at once (default DEFAULT_PARALLEL; 1: one host after another). */
  parallel?: number;
  /** A phase over several hosts: called as it starts and as each host ends. */
  hosts?(p: HostsProgress): void;
}

/** How far a phase over several hosts is. */
export interface HostsProgress {
  /** What the phase does, for people. */
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  /** Hosts whose steps failed (the rest of the phase stops launching). */
  readonly failed: number;
  /** The phase is over (every host done, or stopped by a failure). */
  readonly final?: boolean;
}

/** Hosts side by side in a real-server phase, unless `--parallel` or the state directory's `settings` say otherwise. */
export const DEFAULT_PARALLEL = 16;

/** A run of steps: one after another, or (real servers' phases) each host's steps in order, the hosts side by side. */
export interface Stage {
  readonly parallel: boolean;
  readonly steps: Step[];
}

const BLOCK = new Map(PHASES.map((p) => [p.id, p.block]));

/** The plan's stages: the real-server block (but a drain's wait) runs host beside host; the rest in order. */
export function stages(steps: readonly Step[]): Stage[] {
  const out: Stage[] = [];
  for (const s of steps) {
    const parallel = BLOCK.get(s.phase) === 1 && !s.wait;
    const last = out[out.length - 1];
    if (last && last.parallel === parallel) last.steps.push(s);
    else out.push({ parallel, steps: [s] });
  }
  return out;
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
      case "keepalived":
        return h.keepalived?.text === el.value.text && h.keepalived.running === el.value.running;
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
    const batchable = s.argv[0] === "ipvsadm" && !s.wait && !s.ready;
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
    // a drain's wait, a readiness check: a round trip of its own (lvsh reads; the step's argv is for people)
    const waits = u.length === 1 && (!!u[0]!.wait || !!u[0]!.ready);
    if (last && open && !waits && last[0]![0]!.host === u[0]!.host) last.push(u);
    else out.push([u]);
    open = u.length === 1 && !waits;
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

/** ActiveConn and InActConn of a real server in `ipvsadm -Ln` output (undefined: not listed). */
export function destConns(listing: string, dest: string): { active: number; inactive: number } | undefined {
  for (const line of listing.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[0] === "->" && f[1] === dest && f.length >= 6) return { active: Number(f[4]), inactive: Number(f[5]) };
  }
  return undefined;
}

const mmss = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

/**
 * A drain's wait: reads the director about once a second until the real
 * server has no active connection; at the timeout, fails (the commit
 * undoes, the weight goes back) or, with `force`, goes on and says how
 * many connections the delete cuts.
 */
async function drainWait(step: Step, env: ApplyEnv): Promise<ExecResult> {
  const w = step.wait!;
  const start = Date.now();
  const end = start + w.timeout * 1000;
  const poll = env.pollMs ?? 1000;
  let last = "";
  const exec = env.executor(step.host);
  // a round trip of no command that carries the step's id (no process on any transport): where a
  // test's fault at this step lands (LVSH_TEST_INJECT; a failure there is the wait's)
  const [mark] = await exec.runMany([], { oneStep: true, steps: [[step.id]] });
  if (mark && mark.exitCode !== 0) return { ...mark, stderr: `drain of ${w.dest}: ${mark.stderr}` };
  for (;;) {
    const r = await exec.run(["ipvsadm", "-Ln", ...w.service]);
    if (r.exitCode !== 0) return { ...r, stderr: `drain of ${w.dest}: ${r.stderr || "ipvsadm -Ln failed"}` };
    const c = destConns(r.stdout, w.dest);
    if (!c || c.active === 0) {
      env.progress?.(`drained ${w.dest}: no active connection${c ? ` (${c.inactive} closing)` : ""} after ${mmss(Date.now() - start)}`, true);
      return { exitCode: 0, stdout: "", stderr: "", ms: Date.now() - start };
    }
    const now = Date.now();
    if (now >= end) {
      const left = counted(c.active, "active connection");
      if (w.force) {
        env.progress?.(`drain of ${w.dest} timed out with ${left}: deleting it anyway (force) cuts them`, true);
        return { exitCode: 0, stdout: "", stderr: "", ms: now - start };
      }
      return { exitCode: 1, stdout: "", stderr: `drain of ${w.dest} timed out after ${mmss(w.timeout * 1000)}: it still has ${left} (\`force\` deletes anyway; a longer \`timeout\` waits more)`, ms: now - start };
    }
    const text = `draining ${w.dest}: ${c.active} active, ${c.inactive} inactive, ${mmss(end - now)} left`;
    if (text !== last) env.progress?.(text, false);
    last = text;
    await new Promise((res) => setTimeout(res, Math.min(poll, end - now)));
  }
}

/**
 * A real server's readiness check: its host read in one round trip
 * (addresses and links, sysctls, ARP rules, sockets) and held against
 * doctor's real-server checks. Not ready: the step fails with what is
 * wrong (the commit undoes), or, with `force`, a warning and on.
 */
async function readyCheck(step: Step, env: ApplyEnv): Promise<ExecResult> {
  const start = Date.now();
  const exec = env.executor(step.host);
  const cmds = readyReads(step);
  const results = await exec.runMany(cmds, { oneStep: true, steps: cmds.map(() => [step.id]) });
  return readyOutcome(step, cmds, results, env, start);
}

/** What ran instead of steps the journal could not record first: nothing (they do not run). */
function unrecorded(e: unknown): ExecResult {
  return { exitCode: 1, stdout: "", stderr: `lvsh: cannot record progress in the journal: ${(e as Error).message}\n`, ms: 0 };
}

/**
 * Readiness checks of one host in a row (a real server in several services)
 * from trip `from` on, each a round trip of its own in the plan, with the
 * reads of `first`: one read of the host serves them all.
 */
function readyRun(trips: readonly Step[][][], from: number, first: Step): Step[] {
  const reads = readyReads(first).join("\n");
  const out: Step[] = [];
  for (let k = from; k < trips.length; k++) {
    const u = trips[k]!;
    const s = u.length === 1 && u[0]!.length === 1 ? u[0]![0]! : undefined;
    if (!s?.ready || s.host !== first.host || readyReads(s).join("\n") !== reads) break;
    out.push(s);
  }
  return out;
}

/**
 * The commands of readiness checks read together: the first's reads, then
 * for each other check a no-op (the batch shell's own `true`) that stands for
 * it in the round trip, so that a step's outcome and a fault injected at it
 * stay its own. Read commands: the batch goes on past them.
 */
function readyCommands(readies: readonly Step[]): { cmds: Command[]; steps: number[][] } {
  const reads = readyReads(readies[0]!);
  return {
    cmds: [...reads.map((argv) => ({ argv, read: true })), ...readies.slice(1).map(() => ({ argv: ["true"], read: true }))],
    steps: [...reads.map(() => [readies[0]!.id]), ...readies.slice(1).map((s) => [s.id])],
  };
}

/** The outcome of readiness checks read together (readyCommands), in order: the first that fails, or none. */
function readiesOutcome(readies: readonly Step[], results: readonly ExecResult[], env: ApplyEnv, start: number): { done: Step[]; failed?: Failure } {
  const reads = readyReads(readies[0]!);
  const done: Step[] = [];
  for (const [i, s] of readies.entries()) {
    const marker = i > 0 ? results[reads.length + i - 1] : undefined;
    const r = marker && marker.exitCode !== 0 ? marker : readyOutcome(s, reads, results.slice(0, reads.length), env, start);
    if (r.exitCode !== 0) return { done, failed: { step: s, result: r } };
    done.push(s);
  }
  return { done };
}

/** The reads of a real server's readiness check (commands whose failure is data). */
function readyReads(step: Step): string[][] {
  const r = step.ready!;
  return factCommands({ arp: r.method !== "nat" && r.family === 4, listen: r.listen !== null, routes: false });
}

/** A readiness check's outcome from its reads' results. */
function readyOutcome(step: Step, cmds: readonly string[][], results: readonly ExecResult[], env: ApplyEnv, start: number): ExecResult {
  const r = step.ready!;
  const exec = env.executor(step.host);
  const facts = parseFacts(cmds, results, exec.describe);
  const problems = facts.unreadable ? [`cannot read ${step.host} (${facts.via}): ${facts.unreadable}`] : realServerReady(r, facts).findings.filter((f) => f.severity === "error").map((f) => f.message);
  const ms = Date.now() - start;
  if (!problems.length) return { exitCode: 0, stdout: "", stderr: "", ms };
  const text = `${r.addr} is not ready for ${r.service}: ${problems.join("; ")}`;
  if (env.force) {
    env.warn?.(`${text} (commit force: adding it anyway)`);
    return { exitCode: 0, stdout: "", stderr: "", ms };
  }
  return { exitCode: 1, stdout: "", stderr: `${text} (\`commit force\` adds it anyway)`, ms };
}

/** Steps one after another (one host's, or the director's phases): round trips in order; stops before a round trip once `stopped()`. */
async function runSerial(steps: readonly Step[], changes: ReadonlyMap<string, Change>, env: ApplyEnv, stopped: () => boolean): Promise<ApplyOutcome> {
  const done: Step[] = [];
  const trips = roundTrips(steps);
  for (let t = 0; t < trips.length; t++) {
    const units = trips[t]!;
    // another host failed: nothing new starts (what runs finishes)
    if (stopped()) return { done };
    const alone = units.length === 1 && units[0]!.length === 1 ? units[0]![0]! : undefined;
    const wait = alone && (alone.wait || alone.ready) ? alone : undefined;
    // readiness checks of this host in a row: one read for all of them
    const group = wait?.ready ? [wait, ...readyRun(trips, t + 1, wait)] : [];
    if (group.length > 1) {
      t += group.length - 1;
      try {
        env.starting?.(group.map((s) => s.id));
      } catch (e) {
        return { done, failed: { step: group[0]!, result: unrecorded(e) } };
      }
      const start = Date.now();
      const { cmds, steps: ids } = readyCommands(group);
      const results = await env.executor(group[0]!.host).runMany(cmds, { stopAtFailure: true, steps: ids });
      const out = readiesOutcome(group, results, env, start);
      done.push(...out.done);
      if (out.failed) return { done, failed: out.failed };
      continue;
    }
    if (wait) {
      try {
        env.starting?.([wait.id]);
      } catch (e) {
        return { done, failed: { step: wait, result: unrecorded(e) } };
      }
      const r = wait.ready ? await readyCheck(wait, env) : await drainWait(wait, env);
      if (r.exitCode !== 0) return { done, failed: { step: wait, result: r } };
      done.push(wait);
      continue;
    }
    const all = units.flat();
    // the readiness check that follows this host's steps rides in the same round trip: its reads
    // run once the steps succeeded (not after an ipvsadm -R, whose outcome needs a re-read first)
    const next = trips[t + 1];
    const ready = next?.length === 1 && next[0]!.length === 1 && next[0]![0]!.ready && next[0]![0]!.host === all[0]!.host && units.every((u) => u.length === 1) ? next[0]![0]! : undefined;
    // and the host's readiness checks that follow it (a real server in several services): one read for all
    const readies = ready ? [ready, ...readyRun(trips, t + 2, ready)] : [];
    t += readies.length;
    try {
      env.starting?.([...all.map((s) => s.id), ...readies.map((s) => s.id)]);
    } catch (e) {
      // what is about to run could not be recorded first: it does not run
      return { done, failed: { step: all[0]!, result: unrecorded(e) } };
    }
    const start = Date.now();
    const cmds: Command[] = units.map((u) => (u.length === 1 ? { argv: u[0]!.argv } : { argv: ["ipvsadm", "-R"], stdin: restoreInput(u) }));
    const reads = readies.length ? readyCommands(readies) : { cmds: [], steps: [] };
    const results = await env.executor(all[0]!.host).runMany([...cmds, ...reads.cmds], {
      stopAtFailure: true,
      steps: [...units.map((u) => u.map((s) => s.id)), ...reads.steps],
    });
    for (const [i, u] of units.entries()) {
      const out = await unitOutcome(u, results[i]!, env, changes);
      done.push(...out.done);
      if (out.failed) return { done, failed: out.failed };
    }
    if (readies.length) {
      const out = readiesOutcome(readies, results.slice(cmds.length), env, start);
      done.push(...out.done);
      if (out.failed) return { done, failed: out.failed };
    }
  }
  return { done };
}

/** The hosts of a real-server stage side by side (at most env.parallel at once), each host's steps in order. */
async function runParallel(steps: readonly Step[], changes: ReadonlyMap<string, Change>, env: ApplyEnv, stopped: () => boolean): Promise<ApplyOutcome> {
  const byHost = new Map<string, Step[]>();
  for (const s of steps) byHost.set(s.host, [...(byHost.get(s.host) ?? []), s]);
  const groups = [...byHost.values()];
  if (groups.length === 1) return runSerial(groups[0]!, changes, env, stopped);
  const limit = Math.max(1, Math.min(env.parallel ?? DEFAULT_PARALLEL, groups.length));
  const phase = phaseWords(steps);
  // the journal records the whole stage as about to run, once (one fsync, not one per host's
  // round trip, each of which would stall every other host): what may have run is a superset
  try {
    env.starting?.(steps.map((s) => s.id));
  } catch (e) {
    return { done: [], failed: { step: steps[0]!, result: unrecorded(e) } };
  }
  const { starting: _recorded, ...rest } = env;
  const hostEnv: ApplyEnv = rest;
  const done: Step[] = [];
  let failed: Failure | undefined;
  let next = 0;
  let ended = 0;
  let failures = 0;
  const halted = () => failed !== undefined || stopped();
  env.hosts?.({ phase, done: 0, total: groups.length, failed: 0 });
  const worker = async (): Promise<void> => {
    while (!halted() && next < groups.length) {
      const group = groups[next++]!;
      const out = await runSerial(group, changes, hostEnv, halted);
      done.push(...out.done);
      ended++;
      if (out.failed) {
        failures++;
        failed ??= out.failed;
      }
      env.hosts?.({ phase, done: ended, total: groups.length, failed: failures });
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  env.hosts?.({ phase, done: ended, total: groups.length, failed: failures, final: true });
  return failed ? { done, failed } : { done };
}

/** What a real-server stage does, for its progress line: its phases' kinds, in order. */
function phaseWords(steps: readonly Step[]): string {
  const words: Record<string, string> = { sysctl: "ARP sysctls", arp: "ARP rules", link: "tunl0", addr: "VIPs", ready: "readiness checks" };
  const ids = [...new Set(steps.map((s) => s.phase))].sort((a, b) => a - b);
  const kinds = [...new Set(ids.map((id) => PHASES.find((p) => p.id === id)!).map((p) => (p.action === "remove" ? `removing ${words[p.kind] ?? p.kind}` : (words[p.kind] ?? p.kind))))];
  return `real servers: ${kinds.join(", ")}`;
}

export async function applySteps(steps: readonly Step[], changes: ReadonlyMap<string, Change>, env: ApplyEnv): Promise<ApplyOutcome> {
  const done: Step[] = [];
  let failed: Failure | undefined;
  for (const stage of stages(steps)) {
    const out = await (stage.parallel ? runParallel : runSerial)(stage.steps, changes, env, () => false);
    done.push(...out.done);
    if (out.failed) {
      failed = out.failed;
      break;
    }
  }
  // in the order given (the plan's): the undo goes back through them in reverse
  const at = new Map(steps.map((s, i) => [s, i]));
  done.sort((a, b) => at.get(a)! - at.get(b)!);
  return failed ? { done, failed } : { done };
}

/** The steps that undo `done`, in reverse order (a step with no undo is skipped and reported). */
export function undoSteps(done: readonly Step[]): { steps: Step[]; impossible: Step[] } {
  const steps: Step[] = [];
  const impossible: Step[] = [];
  for (const s of [...done].reverse()) {
    // a drain's wait, a readiness check changed nothing: nothing to undo
    if (s.wait || s.ready || s.readOnly) continue;
    if (!s.undo) impossible.push(s);
    else steps.push({ ...s, argv: s.undo, undo: s.argv, reason: `undo: ${s.reason}` });
  }
  return { steps, impossible };
}
