/**
 * The one Session API that the CLI, the REPL and completion stand on. It
 * holds the candidate configuration and the context, runs statements and
 * makes plans. Every input is checked whole before any of it runs
 * (VyOS: verify, then apply): a script with an error anywhere runs nothing.
 */
import {
  hasErrors,
  isSessionStatement,
  parse,
  renderDiagnostics,
  type ConfigStatement,
  type Diagnostic,
  type SessionStatement,
  type Statement,
} from "../lang/index.js";
import { compile, emptyConfig, emptyContext, evaluate, validate, type Config, type Context, type State } from "../model/index.js";
import { makePlan, type Plan } from "../plan/index.js";
import { sessionCommands, type SessionIO } from "./commands.js";

export interface RunOptions {
  /** Check the whole candidate at the end (scripts); the REPL checks at plan/commit time. */
  readonly validate?: boolean;
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
  running: State;
}

export class Session implements SessionState {
  candidate: Config = emptyConfig();
  context: Context = emptyContext;
  running: State = { hosts: {} };
  readonly sources = new Map<string, string>();
  /** The shadow state at the end of the last check pass. */
  private checked: SessionState | undefined;
  /** Whole-candidate validation, per candidate (a candidate is never changed in place). */
  private readonly validated = new WeakMap<Config, Diagnostic[]>();

  constructor(readonly io: SessionIO) {}

  /** Runs source text: parse, check everything, then run it in order. */
  async run(source: string, file: string, opts: RunOptions = {}): Promise<RunOutcome> {
    this.sources.set(file, source);
    const parsed = parse(source, file);
    const checked = this.check(parsed.statements, opts);
    const diagnostics = [...parsed.diagnostics, ...checked];
    if (hasErrors(diagnostics)) return { ok: false, diagnostics, statements: parsed.statements.length };
    if (!parsed.statements.some(isSessionStatement) && this.checked) {
      // configuration only: running it gives exactly what the check pass computed
      this.candidate = this.checked.candidate;
      this.context = this.checked.context;
      return { ok: true, diagnostics, statements: parsed.statements.length };
    }
    const late = await this.execute(parsed.statements);
    const all = [...diagnostics, ...late];
    return { ok: !hasErrors(late), diagnostics: all, statements: parsed.statements.length };
  }

  /** Parses and checks source text without running any of it (`lvsh check`). */
  checkSource(source: string, file: string, opts: RunOptions = {}): Diagnostic[] {
    this.sources.set(file, source);
    const parsed = parse(source, file);
    return [...parsed.diagnostics, ...this.check(parsed.statements, opts)];
  }

  /** The check pass: runs everything on a shadow of this session, with no side effect. */
  check(statements: readonly Statement[], opts: RunOptions = {}): Diagnostic[] {
    const shadow: SessionState = { candidate: this.candidate, context: this.context, running: this.running };
    const out: Diagnostic[] = [];
    for (const seg of segments(statements)) {
      if (seg.config.length) {
        const r = evaluate(seg.config, shadow.candidate, shadow.context);
        out.push(...r.diagnostics);
        shadow.candidate = r.config;
        shadow.context = r.context;
      }
      if (seg.session) out.push(...sessionCommands[seg.session.kind].check(seg.session as never, shadow, this));
    }
    if (opts.validate) out.push(...this.validateCandidate(shadow.candidate));
    this.checked = shadow;
    return out;
  }

  private async execute(statements: readonly Statement[]): Promise<Diagnostic[]> {
    const out: Diagnostic[] = [];
    for (const seg of segments(statements)) {
      if (seg.config.length) {
        const r = evaluate(seg.config, this.candidate, this.context);
        this.candidate = r.config;
        this.context = r.context;
      }
      if (seg.session) {
        const ds = await sessionCommands[seg.session.kind].run(seg.session as never, this);
        out.push(...ds);
        if (hasErrors(ds)) break;
      }
    }
    return out;
  }

  /** The candidate's plan against the running state, or the reasons there is none. */
  plan(): { plan?: Plan; diagnostics: Diagnostic[] } {
    const diagnostics = this.validateCandidate(this.candidate);
    if (hasErrors(diagnostics)) return { diagnostics };
    return { plan: makePlan(this.running, compile(this.candidate)), diagnostics };
  }

  validateCandidate(c: Config): Diagnostic[] {
    let ds = this.validated.get(c);
    if (!ds) {
      ds = validate(c);
      this.validated.set(c, ds);
    }
    return ds;
  }

  render(ds: readonly Diagnostic[]): string {
    return renderDiagnostics(ds, (f) => this.sources.get(f));
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
