/**
 * `save` / `lvsh save`: writes the save plan, all or nothing. Files on
 * this machine (`to`) are written directly; files on the hosts go through
 * their executors (`mkdir -p`, `tee` of a temporary file, `mv` over the old
 * one), so they reach real servers over ssh, namespaces or the simulated
 * target like every other command. Each file is listed (host, path, what)
 * before any is written.
 */
import type { SaveFormat } from "./formats.js";
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { error, type Diagnostic, type Span } from "../lang/index.js";
import type { Executor } from "../exec/index.js";
import { compile } from "../model/index.js";
import type { Site } from "../txn/index.js";
import { savePlan, type SaveFile, type SavePlan } from "./persist.js";
import { counted } from "../util/words.js";

export interface SaveRequest {
  readonly format: SaveFormat;
  /** Absolute. */
  readonly to?: string;
  readonly lvsh: readonly string[];
  readonly say: (text: string) => void;
  /** Where diagnostics point (the `save` statement). */
  readonly span?: Span;
  /** List what would be written; write nothing. */
  readonly dryRun?: boolean;
}

/**
 * One file's part of an all-or-nothing save: staged beside its place
 * (PATH.lvsh-new), then swapped in (the old one kept as PATH.lvsh-old until
 * the end), and undone by putting the old one back.
 */
interface FileOps {
  stage(): Promise<string | undefined>;
  swap(): Promise<string | undefined>;
  unstage(): Promise<void>;
  restore(): Promise<void>;
  cleanup(): Promise<void>;
}

const NEW = ".lvsh-new";
const OLD = ".lvsh-old";

function localOps(f: SaveFile): FileOps {
  const mode = f.path.endsWith(".service") || f.path.endsWith(".conf") ? 0o644 : 0o600;
  let had = false;
  const rm = (p: string) => {
    try {
      rmSync(p, { force: true });
    } catch {
      /* nothing there to remove */
    }
  };
  const attempt = async (fn: () => void): Promise<string | undefined> => {
    try {
      fn();
      return undefined;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
  };
  return {
    stage: () =>
      attempt(() => {
        mkdirSync(dirname(f.path), { recursive: true });
        writeFileSync(f.path + NEW, f.text, { mode });
      }),
    swap: () =>
      attempt(() => {
        had = existsSync(f.path);
        if (had) copyFileSync(f.path, f.path + OLD);
        renameSync(f.path + NEW, f.path);
      }),
    unstage: async () => rm(f.path + NEW),
    restore: async () => {
      if (had) renameSync(f.path + OLD, f.path);
      else rm(f.path);
    },
    cleanup: async () => rm(f.path + OLD),
  };
}

function remoteOps(exec: Executor, f: SaveFile): FileOps {
  let had = false;
  const run = async (argv: readonly string[], stdin?: string): Promise<string | undefined> => {
    const r = await exec.run(argv, stdin !== undefined ? { stdin } : {});
    return r.exitCode === 0 ? undefined : `\`${argv.join(" ")}\` failed: ${(r.stderr || r.stdout).trim() || `exit status ${r.exitCode}`}`;
  };
  return {
    stage: async () => (await run(["mkdir", "-p", dirname(f.path)])) ?? (await run(["tee", f.path + NEW], f.text)),
    swap: async () => {
      had = (await exec.run(["test", "-e", f.path])).exitCode === 0;
      return (had ? await run(["cp", "-p", f.path, f.path + OLD]) : undefined) ?? (await run(["mv", "-f", f.path + NEW, f.path]));
    },
    unstage: async () => void (await exec.run(["rm", "-f", f.path + NEW])),
    restore: async () => void (await exec.run(had ? ["mv", "-f", f.path + OLD, f.path] : ["rm", "-f", f.path])),
    cleanup: async () => void (await exec.run(["rm", "-f", f.path + OLD])),
  };
}

const where = (f: Pick<SaveFile, "host" | "path">) => (f.host === "local" ? f.path : `${f.host}:${f.path}`);

/**
 * Writes a save plan all or nothing: every file is staged first (so a path
 * that fails on one host changes nothing anywhere), then swapped in, then
 * the units are enabled; a failure on the way puts every file back as it was
 * and disables what this save enabled.
 */
export async function writeSavePlan(plan: SavePlan, executor: (host: string) => Executor, req: SaveRequest): Promise<Diagnostic[]> {
  req.say(`lvsh save: ${counted(plan.files.length, "file")}:\n${plan.files.map((f) => `  ${where(f)}: ${f.what}\n`).join("")}`);
  if (req.dryRun) return [{ severity: "info", code: "dry-run", message: "dry run: nothing was saved", ...(req.span ? { span: req.span } : {}) }];
  const ops = plan.files.map((f) => ({ f, op: f.host === "local" ? localOps(f) : remoteOps(executor(f.host), f) }));
  const fail = (what: string) => [error("save-failed", `${what}; nothing was saved (every file is as it was)`, req.span)];
  // 1. stage every file beside its place
  for (const [i, { f, op }] of ops.entries()) {
    const problem = await op.stage();
    if (problem) {
      for (const o of ops.slice(0, i + 1)) await o.op.unstage();
      return fail(`cannot write ${where(f)}: ${problem}`);
    }
  }
  // 2. swap them in
  for (const [i, { f, op }] of ops.entries()) {
    const problem = await op.swap();
    if (problem) {
      for (const o of ops.slice(0, i).reverse()) await o.op.restore();
      for (const o of ops.slice(i)) await o.op.unstage();
      return fail(`cannot put ${where(f)} in place: ${problem}`);
    }
  }
  // 3. enable the units (those enabled already are left as they are)
  const enabled: { host: string; unit: string }[] = [];
  for (const u of plan.enable) {
    const exec = executor(u.host);
    if ((await exec.run(["systemctl", "is-enabled", "--quiet", u.unit])).exitCode === 0) continue;
    const r = await exec.run(["systemctl", "enable", u.unit]);
    if (r.exitCode !== 0) {
      for (const e of enabled.reverse()) await executor(e.host).run(["systemctl", "disable", e.unit]);
      for (const o of [...ops].reverse()) await o.op.restore();
      return fail(`\`systemctl enable ${u.unit}\` failed on ${u.host}: ${(r.stderr || r.stdout).trim()}`);
    }
    enabled.push(u);
  }
  for (const o of ops) await o.op.cleanup();
  for (const { f } of ops) req.say(`wrote ${where(f)}\n`);
  for (const u of enabled) req.say(`enabled ${u.unit} on ${u.host}\n`);
  for (const n of plan.notes) req.say(`note: ${n}\n`);
  return [];
}

/** Saves the last committed revision of the site's target. */
export async function saveCommitted(site: Site, req: SaveRequest): Promise<Diagnostic[]> {
  const rev = site.latest();
  if (!rev) return [error("nothing-committed", "there is nothing to save: nothing has been committed on this target", req.span, { hint: "`commit` first; `save` writes the committed configuration" })];
  const config = site.revisionConfig(rev);
  const plan = savePlan(config, {
    format: req.format,
    ...(req.to ? { to: req.to } : {}),
    revision: rev.number,
    lvsh: req.lvsh,
    stateDir: site.paths.root,
    distro: existsSync("/etc/redhat-release") ? "rhel" : "debian",
  });
  site.hosts([compile(config)]); // so that each real server is reached as the configuration says
  return writeSavePlan(plan, (h) => site.executor(h), req);
}
