/**
 * The lvsh command: argv in, exit code out. Reads files, talks to the
 * terminal, picks the target; everything else is the Session's.
 */
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import { renderDiagnostics, type Diagnostic } from "../lang/index.js";
import { planToJson, renderPlanShell, summaryLine } from "../plan/index.js";
import { Session, stateDamaged } from "../session/index.js";
import { Engine, overdueConfirm, recover, runTimer, stateDirFrom } from "../txn/index.js";
import { setPointHook, StateFileError } from "../util/index.js";
import { parseCli, type Common, type Invocation } from "./args.js";
import { cliHelp } from "./help.js";
import { chooseTarget, type TargetChoice } from "../target/index.js";
import { VERSION } from "./version.js";
import { selfCommand } from "./self.js";

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
  /** A terminal to ask on, when there is one. */
  readonly tty: boolean;
}

export const processIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  readFile: (p) => readFile(p, "utf8"),
  // a getter: read when asked, not when the module loads (the startup snapshot loads it at build time)
  get tty() {
    return !!process.stdin.isTTY && !!process.stdout.isTTY;
  },
};

function countLine(errors: number, warnings: number): string {
  const e = `${errors} error${errors === 1 ? "" : "s"}`;
  return warnings ? `${e}, ${warnings} warning${warnings === 1 ? "" : "s"}` : e;
}

async function readSource(io: CliIO, file: string): Promise<string | undefined> {
  try {
    return await io.readFile(file);
  } catch (e) {
    io.stderr(`lvsh: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return undefined;
  }
}

async function ask(question: string, detail: string): Promise<boolean> {
  process.stdout.write(`${detail}\n`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** LVSH_LOCK_WAIT: how many seconds a commit waits for another committing lvsh (default 30). */
export function lockWait(env: NodeJS.ProcessEnv): { lockWaitMs?: number } {
  const v = env.LVSH_LOCK_WAIT;
  return v !== undefined && /^\d+(\.\d+)?$/.test(v) ? { lockWaitMs: Number(v) * 1000 } : {};
}

export interface Opened {
  readonly session: Session;
  readonly choice: TargetChoice;
  readonly diagnostics: readonly Diagnostic[];
}

/** A session on the chosen target, with the running state read. */
export interface OpenOptions {
  readonly dryRun?: boolean;
  /** Where the session's output goes (default stdout). */
  readonly write?: (t: string) => void;
  /** How to ask a person; by default a plain prompt on a terminal, none otherwise. */
  readonly ask?: ((question: string, detail: string) => Promise<boolean>) | undefined;
}

/**
 * Test hook (LVSH_TEST_INJECT=kill-at:POINT or fail-at:POINT): lvsh is
 * killed (SIGKILL), or the write fails, at a named point of a transaction
 * (`journal:renamed`, `txn:applied`, `revision:synced` ... see exec/files.ts).
 */
export function installPointFaults(spec: string | undefined): void {
  // kill-at:POINT (the first time lvsh passes it) or kill-at:POINT#N (the N-th time)
  const m = spec ? /^(kill|fail)-at:([^#]+)(?:#(\d+))?$/.exec(spec) : null;
  if (!m) return;
  let seen = 0;
  setPointHook((name) => {
    if (name !== m[2] || ++seen !== Number(m[3] ?? 1)) return;
    if (m[1] === "kill") process.kill(process.pid, "SIGKILL");
    throw new Error(`injected failure at ${name} (LVSH_TEST_INJECT)`);
  });
}

export async function openSession(common: Common, io: CliIO, opts: OpenOptions = {}): Promise<Opened> {
  installPointFaults(process.env.LVSH_TEST_INJECT);
  const choice = await chooseTarget(common.target);
  const engine = new Engine({
    target: choice.target,
    stateDir: stateDirFrom(process.env, process.getuid?.()),
    // a test's fault: injected around the executors (target/inject.ts)
    ...(process.env.LVSH_TEST_INJECT ? { inject: process.env.LVSH_TEST_INJECT } : {}),
  });
  // a commit confirmed whose timer died is reverted before anything else
  await overdueConfirm(engine, io.stderr);
  const session = new Session({
    io: { write: opts.write ?? io.stdout, color: io.tty && !process.env.NO_COLOR, ...(io.tty && process.stdout.columns ? { columns: process.stdout.columns } : {}) },
    engine,
    yes: common.yes,
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...("ask" in opts ? (opts.ask ? { ask: opts.ask } : {}) : io.tty ? { ask } : {}),
    lvshCommand: selfCommand(),
    ...lockWait(process.env),
  });
  const diagnostics = await session.open();
  return { session, choice, diagnostics };
}

async function run(inv: Extract<Invocation, { kind: "run" }>, io: CliIO): Promise<number> {
  const name = "file" in inv.source ? inv.source.file : "-c";
  const source = "file" in inv.source ? await readSource(io, inv.source.file) : inv.source.text;
  if (source === undefined) return 2;
  // with --json, stdout carries only the JSON: what statements show goes to stderr
  const { session, diagnostics: opened } = await openSession(inv, io, { dryRun: inv.dryRun, write: inv.json ? io.stderr : io.stdout });
  try {
    const outcome = await session.run(source, name, { validate: true });
    const all = [...opened, ...outcome.diagnostics];
    const errors = all.filter((d) => d.severity === "error").length;
    if (all.length) io.stderr(session.render(all) + "\n");
    if (!outcome.ok) {
      io.stderr(`lvsh: ${countLine(errors, all.filter((d) => d.severity === "warning").length)} in ${name}; ${outcome.diagnostics.some((d) => d.code === "commit-failed" || d.code === "rollback-incomplete") ? "the commit failed" : "nothing was applied"}\n`);
      return 1;
    }
    if (!inv.dryRun && session.commits > 0) return 0;
    const { plan, diagnostics } = await session.plan();
    if (!plan) return 1;
    const printed = new Set(all.map((d) => d.message));
    const fresh = diagnostics.filter((d) => d.code === "host-unreadable" && !printed.has(d.message));
    if (fresh.length) io.stderr(session.render(fresh) + "\n");
    if (inv.dryRun) {
      io.stdout(inv.json ? JSON.stringify(planToJson(plan), null, 2) + "\n" : renderPlanShell(plan) + "\n");
      return 0;
    }
    io.stderr(`lvsh: staged ${name}: ${summaryLine(plan).replace(/^Plan: /, "")} Nothing was applied: the script does not commit.\n` + `See the plan with: lvsh --dry-run ${"file" in inv.source ? inv.source.file : "-c '...'"}; apply it with \`commit\` at its end.\n`);
    return 0;
  } finally {
    await session.close();
  }
}

async function check(files: readonly string[], io: CliIO): Promise<number> {
  let failed = false;
  for (const file of files) {
    const source = await readSource(io, file);
    if (source === undefined) return 2;
    const session = new Session({ io: { write: () => {} } });
    const all = session.checkSource(source, file, { validate: true });
    if (all.length) io.stderr(session.render(all) + "\n");
    const errors = all.filter((d) => d.severity === "error").length;
    const warnings = all.length - errors;
    if (errors) failed = true;
    io.stdout(errors ? `${file}: ${countLine(errors, warnings)}\n` : `${file}: ok${warnings ? ` (${countLine(0, warnings).replace(/^0 errors, /, "")})` : ""}\n`);
  }
  return failed ? 1 : 0;
}

async function show(inv: Extract<Invocation, { kind: "show" }>, io: CliIO): Promise<number> {
  const { session, diagnostics: opened } = await openSession(inv, io);
  try {
    const text = `show ${[inv.topic, ...inv.args, ...(inv.json ? ["json"] : [])].join(" ")}`;
    const outcome = await session.run(text, "<command line>");
    const ds = [...(inv.json ? [] : opened), ...outcome.diagnostics];
    if (ds.length) io.stderr(session.render(ds) + "\n");
    return outcome.ok ? 0 : 1;
  } finally {
    await session.close();
  }
}

async function recoverCmd(inv: Extract<Invocation, { kind: "recover" }>, io: CliIO): Promise<number> {
  installPointFaults(process.env.LVSH_TEST_INJECT);
  const choice = await chooseTarget(inv.target);
  const engine = new Engine({ target: choice.target, stateDir: stateDirFrom(process.env, process.getuid?.()) });
  try {
    const r = await recover(engine);
    switch (r.kind) {
      case "clean":
        io.stdout("nothing to recover: no commit was interrupted\n");
        return 0;
      case "refused":
        io.stderr(`lvsh: cannot recover: ${r.reason}\n`);
        return 1;
      case "finished":
        io.stdout(`the interrupted ${r.journal.what} (started ${r.journal.started}) had completed: revision ${r.revision.number} records it; only its journal was left, now removed\n`);
        return 0;
      case "recovered":
        if (r.txn.ok) {
          io.stdout(`recovered the interrupted ${r.journal.what} (started ${r.journal.started}): ${r.steps} step${r.steps === 1 ? "" : "s"} brought every host back to the state before it\n`);
          return 0;
        }
        io.stderr(`lvsh: recovery incomplete: ${[...(r.txn.rollback?.mismatches ?? []), r.txn.failed?.result.stderr.trim() ?? ""].filter(Boolean).join("; ")}\n`);
        return 1;
    }
  } finally {
    await engine.close();
  }
}

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (!(e instanceof StateFileError)) throw e;
    // damaged state is never guessed around: say which file, and what to do
    io.stderr(`${renderDiagnostics([stateDamaged(e)], () => undefined)}\nlvsh: nothing was applied\n`);
    return 1;
  }
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const inv = parseCli(argv);
  switch (inv.kind) {
    case "usage-error":
      io.stderr(`lvsh: ${inv.message}\nTry 'lvsh --help'.\n`);
      return 2;
    case "help":
      io.stdout(cliHelp(VERSION) + "\n");
      return 0;
    case "version":
      io.stdout(`lvsh ${VERSION}\n`);
      return 0;
    case "check":
      return check(inv.files, io);
    case "run":
      return run(inv, io);
    case "show":
      return show(inv, io);
    case "recover":
      return recoverCmd(inv, io);
    case "confirm-timer": {
      const choice = await chooseTarget(inv.target);
      const engine = new Engine({ target: choice.target, stateDir: stateDirFrom(process.env, process.getuid?.()) });
      await runTimer(engine);
      await engine.close();
      return 0;
    }
    case "import":
    case "export":
    case "save": {
      const interop = await import("./interop.js");
      return inv.kind === "import" ? interop.importCmd(inv, io) : inv.kind === "export" ? interop.exportCmd(inv, io) : interop.saveCmd(inv, io);
    }
    case "completion":
      return (await import("./completion.js")).completionCmd(inv, io);
    case "complete": {
      // normally answered by entry.ts before the program loads
      const { completeArgs, formatCompletion } = await import("./complete-args.js");
      const { completeStatements } = await import("./complete-statements.js");
      io.stdout(formatCompletion(await completeArgs(inv.words[0] ?? "", inv.words[1] ?? "", completeStatements)));
      return 0;
    }
    case "repl": {
      const { startRepl } = await import("../repl/index.js");
      return startRepl(inv, io);
    }
  }
}
