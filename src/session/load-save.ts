/**
 * `load FILE` and `save [to PATH] [format F]` in a session. `load` reads
 * the file in both passes (check and run), so the check pass sees the
 * candidate it makes; its errors point into the loaded file. `save` writes
 * the committed configuration (src/interop).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { error, isSessionStatement, parse, type ConfigStatement, type Diagnostic, type LoadStmt, type SaveStmt } from "../lang/index.js";
import { emptyConfig, emptyContext, evaluate, type Config } from "../model/index.js";
import { saveCommitted } from "../interop/index.js";
import { names, saveFormats, type SaveFormat } from "../interop/formats.js";
import type { Session, SessionState } from "./session.js";
import { say } from "./say.js";

interface Loaded {
  readonly config?: Config;
  readonly diagnostics: Diagnostic[];
}

function loadFile(s: LoadStmt, session: Session): Loaded {
  const path = s.path.value;
  let text: string;
  try {
    text = (session.io.readFile ?? ((p: string) => readFileSync(p, "utf8")))(path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { diagnostics: [error("load-failed", `cannot read ${path}: ${why}`, s.path.span)] };
  }
  session.sources.set(path, text);
  const parsed = parse(text, path);
  const config = parsed.statements.filter((x): x is ConfigStatement => !isSessionStatement(x));
  const misplaced = parsed.statements
    .filter(isSessionStatement)
    .map((x) => error("load-not-config", `\`${x.kind}\` in ${path}: a loaded file holds configuration only`, x.span, { hint: `run ${path} as a script instead: lvsh ${path}` }));
  const r = evaluate(config, emptyConfig(), emptyContext, parsed.contextLost);
  return { config: r.config, diagnostics: [...parsed.diagnostics, ...misplaced, ...r.diagnostics] };
}

const hasError = (ds: readonly Diagnostic[]) => ds.some((d) => d.severity === "error");

export function loadCheck(s: LoadStmt, shadow: SessionState, session: Session): Diagnostic[] {
  const r = loadFile(s, session);
  if (r.config && !hasError(r.diagnostics)) {
    shadow.candidate = r.config;
    shadow.context = emptyContext;
  }
  return r.diagnostics;
}

export async function loadRun(s: LoadStmt, session: Session): Promise<Diagnostic[]> {
  const r = loadFile(s, session);
  // the check pass reported its warnings already; errors here mean the file changed since
  if (!r.config || hasError(r.diagnostics)) return r.diagnostics.filter((d) => d.severity === "error");
  session.replaceCandidate(r.config);
  say(session.io, `loaded ${s.path.value}: it is now the candidate; \`commit\` applies it.`);
  return [];
}


export function saveCheck(s: SaveStmt): Diagnostic[] {
  if (s.format && !names(saveFormats).includes(s.format.value)) {
    return [error("unknown-format", `\`${s.format.value}\` is not a save format`, s.format.span, { hint: `formats: ${names(saveFormats).join(", ")}` })];
  }
  return [];
}

export async function saveRun(s: SaveStmt, session: Session): Promise<Diagnostic[]> {
  // `lvsh check` has no target: it checks the statement, and only running it needs one
  if (!session.site) return [error("not-available", "`save` needs a target", s.span)];
  return saveCommitted(session.site, {
    format: (s.format?.value ?? "lvsh") as SaveFormat,
    ...(s.to ? { to: resolve(s.to.value) } : {}),
    lvsh: session.opts.lvshCommand ?? [process.execPath, process.argv[1]!],
    say: (t) => session.io.write(t),
    span: s.span,
    ...(session.opts.dryRun ? { dryRun: true } : {}),
  });
}
