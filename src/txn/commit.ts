/**
 * commit: lock, read every host (the prechecks: reachable, tools there,
 * allowed), check for drift, plan, ask where a person must answer, run the
 * transaction, and record the revision. Nothing changes before the first
 * step; a failed step undoes what ran.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import { error, type Diagnostic, type Span } from "../lang/index.js";
import { compile, liftState, printConfig, type Config, type Desired, type State } from "../model/index.js";
import { diff, makePlan, preflight, renderPlanText, stepsLine, type Change, type Plan } from "../plan/index.js";
import { ExpectedTable, unreadable, type StateRead } from "../state/index.js";
import { removeFile, writeFileAtomic } from "../util/index.js";
import type { Site } from "./site.js";
import { JournalFile, newJournalId } from "./journal.js";
import { acquireLock, currentUser, describeHolder } from "./lock.js";
import { writeRevision, type Revision } from "./revisions.js";
import { nextRestores, withRestores, type Restores } from "./restore.js";
import { runTransaction, type TxnResult } from "./transaction.js";
import type { HostsProgress } from "./apply.js";

function restoresOf(r: Restores | undefined): { restore?: Restores } {
  return r ? { restore: r } : {};
}

export interface CommitOptions {
  readonly comment?: string;
  /** Commit over drift, and add real servers whose readiness check fails (a warning, through `say`). */
  readonly force?: boolean;
  /** Plan and check only. */
  readonly check?: boolean;
  /** Answers questions in advance (--yes). */
  readonly yes?: boolean;
  /** Asks a person; absent when there is no terminal. */
  readonly ask?: (question: string, detail: string) => Promise<boolean>;
  /** What the transaction is, for the journal and the revision. */
  readonly what?: string;
  /**
   * Read and change this host only (`commit on director`: the boot restore,
   * before the real servers can be reached; they keep their own part).
   */
  readonly only?: string;
  /** How long to wait for another committing lvsh (ms, default 30 s). */
  readonly lockWaitMs?: number;
  /** Checked first under the lock: a reason not to commit (the confirm timer: confirmed meanwhile). */
  readonly precondition?: () => string | undefined;
  /** A plain commit confirms a pending `commit confirmed`: its file is removed under the lock, after the revision. */
  readonly confirmsPending?: boolean;
  /** The plan as the person is shown it before the question (default: renderPlanText). */
  readonly preview?: (plan: Plan) => string;
  /** Progress for the person or script waiting (the lock). */
  readonly say?: (text: string) => void;
  /** A warning during the commit (a real server not ready, added by `commit force`): the front end says it with the diagnostics. */
  readonly warn?: (text: string) => void;
  /** Looks at the plan before it is shown and asked (what it would cut): a warning to say, or nothing. */
  readonly inspect?: (plan: Plan, site: Site) => Promise<string | undefined>;
  /** A drain's progress while the commit waits for it (`line`: a line of its own, else one redrawn). */
  readonly progress?: (text: string, line: boolean) => void;
  /** A phase over several hosts: how far it is (the progress bar). */
  readonly hosts?: (p: HostsProgress) => void;
}

/** The part of a desired state on one host. */
function restrict(d: Desired, host: string | undefined): Desired {
  if (host === undefined) return d;
  const state: State = { hosts: Object.fromEntries(Object.entries(d.state.hosts).filter(([h]) => h === host)) };
  return { state, origins: d.origins, hosts: new Map([...d.hosts].filter(([h]) => h === host)) };
}

/** The session's edits were re-based on this (someone committed since it started). */
export interface RebaseNote {
  readonly what: string;
}

export type CommitReport =
  /** `declined`: the person answered no (not a failure). */
  | { readonly kind: "refused"; readonly reason: string; readonly detail?: string; readonly span?: Span; readonly declined?: boolean }
  | { readonly kind: "conflict"; readonly revision?: Revision; readonly conflicts: readonly string[] }
  | { readonly kind: "precheck"; readonly problems: readonly Diagnostic[] }
  | { readonly kind: "nothing"; readonly revision?: Revision; readonly candidate: Config; readonly rebased?: RebaseNote }
  | { readonly kind: "checked"; readonly plan: Plan; readonly drift: readonly Change[]; readonly candidate: Config; readonly rebased?: RebaseNote }
  | {
      readonly kind: "committed";
      readonly plan: Plan;
      readonly revision: Revision;
      readonly drift: readonly Change[];
      readonly candidate: Config;
      readonly rebased?: RebaseNote;
      /** The configuration this commit replaced (printed): what a commit confirmed goes back to. */
      readonly replaced: string;
      /** The pending `commit confirmed` this (plain) commit confirmed. */
      readonly confirmed?: number;
    }
  | { readonly kind: "failed"; readonly plan: Plan; readonly txn: TxnResult };

/** The schedulers a desired state's director uses, as module names. */
function schedulerModules(d: Desired): string[] {
  return [...new Set((d.state.hosts.director?.ipvs ?? []).map((s) => `ip_vs_${s.scheduler}`))].sort();
}

/** The schedulers the plan needs that the director lacks (e.g. `twos` before Linux 5.10): the commit's read asked. Located at the statement that asks for each. */
function missingSchedulers(read: StateRead, plan: Plan): Diagnostic[] {
  const missing = new Set(read.missingModules.director ?? []);
  const wanted = new Map<string, Span | undefined>();
  for (const c of plan.changes) {
    if (c.after?.kind === "service" && c.host === "director" && missing.has(`ip_vs_${c.after.value.scheduler}`) && !wanted.has(c.after.value.scheduler)) wanted.set(c.after.value.scheduler, c.span);
  }
  return [...wanted].map(([s, span]) =>
    error("precheck-failed", `the director's kernel has no \`${s}\` scheduler (modprobe ip_vs_${s} fails)`, span, { host: "director", hint: "choose another scheduler, or load its module on the director" }),
  );
}


/** Where a session's candidate came from, to see whether someone committed since. */
export interface CommitBase {
  /** The revision it was made from; 0 before any. */
  readonly revision: number;
  /** Before any revision: the configuration lifted off the running director (printed); re-read at commit. */
  readonly lifted?: string;
}

/** What a commit re-bases the session's edits onto: a newer revision, or (before any) the director as it is now. */
export type RebaseTarget = { readonly kind: "revision"; readonly revision: Revision; readonly config: Config } | { readonly kind: "lifted"; readonly config: Config };

export type Rebased = { readonly candidate: Config } | { readonly conflicts: readonly string[] };

export interface CommitInput {
  readonly candidate: Config;
  /** What the candidate was made from; absent: whatever is latest (no check). */
  readonly base?: CommitBase;
  /** Replays the session's own edits on a newer configuration (its conflicts, when they do not apply as staged). */
  readonly rebase?: (onto: RebaseTarget) => Rebased;
  /**
   * The running state as the session read it last: the plan is made from it
   * while the hosts are read again under the lock, and kept when they read
   * the same (a plan is a function of the two states: seconds for 10,000
   * real servers on a slow director, spent while it answers).
   */
  readonly assumed?: State;
}

/** How a revision is named in messages: number, author, time, comment. */
export function revisionName(r: Revision): string {
  return `revision ${r.number} (${r.user}@${r.host}, ${r.time}${r.comment ? `, "${r.comment}"` : ""})`;
}

export async function commit(site: Site, input: CommitInput, opts: CommitOptions = {}): Promise<CommitReport> {
  const lock = await acquireLock(site.paths.lock, opts.what ?? "commit", {
    waitMs: opts.lockWaitMs ?? 30_000,
    onWait: (h) => opts.say?.(`waiting for the other lvsh to finish: ${describeHolder(h)}\n`),
  });
  if (!lock.ok) return { kind: "refused", reason: `another lvsh is committing: ${describeHolder(lock.holder)}` };
  try {
    return await locked(site, input, opts);
  } finally {
    lock.release();
  }
}

/** Removes the pending confirmation (a plain commit confirms it); its revision, if there was one. */
function removePending(site: Site): number | undefined {
  const path = site.paths.confirm;
  let revision: number | undefined;
  try {
    revision = (JSON.parse(readFileSync(path, "utf8")) as { revision?: number }).revision;
  } catch {
    return undefined;
  }
  removeFile(path);
  return revision;
}

/** Whether lvsh can record a revision: a probe written and removed. */
function unwritable(dir: string): string | undefined {
  const probe = join(dir, `.probe-${process.pid}`);
  try {
    writeFileAtomic(probe, "");
    removeFile(probe);
    return undefined;
  } catch (e) {
    return `the revisions directory ${dir} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): a commit would not be recorded`;
  }
}

async function locked(site: Site, input: CommitInput, opts: CommitOptions): Promise<CommitReport> {
  const not = opts.precondition?.();
  if (not) return { kind: "refused", reason: not };
  // the settings as they are now (a long-running shell sees an edit), before any step: a damaged
  // file stops the commit here, not after it is recorded
  site.rereadSettings();
  const journal = new JournalFile(site.paths.journal);
  if (journal.read()) return { kind: "refused", reason: "a commit was interrupted: run `lvsh recover` first" };
  const latest = site.latest();
  let candidate = input.candidate;
  let rebased: RebaseNote | undefined;
  // optimistic concurrency: someone committed since the session read its base
  if (input.base && (latest?.number ?? 0) !== input.base.revision) {
    if (!latest || latest.number < input.base.revision) {
      return { kind: "refused", reason: `revision ${input.base.revision}, which this session started from, is gone (the latest is ${latest?.number ?? "none"}): start again` };
    }
    const onto: RebaseTarget = { kind: "revision", revision: latest, config: site.revisionConfig(latest) };
    const r: Rebased = input.rebase ? input.rebase(onto) : { conflicts: [`${revisionName(latest)} was committed since this session started`] };
    if ("conflicts" in r) return { kind: "conflict", revision: latest, conflicts: r.conflicts };
    candidate = r.candidate;
    rebased = { what: revisionName(latest) };
  }
  const previous = latest;
  for (let pass = 0; ; pass++) {
    const asked = compile(candidate);
    const desired = restrict(withRestores(asked, previous), opts.only);
    const prevDesired = previous ? restrict(compile(site.revisionConfig(previous)), opts.only) : undefined;
    const all = site.hosts(prevDesired ? [desired, prevDesired] : [desired], previous);
    const scoped = opts.only === undefined ? all : { transports: all.transports, specs: all.specs.filter((v) => v.host === opts.only) };
    // the director's read also asks for the schedulers (one round trip)
    const modules = schedulerModules(desired);
    const view = { transports: scoped.transports, specs: scoped.specs.map((v) => (v.host === "director" && modules.length ? { ...v, modules } : v)) };
    const reading = site.read(view);
    // what needs none of the hosts' answers, made when first asked for or while the steps run
    // (below): the revision's text and the verify's expected tables (seconds for 10,000 real
    // servers on a slow director)
    const thisCandidate = candidate;
    let configMemo: string | undefined;
    const configText = () => (configMemo ??= printConfig(thisCandidate));
    let expectedMemo: ReadonlyMap<string, ExpectedTable> | undefined;
    const expected = () => (expectedMemo ??= new Map(Object.entries(desired.state.hosts).flatMap(([h, s]) => (s.ipvs.length ? [[h, new ExpectedTable(s.ipvs)] as const] : []))));
    // while the hosts answer: the plan from the session's read, kept when this read equals it
    const vips = new Set([...(previous?.vips ?? [])]);
    const assumed = pass === 0 && input.assumed && sameHosts(input.assumed, view) ? input.assumed : undefined;
    const guess = assumed ? makePlan(assumed, desired, { vips, hosts: view.transports }) : undefined;
    const read = await reading;
    if (read.errors.length) {
      return { kind: "precheck", problems: read.errors.map((e) => unreadable(e, site.executor(e.host).describe, "error")) };
    }
    const running = read.state;
    // before any revision, the session started from what the director held, read through the
    // transport it knew then: what the candidate's transport reads now is the base it changes
    if (!previous && pass === 0 && input.base?.lifted !== undefined && input.rebase) {
      const lifted = liftState(running, "director");
      if (printConfig(lifted) !== input.base.lifted) {
        const r = input.rebase({ kind: "lifted", config: lifted });
        if ("conflicts" in r) return { kind: "conflict", conflicts: r.conflicts };
        candidate = r.candidate;
        rebased = { what: `the director as ${site.executor("director").describe} holds it now` };
        continue; // the candidate may name other hosts now: plan again from a new read
      }
    }
    const drift = prevDesired ? diff(running, prevDesired.state, { director: "director", vips: new Set([...vips, ...managed(prevDesired)]) }) : [];
    const absent = preflight(running, desired);
    if (absent.length) return { kind: "precheck", problems: absent };
    const plan = guess && isDeepStrictEqual(running, assumed) ? guess : makePlan(running, desired, { vips, hosts: view.transports });
    // real servers only checked (not changed) are reached as the configuration says
    site.reach(plan.hosts);
    const missing = missingSchedulers(read, plan);
    if (missing.length) return { kind: "precheck", problems: missing };
    const noUndo = plan.steps.filter((s) => !s.undo);
    if (noUndo.length) return { kind: "precheck", problems: noUndo.map((s) => error("precheck-failed", `step ${s.id} cannot be undone: ${s.undoReason ?? "no undo"}`, s.span, { host: s.host })) };
    const extra = { candidate, ...(rebased ? { rebased } : {}) };
    if (opts.check) return { kind: "checked", plan, drift, ...extra };
    if (plan.steps.length === 0 && previous && previous.config === configText()) return { kind: "nothing", revision: previous, ...extra };
    const cannot = unwritable(site.paths.revisions);
    if (cannot) return { kind: "precheck", problems: [error("precheck-failed", cannot, undefined, { hint: "lvsh records every commit: make the state directory writable first" })] };

    const warned = await opts.inspect?.(plan, site);
    if (warned) opts.say?.(warned);
    const question = await questions(plan, drift, previous, opts, rebased);
    if (question) return question;
    if (opts.ask && !opts.yes) {
      // the plan was shown and a person said yes: it must still be the plan
      const again = await site.read(view);
      if (makePlan(again.state, desired, { vips, hosts: view.transports }).fingerprint !== plan.fingerprint) {
        return { kind: "refused", reason: "the running state changed while the plan was on screen; commit again to see the new plan" };
      }
    }
    const id = newJournalId();
    let revision: Revision | undefined;
    // the reads after the steps (the verify, a rollback's) compare with the desired state and with
    // the state read above: the real servers' thresholds (a second listing of the whole table,
    // seconds for 10,000 real servers on a slow director) matter to them only when either has one.
    // The read above (drift, the plan) always lists them: a threshold set by hand is seen and undone.
    // The schedulers' modules are not looked for again either: the read above did (missingSchedulers).
    const thresholds = hasThresholds(desired.state) || hasThresholds(running);
    const after = view.specs.map((s) => (s.ipvs ? { ...s, ...(thresholds ? {} : { thresholds: false }), modules: [] } : s));
    // the revision's text and the verify's tables while the first round trip runs (an ipvsadm -R of
    // 10,000 lines: seconds, the director's CPU otherwise idle), each in a turn of the event loop of
    // its own: between them node feeds the round trip's stdin
    setImmediate(() => {
      configText();
      if (!thresholds) setImmediate(expected);
    });
    const txn = await runTransaction(
      plan,
      running,
      desired,
      opts.what ?? "commit",
      {
        executor: (h) => site.executor(h),
        read: async (hosts, expect) => {
          // the verify's expected tables were made ahead
          const table = (h: string) => (expect === desired.state ? expected().get(h) : undefined) ?? expect?.hosts[h]?.ipvs;
          const specs = after.filter((s) => hosts.includes(s.host)).map((s) => {
            const t = s.ipvs && !thresholds ? table(s.host) : undefined;
            return t ? { ...s, expectIpvs: t } : s;
          });
          return (await site.read({ transports: view.transports, specs })).state;
        },
        journal,
        ...(opts.progress ? { progress: opts.progress } : {}),
        ...(opts.hosts ? { hosts: opts.hosts } : {}),
        parallel: site.parallel,
        ...(opts.force ? { force: true } : {}),
        warn: (t) => (opts.warn ? opts.warn(t) : opts.say?.(`${t}\n`)),
      },
      {
        id,
        // the revision is written (durably) before the journal goes: no moment where the change is applied and unrecorded
        record: (after) => {
          const snapshot: State = { hosts: { ...running.hosts, ...after.hosts } };
          revision = writeRevision(site.paths.revisions, {
            time: new Date().toISOString(),
            user: currentUser(),
            host: hostname(),
            ...(opts.comment ? { comment: opts.comment } : {}),
            config: configText(),
            // the whole configuration's hosts and VIPs, also when only one host was changed
            hosts: Object.fromEntries(opts.only === undefined ? desired.hosts : compile(candidate).hosts),
            vips: [...managed(opts.only === undefined ? desired : compile(candidate))].sort(),
            snapshot,
            ...restoresOf(nextRestores(asked, previous, running)),
            journal: id,
          }, previous);
        },
      },
    );
    if (!txn.ok || !revision) return { kind: "failed", plan, txn };
    site.remember(revision, candidate);
    // the oldest revisions past the `revisions` setting go, now that this one is recorded
    site.prune();
    const confirmed = opts.confirmsPending ? removePending(site) : undefined;
    return {
      kind: "committed",
      plan,
      revision,
      drift,
      ...extra,
      replaced: previous?.config ?? printConfig(liftState(running, "director")),
      ...(confirmed !== undefined ? { confirmed } : {}),
    };
  }
}

/** Whether a state read earlier covers exactly the hosts this read asks (else its plan could not be this one's). */
function sameHosts(state: State, view: { readonly specs: readonly { readonly host: string }[] }): boolean {
  const names = Object.keys(state.hosts);
  return names.length === view.specs.length && view.specs.every((s) => s.host in state.hosts);
}

/** Whether a state has a real server with a threshold (`min`/`max`, ipvsadm's -y/-x). */
export function hasThresholds(state: State): boolean {
  return Object.values(state.hosts).some((h) => h.ipvs.some((s) => s.dests.some((d) => d.uThreshold !== 0 || d.lThreshold !== 0)));
}

/** The addresses a desired state manages. */
export function managed(d: Desired): Set<string> {
  const out = new Set<string>();
  for (const h of Object.values(d.state.hosts)) {
    for (const a of h.addrs) out.add(a.addr);
    for (const r of h.arp) if (r.dst) out.add(r.dst);
  }
  return out;
}

async function questions(plan: Plan, drift: readonly Change[], previous: Revision | undefined, opts: CommitOptions, rebased?: RebaseNote): Promise<CommitReport | undefined> {
  const hosts = new Set(plan.steps.map((s) => s.host)).size;
  const note = rebased ? `your edits were re-based on ${rebased.what}, committed since this session started:\n` : "";
  if (drift.length && !opts.force && !opts.yes) {
    const detail = drift.map((c) => `  ${c.host}: ${c.reason}`).join("\n");
    const what = `the running state differs from revision ${previous!.number} (someone changed it outside lvsh)`;
    if (!opts.ask) return { kind: "refused", reason: `${what}; commit over it with \`commit force\` (or --yes)`, detail };
    if (!(await opts.ask(`${what}. Commit over it?`, detail))) return { kind: "refused", reason: "not committed: drift not accepted", declined: true };
  }
  if (plan.steps.length && !opts.yes) {
    const q = `apply ${stepsLine(plan)}?`;
    if (opts.ask) {
      if (!(await opts.ask(q, note + (opts.preview ?? renderPlanText)(plan)))) return { kind: "refused", reason: "not committed", declined: true };
    } else if (hosts > 1) {
      return { kind: "refused", reason: `this commit changes ${hosts} hosts and there is no terminal to ask: pass --yes to commit it` };
    }
  }
  return undefined;
}
