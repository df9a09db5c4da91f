/**
 * The lvsh command: argv in, exit code out. Reads files and writes to the
 * terminal; everything else is the Session's.
 */
import { readFile } from "node:fs/promises";
import { planToJson, renderPlanShell, summaryLine } from "../plan/index.js";
import { Session } from "../session/index.js";
import { parseCli, type Invocation } from "./args.js";
import { cliHelp } from "./help.js";
import { VERSION } from "./version.js";

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
}

export const processIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  readFile: (p) => readFile(p, "utf8"),
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

async function run(inv: Extract<Invocation, { kind: "run" }>, io: CliIO): Promise<number> {
  const name = "file" in inv.source ? inv.source.file : "-c";
  const source = "file" in inv.source ? await readSource(io, inv.source.file) : inv.source.text;
  if (source === undefined) return 2;
  // with --json, stdout carries only the JSON: what statements show goes to stderr
  const session = new Session({ write: inv.json ? io.stderr : io.stdout });
  const outcome = await session.run(source, name, { validate: true });
  const errors = outcome.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = outcome.diagnostics.filter((d) => d.severity === "warning").length;
  if (outcome.diagnostics.length) io.stderr(session.render(outcome.diagnostics) + "\n");
  if (!outcome.ok) {
    io.stderr(`lvsh: ${countLine(errors, warnings)} in ${name}; nothing was applied\n`);
    return 1;
  }
  const { plan } = session.plan();
  if (!plan) return 1;
  if (inv.dryRun) {
    io.stdout(inv.json ? JSON.stringify(planToJson(plan), null, 2) + "\n" : renderPlanShell(plan) + "\n");
    return 0;
  }
  io.stderr(
    `lvsh: staged ${name}: ${summaryLine(plan).replace(/^Plan: /, "")} Nothing was applied: this version of lvsh plans but does not commit.\n` +
      `See the plan with: lvsh --dry-run ${"file" in inv.source ? inv.source.file : "-c '...'"}\n`,
  );
  return 0;
}

async function check(files: readonly string[], io: CliIO): Promise<number> {
  let failed = false;
  for (const file of files) {
    const source = await readSource(io, file);
    if (source === undefined) return 2;
    const session = new Session({ write: () => {} });
    const all = session.checkSource(source, file, { validate: true });
    if (all.length) io.stderr(session.render(all) + "\n");
    const errors = all.filter((d) => d.severity === "error").length;
    const warnings = all.length - errors;
    if (errors) failed = true;
    io.stdout(errors ? `${file}: ${countLine(errors, warnings)}\n` : `${file}: ok${warnings ? ` (${countLine(0, warnings).replace(/^0 errors, /, "")})` : ""}\n`);
  }
  return failed ? 1 : 0;
}

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
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
    case "repl": {
      const { startRepl } = await import("../repl/index.js");
      return startRepl();
    }
  }
}
