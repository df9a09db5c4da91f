/**
 * The lvsh command: argv in, exit code out. Reads files, talks to the
 * terminal, picks the target; everything else is the Session's.
 */
import { createInterface } from "node:readline/promises";
import { parse, renderDiagnostics, type ParseResult } from "../lang/index.js";
import type { Config } from "../model/index.js";
import { planToJson, renderPlanShell, summaryLine } from "../plan/index.js";
import { openSite, openSession, processIO, Session, stateDamaged, type FrontIO, type Opened, type OpenOptions } from "../session/index.js";
import { overdueConfirm, recover, runTimer } from "../txn/index.js";
import { counted, StateFileError } from "../util/index.js";
import { DOCTOR_USAGE, parseCli, type Common, type Invocation } from "./args.js";
import { cliHelp } from "./help.js";
import { VERSION } from "../util/version.js";
import { selfCommand } from "../util/self.js";

function countLine(errors: number, warnings: number): string {
  const e = counted(errors, "error");
  return warnings ? `${e}, ${counted(warnings, "warning")}` : e;
}

async function readSource(io: FrontIO, file: string): Promise<string | undefined> {
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
    return /^y(es)?$/i.test((await rl.question(`? ${question} (y/N) `)).trim());
  } finally {
    rl.close();
  }
}

/** A session for a command-line invocation: its target and --yes, this lvsh to start again, a prompt on a terminal. */
function openFor(common: Common, io: FrontIO, opts: Omit<OpenOptions, "target" | "yes" | "lvshCommand"> & { noAsk?: boolean } = {}): Promise<Opened> {
  return openSession(io, {
    target: common.target,
    yes: common.yes,
    parallel: common.parallel,
    lvshCommand: selfCommand(),
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...(opts.write ? { write: opts.write } : {}),
    ...(opts.noRead ? { noRead: true } : {}),
    ...(opts.meanwhile ? { meanwhile: opts.meanwhile } : {}),
    ...(opts.noAsk ? {} : opts.ask ? { ask: opts.ask } : io.tty ? { ask } : {}),
  });
}

async function run(inv: Extract<Invocation, { kind: "run" }>, io: FrontIO): Promise<number> {
  const name = "file" in inv.source ? inv.source.file : "-c";
  const source = "file" in inv.source ? await readSource(io, inv.source.file) : inv.source.text;
  if (source === undefined) return 2;
  // with --json, stdout carries only the JSON: what statements show goes to stderr
  // the script is parsed while the hosts are read
  let parsed: ParseResult | undefined;
  const { session, diagnostics: opened } = await openFor(inv, io, { dryRun: inv.dryRun, write: inv.json ? io.stderr : io.stdout, meanwhile: () => void (parsed = parse(source, name)) });
  try {
    const outcome = await session.run(source, name, { validate: true, ...(parsed ? { parsed } : {}) });
    const all = [...opened, ...outcome.diagnostics];
    const errors = all.filter((d) => d.severity === "error").length;
    if (all.length) io.stderr(session.render(all) + "\n");
    if (!outcome.ok) {
      io.stderr(`lvsh: ${countLine(errors, all.filter((d) => d.severity === "warning").length)} in ${name}; ${outcome.diagnostics.some((d) => d.code === "commit-failed" || d.code === "rollback-incomplete") ? "the commit failed" : "nothing was applied"}\n`);
      return 1;
    }
    if (session.declined || session.doctorFailed) return 1;
    if (!inv.dryRun && session.commits > 0) return 0;
    const { plan, diagnostics } = await session.plan();
    const printed = new Set(all.map((d) => d.message));
    if (!plan) {
      // planning refused what the script built (an interface the host lacks...): every reason, located, and a last line
      const reasons = diagnostics.filter((d) => !printed.has(d.message));
      if (reasons.length) io.stderr(session.render(reasons) + "\n");
      const errs = diagnostics.filter((d) => d.severity === "error").length;
      io.stderr(`lvsh: ${errs ? countLine(errs, diagnostics.length - errs) : "no plan could be made"} in ${name}; nothing was applied\n`);
      return 1;
    }
    const fresh = diagnostics.filter((d) => d.code === "host-unreadable" && !printed.has(d.message));
    if (fresh.length) io.stderr(session.render(fresh) + "\n");
    if (inv.dryRun) {
      io.stdout(inv.json ? JSON.stringify(planToJson(plan), null, 2) + "\n" : renderPlanShell(plan) + "\n");
      return 0;
    }
    if (!session.hasStaged) return 0;
    io.stderr(`lvsh: staged ${name}: ${summaryLine(plan).replace(/^Plan: /, "")} Nothing was applied: the script does not commit.\n` + `See the plan with: lvsh --dry-run ${"file" in inv.source ? inv.source.file : "-c '...'"}; apply it with \`commit\` at its end.\n`);
    return 0;
  } finally {
    await session.close();
  }
}

/** What a script starts from: the last committed revision (read offline: no host is contacted), else nothing. */
async function committedConfig(target: Common["target"]): Promise<Config | undefined> {
  try {
    const { site } = await openSite(target);
    const rev = site.latest();
    return rev ? site.revisionConfig(rev) : undefined;
  } catch {
    return undefined; // no state directory of ours here: check from nothing
  }
}

async function check(inv: Extract<Invocation, { kind: "check" }>, io: FrontIO): Promise<number> {
  let failed = false;
  const start = await committedConfig(inv.target);
  for (const file of inv.files) {
    const source = await readSource(io, file);
    if (source === undefined) return 2;
    const session = new Session({ io: { write: () => {} } });
    if (start) session.startFrom(start);
    const all = session.checkSource(source, file, { validate: true });
    if (all.length) io.stderr(session.render(all) + "\n");
    const errors = all.filter((d) => d.severity === "error").length;
    const warnings = all.length - errors;
    if (errors) failed = true;
    io.stdout(errors ? `${file}: ${countLine(errors, warnings)}\n` : `${file}: ok${warnings ? ` (${countLine(0, warnings).replace(/^0 errors, /, "")})` : ""}\n`);
  }
  return failed ? 1 : 0;
}

async function show(inv: Extract<Invocation, { kind: "show" }>, io: FrontIO): Promise<number> {
  const { session, diagnostics: opened } = await openFor(inv, io);
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

async function doctorCmd(inv: Extract<Invocation, { kind: "doctor" }>, io: FrontIO): Promise<number> {
  // doctor reads every host itself: no read when the session opens (one round trip per host, not two)
  const { session, diagnostics: opened } = await openFor(inv, io, { noRead: true });
  try {
    const outcome = await session.run(["doctor", ...inv.args, ...(inv.json ? ["json"] : [])].join(" "), "<command line>");
    const ds = [...(inv.json ? [] : opened.filter((d) => d.code !== "host-unreadable")), ...outcome.diagnostics];
    if (ds.length) io.stderr(session.render(ds) + "\n");
    if (!outcome.ok) {
      io.stderr(`${DOCTOR_USAGE}\n`);
      return 2;
    }
    return session.doctorFailed ? 1 : 0;
  } finally {
    await session.close();
  }
}

async function recoverCmd(inv: Extract<Invocation, { kind: "recover" }>, io: FrontIO): Promise<number> {
  const { site } = await openSite(inv.target, process.env, { parallel: inv.parallel });
  try {
    const r = await recover(site);
    // a commit confirmed that was overdue (its timer died, maybe in the middle of its revert) is reverted now
    if (r.kind !== "refused") await overdueConfirm(site, io.stderr);
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
          io.stdout(`recovered the interrupted ${r.journal.what} (started ${r.journal.started}): ${counted(r.steps, "step")} brought every host back to the state before it\n`);
          return 0;
        }
        io.stderr(`lvsh: recovery incomplete: ${[...(r.txn.verifyMismatches ?? []).map((m) => `still differs: ${m}`), ...(r.txn.rollback?.mismatches ?? []), r.txn.failed ? `step ${r.txn.failed.step.id} on ${r.txn.failed.step.host} failed: ${r.txn.failed.result.stderr.trim() || `exit status ${r.txn.failed.result.exitCode}`}` : ""].filter(Boolean).join("; ") || "the hosts could not be read back"}\n`);
        return 1;
    }
  } finally {
    await site.close();
  }
}

export async function main(argv: readonly string[], io: FrontIO = processIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (!(e instanceof StateFileError)) throw e;
    // damaged state is never guessed around: say which file, and what to do
    io.stderr(`${renderDiagnostics([stateDamaged(e)], () => undefined)}\nlvsh: nothing was applied\n`);
    return 1;
  }
}

async function dispatch(argv: readonly string[], io: FrontIO): Promise<number> {
  const inv = parseCli(argv);
  switch (inv.kind) {
    case "usage-error":
      io.stderr(`lvsh: ${inv.message}\n${inv.usage ? `${inv.usage}\n` : ""}Try 'lvsh --help'.\n`);
      return 2;
    case "help":
      io.stdout(cliHelp(VERSION) + "\n");
      return 0;
    case "version":
      io.stdout(`lvsh ${VERSION}\n`);
      return 0;
    case "check":
      return check(inv, io);
    case "run":
      return run(inv, io);
    case "show":
      return show(inv, io);
    case "recover":
      return recoverCmd(inv, io);
    case "doctor":
      return doctorCmd(inv, io);
    case "watch":
      return (await import("./watch.js")).watchCmd(inv, io);
    case "confirm-timer": {
      const { site } = await openSite(inv.target);
      await runTimer(site);
      await site.close();
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
      const { answerComplete } = await import("./complete-args.js");
      const { completeStatements } = await import("./complete-statements.js");
      io.stdout(await answerComplete(inv.words, completeStatements));
      return 0;
    }
    case "repl": {
      const { startRepl } = await import("../repl/index.js");
      return startRepl(inv, io);
    }
  }
}
