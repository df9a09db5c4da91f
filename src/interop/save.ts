/**
 * `save` / `lvsh save`: writes the save plan. Files on this machine (`to`)
 * are written directly; files on the hosts go through their executors
 * (`mkdir -p`, `tee` of a temporary file, `mv` over the old one), so they
 * reach real servers over ssh, namespaces or the simulated target like
 * every other command. Each file is listed (host, path, what) before any
 * is written.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { error, warning, type Diagnostic, type Span } from "../lang/index.js";
import type { Executor } from "../exec/index.js";
import { compile } from "../model/index.js";
import { configOf, type Engine } from "../txn/index.js";
import { savePlan, type SaveFile, type SavePlan } from "./persist.js";

export interface SaveRequest {
  readonly format: "lvsh" | "ipvsadm";
  /** Absolute. */
  readonly to?: string;
  readonly lvsh: readonly string[];
  readonly say: (text: string) => void;
  /** Where diagnostics point (the `save` statement). */
  readonly span?: Span;
  /** List what would be written; write nothing. */
  readonly dryRun?: boolean;
}

function writeLocal(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.lvsh-new`;
  writeFileSync(tmp, text, { mode: path.endsWith(".service") || path.endsWith(".conf") ? 0o644 : 0o600 });
  renameSync(tmp, path);
}

async function writeRemote(exec: Executor, f: SaveFile): Promise<string | undefined> {
  const tmp = `${f.path}.lvsh-new`;
  const steps: [readonly string[], string | undefined][] = [
    [["mkdir", "-p", dirname(f.path)], undefined],
    [["tee", tmp], f.text],
    [["mv", "-f", tmp, f.path], undefined],
  ];
  for (const [argv, stdin] of steps) {
    const r = await exec.run(argv, stdin !== undefined ? { stdin } : {});
    if (r.exitCode !== 0) return `\`${argv.join(" ")}\` failed: ${(r.stderr || r.stdout).trim() || `exit status ${r.exitCode}`}`;
  }
  return undefined;
}

const where = (f: Pick<SaveFile, "host" | "path">) => (f.host === "local" ? f.path : `${f.host}:${f.path}`);

export async function writeSavePlan(plan: SavePlan, executor: (host: string) => Executor, req: SaveRequest): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  req.say(`lvsh save: ${plan.files.length} file${plan.files.length === 1 ? "" : "s"}:\n${plan.files.map((f) => `  ${where(f)}: ${f.what}\n`).join("")}`);
  if (req.dryRun) return [{ severity: "info", code: "dry-run", message: "dry run: nothing was saved", ...(req.span ? { span: req.span } : {}) }];
  for (const f of plan.files) {
    let problem: string | undefined;
    if (f.host === "local") {
      try {
        writeLocal(f.path, f.text);
      } catch (e) {
        problem = (e as Error).message;
      }
    } else problem = await writeRemote(executor(f.host), f);
    if (problem) out.push(error("save-failed", `cannot write ${where(f)}: ${problem}`, req.span));
    else req.say(`wrote ${where(f)}\n`);
  }
  for (const u of plan.enable) {
    if (out.length) break;
    const r = await executor(u.host).run(["systemctl", "enable", u.unit]);
    if (r.exitCode === 0) req.say(`enabled ${u.unit} on ${u.host}\n`);
    else out.push(warning("save-failed", `written, but \`systemctl enable ${u.unit}\` failed on ${u.host}: ${(r.stderr || r.stdout).trim()}; enable it there yourself`, req.span));
  }
  for (const n of plan.notes) req.say(`note: ${n}\n`);
  return out;
}

/** Saves the last committed revision of the engine's target. */
export async function saveCommitted(engine: Engine, req: SaveRequest): Promise<Diagnostic[]> {
  const rev = engine.latest();
  if (!rev) return [error("nothing-committed", "there is nothing to save: nothing has been committed on this target", req.span, { hint: "`commit` first; `save` writes the committed configuration" })];
  const config = configOf(rev.config, `<revision ${rev.number}>`);
  const plan = savePlan(config, {
    format: req.format,
    ...(req.to ? { to: req.to } : {}),
    revision: rev.number,
    lvsh: req.lvsh,
    stateDir: engine.paths.root,
    distro: existsSync("/etc/redhat-release") ? "rhel" : "debian",
  });
  engine.hosts([compile(config)]); // so that each real server is reached as the configuration says
  return writeSavePlan(plan, (h) => engine.executor(h), req);
}
