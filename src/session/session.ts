/**
 * The one Session API that the CLI, the shell and completion stand on. It
 * holds the candidate configuration and the context, reads the running
 * state through its target, runs statements and makes plans. Every input is
 * checked whole before any of it runs (VyOS: verify, then apply): a script
 * with an error anywhere runs nothing.
 */
import { RateHistory } from "./sparkline.js";
import {
  error,
  hasErrors,
  isSessionStatement,
  parse,
  renderDiagnostics,
  spanText,
  spanWhere,
  warning,
  type ConfigStatement,
  type Diagnostic,
  type ParseResult,
  type SessionStatement,
  type Statement,
} from "../lang/index.js";
import { compile, keepalivedHosts, emptyConfig, emptyContext, evaluate, liftState, mergeConflicts, printConfig, validate, type Config, type Context, type Desired, type State } from "../model/index.js";
import { makePlan, preflight, renderPlanText, type Plan, type PlanTextOptions } from "../plan/index.js";
import { revisionName, withRestores, type CommitBase, type Site, type RebaseTarget, type Rebased, type Revision } from "../txn/index.js";
import { unreadable, type IpLink } from "../state/index.js";
import { sessionCommands, type SessionIO } from "./commands.js";
import { stateDamaged } from "./damaged.js";
import { StateFileError } from "../util/index.js";
import { hostname } from "node:os";
import { counted } from "../util/words.js";
import { alive } from "../util/process.js";

export interface SessionOptions {
  readonly io: SessionIO;
  /** The target; without one the session only checks and plans from nothing. */
  readonly site?: Site;
  /** Asks a person (a terminal); absent in scripts. */
  readonly ask?: (question: string, detail: string) => Promise<boolean>;
  /** Answers questions in advance. */
  readonly yes?: boolean;
  /** `commit` plans and checks only. */
  readonly dryRun?: boolean;
  /** How to start lvsh again (the commit-confirmed timer). */
  readonly lvshCommand?: readonly string[];
  /** How long a commit waits for another committing lvsh (ms; default 30 s). */
  readonly lockWaitMs?: number;
}

/**
 * What the user staged since the base, in order: replayed on a newer
 * configuration when someone committed meanwhile. Statements keep the
 * context they ran in; `rollback N` and `load` replace the candidate.
 */
type Staged =
  | { readonly kind: "statements"; readonly statements: readonly ConfigStatement[]; readonly context: Context }
  | { readonly kind: "replace"; readonly config: Config };

export interface SourceOptions {
  /** Check the whole candidate at the end (scripts); the shell checks at plan and commit time. */
  readonly validate?: boolean;
  /** The source, parsed already (a script parsed while the hosts were read: Session.open's `meanwhile`). */
  readonly parsed?: ParseResult;
}

export interface RunOutcome {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly statements: number;
}

/** What statements act on: a real session, or its shadow during the check pass. */
export interface SessionState {
  candidate: Config;
  context: Context;
  /**
   * The check pass met an error before: the candidate lacks what failed, so
   * checks of the whole candidate would only find consequences of it (a
   * service whose `add rs` failed "has no real servers").
   */
  incomplete?: boolean;
}

/** A warning the check pass gave and a later plan gives again is said once. */
function unique(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.code} ${d.span?.file ?? ""} ${d.span?.start ?? ""} ${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export class Session implements SessionState {
  candidate: Config = emptyConfig();
  context: Context = emptyContext;
  /** The running state as last read. */
  running: State = { hosts: {} };
  /** Links of each host as last read (interface names for checks and completion). */
  links: Readonly<Record<string, readonly IpLink[]>> = {};
  /** Hosts that could not be read last time, with why. */
  unreadable: Readonly<Record<string, string>> = {};
  /** The running configuration: the last revision's, or read off the running state. */
  runningConfig: Config = emptyConfig();
  readonly sources = new Map<string, string>();
  /** How many `commit` statements have run (not counting dry runs). */
  commits = 0;
  /** A `doctor` found an error: the command line's exit status says it. */
  doctorFailed = false;
  /** A person answered no to a commit's question: the command line's exit status says it. */
  declined = false;
  /** A commit confirmed that was overdue when the session opened, and was reverted then (`confirm` is too late for it). */
  revertedOverdue: number | undefined;
  /** Each real server's connections/s over the last minute, from `watch` (its sparklines, and `show rs`'s). */
  readonly rateHistory = new RateHistory();
  /** What the candidate was made from (the revision; before any, the director's configuration as lifted). */
  base: CommitBase = { revision: 0 };
  private staged: Staged[] = [];
  private checked: SessionState | undefined;
  /**
   * The check pass's evaluation of each run of configuration statements
   * (keyed by its first statement), with the candidate and context it started
   * from: the run that follows reuses it when it starts from the same ones.
   */
  private readonly evaluated = new WeakMap<ConfigStatement, { from: SessionState; to: SessionState; count: number }>();
  private readonly validated = new WeakMap<Config, Diagnostic[]>();

  constructor(readonly opts: SessionOptions) {}

  get io(): SessionIO {
    return this.opts.io;
  }

  get site(): Site | undefined {
    return this.opts.site;
  }

  revision(): Revision | undefined {
    return this.site?.latest();
  }

  /**
   * Reads the running state and starts from the running configuration.
   * `meanwhile`: work that needs no host, done while the hosts answer (a
   * script's parse: seconds for 10,000 lines on a slow director).
   */
  async open(meanwhile?: () => void): Promise<Diagnostic[]> {
    const ds = await this.refresh([], meanwhile);
    const rev = this.revision();
    this.runningConfig = this.site ? this.site.runningConfig(this.running, rev) : emptyConfig();
    this.candidate = this.runningConfig;
    this.context = emptyContext;
    this.base = rev ? { revision: rev.number } : { revision: 0, lifted: printConfig(this.runningConfig) };
    this.staged = [];
    return [...ds, ...this.driftWarnings()];
  }

  /**
   * Starts from the last revision without reading the hosts (`lvsh doctor`
   * reads them itself, in more detail); before any revision, as open().
   */
  async openAtRevision(meanwhile?: () => void): Promise<Diagnostic[]> {
    const rev = this.revision();
    if (!rev || !this.site) return this.open(meanwhile);
    meanwhile?.();
    this.runningConfig = this.candidate = this.site.runningConfig(this.running, rev);
    this.context = emptyContext;
    this.base = { revision: rev.number };
    this.staged = [];
    return this.journalWarning();
  }

  /** Starts from this configuration, with no target to read (`lvsh check` of a script against the last revision). */
  startFrom(config: Config): void {
    this.runningConfig = this.candidate = config;
    this.context = emptyContext;
    this.staged = [];
  }

  /**
   * The steps a commit would run now, planned as \`show plan\` does but from
   * the state read last (no host is read): the prompt's count. With
   * \`emptied\`, those of a candidate with nothing (what \`clear\` stages).
   */
  pendingSteps(emptied = false): number {
    try {
      const rev = this.revision();
      const desired = withRestores(compile(emptied ? emptyConfig() : this.candidate), rev);
      return makePlan(this.running, desired, { vips: rev?.vips ?? [], hosts: this.site?.hosts([desired]).transports ?? new Map() }).steps.length;
    } catch {
      return 0;
    }
  }

  /** Whether anything is staged since the base (the candidate may still equal the running configuration). */
  get hasStaged(): boolean {
    return this.staged.length > 0;
  }

  /** Drops the staged edits: the candidate is the running configuration again. */
  abort(): void {
    this.candidate = this.runningConfig;
    this.context = emptyContext;
    this.staged = [];
  }

  /** The candidate is replaced (`rollback N`, `load`): what was staged before no longer matters. */
  replaceCandidate(config: Config): void {
    this.candidate = config;
    this.context = emptyContext;
    this.staged = [{ kind: "replace", config }];
  }

  /** After a commit: its revision is the new base, its candidate (re-based, maybe) the running configuration. */
  committed(revision: Revision, committed: Config): void {
    // a drain is the commit's instruction: done with it
    const { drains: _done, ...candidate } = committed;
    this.candidate = candidate;
    this.runningConfig = candidate;
    this.base = { revision: revision.number };
    this.staged = [];
  }

  /**
   * The session's edits replayed on a configuration committed since (or,
   * before any revision, on the director as read now): the new candidate,
   * or why it is not what the user staged (mergeConflicts).
   */
  rebaseOnto(onto: RebaseTarget): Rebased {
    const name = onto.kind === "revision" ? revisionName(onto.revision) : "the director as it is now";
    let c = onto.config;
    for (const op of this.staged) {
      if (op.kind === "replace") {
        c = op.config;
        continue;
      }
      const r = evaluate(op.statements, c, op.context);
      const errs = r.diagnostics.filter((d) => d.severity === "error");
      if (errs.length) return { conflicts: errs.map((d) => `${d.span ? `${spanWhere(d.span, false)}: ` : ""}${d.message}, on ${name}`) };
      c = r.config;
    }
    const invalid = validate(c).filter((d) => d.severity === "error");
    if (invalid.length) return { conflicts: invalid.map((d) => `${d.message}, on ${name}`) };
    // also after a `clear`, `load` or `rollback`: what the session left as it was, another commit's change is kept
    // (a script that describes everything re-run on the newer revision replaces it, knowingly)
    const conflicts = mergeConflicts({ base: this.runningConfig, ours: this.candidate, theirs: onto.config, replayed: c, theirName: name });
    if (conflicts.length) return { conflicts };
    return { candidate: c };
  }


  /** The desired state of the last revision, if any. */
  previousDesired(): Desired | undefined {
    const rev = this.revision();
    return rev && this.site ? compile(this.site.runningConfig(this.running, rev)) : undefined;
  }

  /** Re-reads every host the candidate (and the last revision) involves; `meanwhile` runs while they answer. */
  async refresh(extra: readonly Desired[] = [compile(this.candidate)], meanwhile?: () => void): Promise<Diagnostic[]> {
    if (!this.site) {
      meanwhile?.();
      return [];
    }
    const prev = this.previousDesired();
    const view = this.site.hosts(prev ? [...extra, prev] : extra);
    const reading = this.site.read(view);
    meanwhile?.();
    const read = await reading;
    this.running = read.state;
    this.links = read.links;
    this.unreadable = Object.fromEntries(read.errors.map((e) => [e.host, `${e.command}: ${e.message}`]));
    return [
      ...read.errors.map((e) => unreadable(e, this.site!.executor(e.host).describe, "warning")),
      ...read.notes,
      ...this.journalWarning(),
    ];
  }

  /** A commit that was interrupted leaves its journal: what is read may hold part of it. */
  journalWarning(): Diagnostic[] {
    const j = this.site?.pendingJournal();
    if (!j) return [];
    if (j.host === hostname() && alive(j.pid)) {
      return [warning("journal-pending", `a commit is in progress (${j.what}, started ${j.started} by pid ${j.pid}): what is read may be half-way through it`, undefined, { hint: "a commit now waits for it to end" })];
    }
    return [
      warning("journal-pending", `a commit was interrupted (${j.what}, started ${j.started} by pid ${j.pid}): the hosts may hold part of it`, undefined, {
        hint: "`lvsh recover` finishes it or brings every host back to the state before it; commits wait until then",
      }),
    ];
  }

  /**
   * After a commit: the running state the commit read back from every host
   * and compared with the candidate (it holds what was committed), taken as
   * the session's; no need to read every host once more.
   */
  adoptCommitted(snapshot: State): void {
    this.running = snapshot;
    this.unreadable = {};
  }

  private driftWarnings(): Diagnostic[] {
    const rev = this.revision();
    const prev = this.previousDesired();
    if (!rev || !prev) return [];
    const plan = makePlan(this.running, prev, { vips: rev.vips });
    // a host that could not be read is said as such (its reader's warning), not as holding nothing
    const changes = plan.changes.filter((c) => this.unreadable[c.host] === undefined);
    if (!changes.length) return [];
    // what a commit force would do, which says what differs (a keepalived file edited there, a VIP gone ...)
    const shown = changes.slice(0, 5).map((c) => `\n  ${c.host}: ${c.reason}`).join("") + (changes.length > 5 ? `\n  ... and ${changes.length - 5} more (\`show plan\` after \`rollback ${rev.number}\`)` : "");
    return [
      warning("running-drift", `the running state differs from revision ${rev.number} in ${counted(changes.length, "place")} (changed outside lvsh); putting it back would:${shown}`, undefined, {
        hint: `to put revision ${rev.number} back: commit force; \`show diff\` and \`show running\` show what is there`,
      }),
    ];
  }

  /** Runs source text: parse, check everything, then run it in order. */
  async run(source: string, file: string, opts: SourceOptions = {}): Promise<RunOutcome> {
    try {
      return await this.runChecked(source, file, opts);
    } catch (e) {
      if (e instanceof StateFileError) return { ok: false, diagnostics: [stateDamaged(e)], statements: 0 };
      throw e;
    }
  }

  private async runChecked(source: string, file: string, opts: SourceOptions): Promise<RunOutcome> {
    this.sources.set(file, source);
    const parsed = opts.parsed ?? parse(source, file);
    const checked = this.check(parsed.statements, opts, parsed);
    const diagnostics = [...parsed.diagnostics, ...checked];
    if (hasErrors(diagnostics)) return { ok: false, diagnostics, statements: parsed.statements.length };
    if (!parsed.statements.some(isSessionStatement) && this.checked) {
      // configuration only: running it gives exactly what the check pass computed
      if (parsed.statements.length) this.staged.push({ kind: "statements", statements: parsed.statements as ConfigStatement[], context: this.context });
      this.candidate = this.checked.candidate;
      this.context = this.checked.context;
      return { ok: true, diagnostics, statements: parsed.statements.length };
    }
    const late = await this.execute(parsed.statements);
    return { ok: !hasErrors(late), diagnostics: unique([...diagnostics, ...late]), statements: parsed.statements.length };
  }

  /** Parses and checks source text without running any of it (`lvsh check`). */
  checkSource(source: string, file: string, opts: SourceOptions = {}): Diagnostic[] {
    this.sources.set(file, source);
    const parsed = parse(source, file);
    return [...parsed.diagnostics, ...this.check(parsed.statements, opts, parsed)];
  }

  /** The check pass of source text: its diagnostics and the candidate it makes (`lvsh export FILE`). */
  evaluateSource(source: string, file: string): { candidate: Config; diagnostics: Diagnostic[] } {
    const diagnostics = this.checkSource(source, file, { validate: true });
    return { candidate: this.checked?.candidate ?? this.candidate, diagnostics };
  }

  /**
   * The check pass: runs everything on a shadow of this session, with no
   * side effect. `parsed`: what parsing the statements said (its errors make
   * the candidate incomplete; its contextLost, see ParseResult).
   */
  check(statements: readonly Statement[], opts: SourceOptions = {}, parsed?: Pick<ParseResult, "diagnostics" | "contextLost">): Diagnostic[] {
    const shadow: SessionState = { candidate: this.candidate, context: this.context, incomplete: hasErrors(parsed?.diagnostics ?? []) };
    const out: Diagnostic[] = [];
    for (const seg of segments(statements)) {
      if (seg.config.length) {
        const from = { candidate: shadow.candidate, context: shadow.context };
        const r = evaluate(seg.config, shadow.candidate, shadow.context, parsed?.contextLost);
        out.push(...r.diagnostics);
        shadow.candidate = r.config;
        shadow.context = r.context;
        this.evaluated.set(seg.config[0]!, { from, to: { candidate: r.config, context: r.context }, count: seg.config.length });
      }
      if (seg.session) out.push(...sessionCommands[seg.session.kind].check(seg.session as never, shadow, this));
      if (hasErrors(out)) shadow.incomplete = true;
    }
    // the pipeline stops at errors: the candidate is not what the source describes
    if (opts.validate && !shadow.incomplete) out.push(...this.validateCandidate(shadow.candidate));
    this.checked = shadow;
    return out;
  }

  private async execute(statements: readonly Statement[]): Promise<Diagnostic[]> {
    const out: Diagnostic[] = [];
    for (const seg of segments(statements)) {
      if (seg.config.length) {
        this.staged.push({ kind: "statements", statements: seg.config, context: this.context });
        const memo = this.evaluated.get(seg.config[0]!);
        if (memo && memo.count === seg.config.length && memo.from.candidate === this.candidate && memo.from.context === this.context) {
          this.candidate = memo.to.candidate;
          this.context = memo.to.context;
        } else {
          const r = evaluate(seg.config, this.candidate, this.context);
          this.candidate = r.config;
          this.context = r.context;
        }
      }
      if (seg.session) {
        const ds = await sessionCommands[seg.session.kind].run(seg.session as never, this);
        out.push(...ds);
        if (hasErrors(ds)) break;
      }
    }
    return out;
  }

  validateCandidate(c: Config): Diagnostic[] {
    let ds = this.validated.get(c);
    if (!ds) {
      ds = validate(c);
      this.validated.set(c, ds);
    }
    return ds;
  }

  /** The candidate's plan against the running state (re-read first), or the reasons there is none. */
  async plan(): Promise<{ plan?: Plan; diagnostics: Diagnostic[] }> {
    const synced = this.syncRevision();
    let diagnostics = [...synced, ...this.validateCandidate(this.candidate)];
    if (hasErrors(diagnostics)) return { diagnostics };
    const rev = this.revision();
    let desired = withRestores(compile(this.candidate), rev);
    const read = await this.refresh([desired]);
    // before any revision, the base is the director as its transport (maybe changed by a `host` statement) reads now
    const lifted = this.syncLifted();
    if (lifted.length) {
      diagnostics = [...diagnostics, ...lifted];
      if (hasErrors(lifted)) return { diagnostics };
      desired = withRestores(compile(this.candidate), rev);
    }
    const missing = preflight(this.running, desired);
    if (missing.length) return { diagnostics: [...diagnostics, ...read, ...missing] };
    const plan = makePlan(this.running, desired, { vips: rev?.vips ?? [], hosts: this.site?.hosts([desired]).transports ?? new Map() });
    return { plan, diagnostics: [...diagnostics, ...read] };
  }

  /**
   * A revision committed since the base (by another lvsh, by the confirm
   * timer): the staged edits are re-based on it (said as `commit-rebased`),
   * or, when they no longer apply as staged, kept as they are and said
   * (`commit-conflict`: a commit would refuse them).
   */
  syncRevision(): Diagnostic[] {
    const site = this.site;
    if (!site) return [];
    const latest = this.revision();
    if ((latest?.number ?? 0) === this.base.revision) return [];
    if (!latest || latest.number < this.base.revision) {
      // revisions went away (another state directory, a restore): start again from what is there
      this.runningConfig = latest ? site.revisionConfig(latest) : emptyConfig();
      this.base = latest ? { revision: latest.number } : { revision: 0, lifted: printConfig(this.runningConfig) };
      return [warning("commit-rebased", `revision ${this.base.revision || "(none)"} is now the latest (revisions were removed); your staged edits stay staged`)];
    }
    const config = site.revisionConfig(latest);
    const name = revisionName(latest);
    if (!this.staged.length) {
      this.candidate = this.runningConfig = config;
      this.context = emptyContext;
      this.base = { revision: latest.number };
      return [{ severity: "info", code: "commit-rebased", message: `${name} was committed since: it is the running configuration now` }];
    }
    const r = this.rebaseOnto({ kind: "revision", revision: latest, config });
    if ("conflicts" in r) {
      return [warning("commit-conflict", `${name} was committed since, and your staged edits do not apply to it as staged:\n  ${r.conflicts.join("\n  ")}`, undefined, { hint: "`abort` drops your edits and starts from it; a commit would refuse them" })];
    }
    this.candidate = r.candidate;
    this.runningConfig = config;
    this.base = { revision: latest.number };
    return [{ severity: "info", code: "commit-rebased", message: `${name} was committed since: your staged edits were re-based on it` }];
  }

  /**
   * The directors whose IPVS table balances: with `engine keepalived`,
   * keepalived's (the pair's MASTER first), else `director`.
   */
  ipvsDirectors(): string[] {
    const hosts = keepalivedHosts(compile(this.candidate));
    return hosts.length ? hosts : ["director"];
  }


  /** Before any revision: the director as read now (through the candidate's transport), when it is not what the session started from. */
  private syncLifted(): Diagnostic[] {
    if (!this.site || this.revision() || this.base.lifted === undefined) return [];
    const lifted = liftState(this.running, "director");
    const text = printConfig(lifted);
    if (text === this.base.lifted) return [];
    const via = this.site.executor("director").describe;
    const r = this.rebaseOnto({ kind: "lifted", config: lifted });
    if ("conflicts" in r) {
      return [error("commit-conflict", `the director (${via}) does not hold what this session started from, and your edits do not apply to it as staged:\n  ${r.conflicts.join("\n  ")}`)];
    }
    this.candidate = r.candidate;
    this.runningConfig = lifted;
    this.base = { revision: 0, lifted: text };
    return [{ severity: "info", code: "commit-rebased", message: `your edits were re-based on what the director (${via}) holds` }];
  }

  /** The plan as a person reads it: in the order it runs, each step with the statement it comes from. */
  planText(plan: Plan, opts: Omit<PlanTextOptions, "origin"> = {}): string {
    return renderPlanText(plan, {
      ...opts,
      origin: (span) => {
        const text = spanText(span, this.source);
        return `${spanWhere(span, false)}${text ? `: ${text}` : ""}`;
      },
    });
  }

  /** The text of a source by its name: what the session ran, or a revision's configuration. */
  readonly source = (file: string): string | undefined => {
    const known = this.sources.get(file);
    if (known !== undefined) return known;
    const rev = /^revision (\d+)$/.exec(file);
    try {
      return rev ? this.site?.revision(Number(rev[1]))?.config : undefined;
    } catch {
      return undefined; // a damaged revision is said where it is read
    }
  };

  render(ds: readonly Diagnostic[]): string {
    return renderDiagnostics(ds, this.source);
  }

  async close(): Promise<void> {
    await this.site?.close();
  }
}



interface Segment {
  readonly config: ConfigStatement[];
  readonly session?: SessionStatement;
}

/** Runs of configuration statements, each ended by a session statement (or the end). */
function segments(statements: readonly Statement[]): Segment[] {
  const out: Segment[] = [];
  let config: ConfigStatement[] = [];
  for (const s of statements) {
    if (isSessionStatement(s)) {
      out.push({ config, session: s });
      config = [];
    } else config.push(s);
  }
  if (config.length) out.push({ config });
  return out;
}
