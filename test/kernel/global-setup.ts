/**
 * Boots the lab VM once for the whole kernel suite: `lab.sh run
 * guest/suite.sh DIR` (fetches the kernel and builds the initramfs first if
 * the cache lacks them), then hands DIR to the tests as `inject("lab")`.
 *
 * Before: builds dist/ when it is missing or older than the sources (the
 * guest runs the bundle). After: prints the figures -- boot, run, each
 * scenario's time, the 10,000-server ratio -- and writes them to
 * test/kernel/.cache/last-run.json (and summary.json in DIR). DIR is removed
 * afterwards unless LVSH_LAB_RESULTS_DIR names it. A non-zero exit of the
 * suite itself is only information: the tests judge what the guest wrote.
 *
 * Environment: LVSH_LAB_TIMEOUT (a ceiling, default 3600 s; the guest's
 * suite announces a budget calibrated on the machine, which lab.sh keeps),
 * LVSH_LAB_RESULTS_DIR, LVSH_LAB_SCENARIOS (space-separated: run only
 * these), and any LAB_* variable, passed to the guest's scenarios
 * (LAB_SUITE=full, LAB_LANES=1, LAB_FAULTS_MIXED=all, ...).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { benchReport, breakdown, ratio, type BenchResult } from "./bench.js";
import { labUnavailable, type LabRun } from "./lab.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "inherit", "inherit"], env });
    child.on("error", fail);
    child.on("exit", (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** Builds dist/ when a source is newer than the bundle; the reason it could not, if it failed. */
async function ensureBundle(): Promise<string | undefined> {
  const bundle = join(root, "dist", "lvsh.mjs");
  const inputs = ["src", "package.json", "scripts/build.mjs"].map((p) => join(root, p));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= Math.max(...inputs.map(newest))) return undefined;
  process.stderr.write("lab: dist/ is older than the sources: npm run build\n");
  const code = await run([process.execPath, join(root, "scripts", "build.mjs")]);
  return code === 0 ? undefined : `npm run build failed (exit ${code}); the guest runs dist/lvsh.mjs`;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

interface SuiteEntry {
  name: string;
  exit: number | null;
  ms: number;
  lane?: number;
  start_ms?: number;
  limit_s?: number;
}
interface Calibration {
  calib_ms: number;
  ref_calib_ms: number;
  factor: number;
  lanes: number;
  budget_s: number;
  suite: string;
}

/** The figures of a run, for people: printed, and written as JSON. */
function summarize(dir: string): SuiteEntry[] {
  const timing = readJson<{ boot_s: number | null; run_s: number | null; total_s: number }>(join(dir, "timing.json"));
  const suite = readJson<{ wall_ms: number; lanes: number; scenarios: SuiteEntry[] }>(join(dir, "suite.json"));
  const calib = readJson<Calibration>(join(dir, "calibration.json"));
  const bench = readJson<BenchResult & { error?: string }>(join(dir, "bench.json"));
  const lines = [`lab: boot ${timing?.boot_s ?? "?"} s, run ${timing?.run_s ?? "?"} s (total ${timing?.total_s ?? "?"} s)`];
  if (calib) {
    lines.push(
      `lab: suite ${calib.suite}, ${calib.lanes} lane(s); calibration ${calib.calib_ms} ms (reference ${calib.ref_calib_ms} ms, factor ${calib.factor}), budget ${calib.budget_s} s`,
    );
  }
  if (suite) {
    lines.push(`lab: scenarios in ${(suite.wall_ms / 1000).toFixed(1)} s on ${suite.lanes} lane(s):`);
    for (const s of [...suite.scenarios].sort((a, b) => (a.start_ms ?? 0) - (b.start_ms ?? 0))) {
      lines.push(
        `lab:   ${s.name.padEnd(20)} ${(s.ms / 1000).toFixed(1).padStart(6)} s` +
          (s.lane !== undefined ? `  lane ${s.lane}, from ${((s.start_ms ?? 0) / 1000).toFixed(1)} s, limit ${s.limit_s} s` : "") +
          (s.exit ? `  (exit ${s.exit})` : ""),
      );
    }
  }
  const ok = bench && bench.error === undefined && bench.lvsh;
  if (ok) lines.push(...benchReport(bench).map((l) => `lab bench: ${l}`));
  process.stderr.write(lines.join("\n") + "\n");
  const summary = {
    time: new Date().toISOString(),
    timing,
    calibration: calib,
    wall_ms: suite?.wall_ms,
    scenarios: suite?.scenarios ?? [],
    bench: ok
      ? {
          entries: bench.entries,
          lvsh_ms: bench.lvsh.ms,
          bare_ms: bench.bare_ms,
          ratio: Number(ratio(bench).toFixed(3)),
          goal: 1.2,
          node_ms: bench.node_ms,
          lvsh_version_ms: bench.lvsh_version_ms,
          breakdown: bench.tracing === "" ? breakdown(bench.trace) : undefined,
        }
      : undefined,
  };
  writeFileSync(join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  try {
    mkdirSync(join(here, ".cache"), { recursive: true });
    writeFileSync(join(here, ".cache", "last-run.json"), JSON.stringify(summary, null, 2) + "\n");
    process.stderr.write(`lab: figures written to ${join(here, ".cache", "last-run.json")}\n`);
  } catch {
    // the cache may be read-only; summary.json in the results is enough
  }
  return suite?.scenarios ?? [];
}

export default async function setup(project: TestProject): Promise<() => void> {
  const skip = labUnavailable();
  if (skip !== undefined) {
    process.stderr.write(`lab: the kernel tests are skipped: ${skip}\n`);
    project.provide("lab", { skip });
    return () => {};
  }
  const keep = process.env.LVSH_LAB_RESULTS_DIR;
  const dir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), "lvsh-lab-"));
  mkdirSync(dir, { recursive: true });
  const buildError = await ensureBundle();
  if (buildError) {
    project.provide("lab", { dir, error: buildError });
    return () => {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    };
  }
  const passed = Object.entries(process.env)
    .filter(([k, v]) => /^LAB_[A-Z0-9_]+$/.test(k) && v !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  const only = (process.env.LVSH_LAB_SCENARIOS ?? "").split(/\s+/).filter(Boolean);
  // the guest announces a budget calibrated on this machine (suite.sh); this is only the ceiling
  const env = { ...process.env, LVSH_LAB_TIMEOUT: process.env.LVSH_LAB_TIMEOUT ?? "3600" };
  const exitCode = await run(["bash", join(here, "lab.sh"), "run", join(here, "guest", "suite.sh"), dir, ...passed, ...only], env);
  const lab: LabRun = { dir, exitCode };
  if (exitCode === 124) lab.error = `the VM timed out (lab.sh names the scenarios that were running, above); console: ${join(dir, "console.log")}`;
  else if (exitCode === 125) lab.error = "lab.sh failed before the guest suite finished; see its output above";
  else if (!existsSync(join(dir, "exit"))) lab.error = `lab.sh exited ${exitCode} without a result`;
  if (lab.error === undefined) lab.scenarios = summarize(dir);
  project.provide("lab", lab);
  return () => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
}
