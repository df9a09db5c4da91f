/**
 * Parse + validate + plan of a generated script: SERVICES services, each
 * with RS real servers (from a pool of RS addresses shared by all services,
 * as a web farm serving many ports), ARP hidden on the real servers.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, type ConfigStatement } from "../src/lang/index.js";
import { compile, emptyConfig, emptyContext, evaluate, validate } from "../src/model/index.js";
import { makePlan, planToJson } from "../src/plan/index.js";

export function generateScript(services: number, rs: number): string {
  const lines = ["clear", "vip 10.0.0.1 on eth0"];
  for (let s = 0; s < services; s++) {
    lines.push(`service :${10000 + s} wrr`);
    for (let r = 0; r < rs; r++) lines.push(`add rs 10.0.${1 + Math.floor(r / 250)}.${1 + (r % 250)} weight ${1 + (r % 5)}`);
  }
  lines.push("arp hide on rs");
  return lines.join("\n") + "\n";
}

export interface PipelineTimes {
  parse: number;
  evaluate: number;
  validate: number;
  compile: number;
  plan: number;
  total: number;
  steps: number;
}

export function timePipeline(src: string): PipelineTimes {
  const t0 = performance.now();
  const p = parse(src, "bench.lvsh");
  const t1 = performance.now();
  const e = evaluate(p.statements as ConfigStatement[], emptyConfig(), emptyContext);
  const t2 = performance.now();
  const v = validate(e.config);
  const t3 = performance.now();
  const d = compile(e.config);
  const t4 = performance.now();
  const plan = makePlan({ hosts: {} }, d);
  planToJson(plan);
  const t5 = performance.now();
  if (p.diagnostics.length || e.diagnostics.length || v.some((x) => x.severity === "error")) throw new Error("bench script has errors");
  return { parse: t1 - t0, evaluate: t2 - t1, validate: t3 - t2, compile: t4 - t3, plan: t5 - t4, total: t5 - t0, steps: plan.steps.length };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function benchLanguage(log: (line: string) => void): void {
  log("parse + validate + plan (median of 5 runs, after 2 warm-up runs)");
  const results: { rs: number; t: PipelineTimes }[] = [];
  for (const [services, rs] of [
    [100, 100],
    [1000, 100],
  ] as const) {
    const src = generateScript(services, rs);
    for (let i = 0; i < 2; i++) timePipeline(src);
    const runs = Array.from({ length: 5 }, () => timePipeline(src));
    const t: PipelineTimes = {
      parse: median(runs.map((r) => r.parse)),
      evaluate: median(runs.map((r) => r.evaluate)),
      validate: median(runs.map((r) => r.validate)),
      compile: median(runs.map((r) => r.compile)),
      plan: median(runs.map((r) => r.plan)),
      total: median(runs.map((r) => r.total)),
      steps: runs[0]!.steps,
    };
    results.push({ rs: services * rs, t });
    const f = (x: number) => x.toFixed(1).padStart(7);
    log(
      `  ${String(services).padStart(4)} services x ${rs} rs = ${String(services * rs).padStart(6)} real servers, ${t.steps} steps: ` +
        `total ${f(t.total)} ms (parse ${f(t.parse)}, evaluate ${f(t.evaluate)}, validate ${f(t.validate)}, compile ${f(t.compile)}, plan ${f(t.plan)}); ` +
        `${((t.total * 1000) / (services * rs)).toFixed(2)} us per real server`,
    );
  }
  const [a, b] = results;
  log(`  growth: 10x the real servers took ${(b!.t.total / a!.t.total).toFixed(1)}x the time (linear = 10x); goal for 10,000: < 100 ms -> ${a!.t.total < 100 ? "met" : "NOT met"}`);
}

/** Wall time of the built CLI planning the 10,000-server script in a fresh process, as a user runs it. */
export function benchCliDryRun(log: (line: string) => void, lvsh: string): void {
  const dir = mkdtempSync(join(tmpdir(), "lvsh-bench-"));
  const file = join(dir, "big.lvsh");
  writeFileSync(file, generateScript(100, 100));
  const env = { ...process.env, LVSH_STATE_DIR: join(dir, "state") };
  const wall = (argv: string[]) => {
    const t = performance.now();
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"], env });
    if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
    return performance.now() - t;
  };
  const runs = (argv: string[], n = 5) => median(Array.from({ length: n }, () => wall(argv)));
  // node -e 0 and the seed run by turns, after a warm-up: a machine busy with something else then weighs on both alike
  const node0Argv = [process.execPath, "-e", "0"];
  const seedArgv = [lvsh, "--sim", "--dry-run", "-c", "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs"];
  for (let i = 0; i < 2; i++) [node0Argv, seedArgv].forEach(wall);
  const rounds = Array.from({ length: 21 }, () => [wall(node0Argv), wall(seedArgv)] as const);
  const node0 = median(rounds.map((r) => r[0]));
  const seed = median(rounds.map((r) => r[1]));
  log(`  lvsh --dry-run -c SEED in a fresh process: ${seed.toFixed(0)} ms wall, node -e 0: ${node0.toFixed(0)} ms (medians of ${rounds.length} runs by turns); ratio ${(seed / node0).toFixed(2)} (goal <= 1.5 -> ${seed / node0 <= 1.5 ? "met" : "NOT met"})`);
  const dry = runs([lvsh, "--sim", "--dry-run", "--json", file]);
  log(`  lvsh --dry-run --json of 10,000 real servers in a fresh process: ${dry.toFixed(0)} ms wall (node -e 0: ${node0.toFixed(0)} ms)`);
  // 100,000 erroneous lines: linear (rendering looks each line up by its offset; 100 shown, the rest counted)
  const bad = join(dir, "bad.lvsh");
  writeFileSync(bad, Array.from({ length: 100_000 }, (_, i) => (i % 2 ? `servce :${(i % 60000) + 1} rr` : `vip 300.1.1.${i % 250} on eth0`)).join("\n"));
  const t0 = performance.now();
  spawnSync(lvsh, ["--sim", "check", bad], { stdio: "ignore", env });
  log(`  lvsh check of 100,000 erroneous lines: ${(performance.now() - t0).toFixed(0)} ms wall`);
  rmSync(dir, { recursive: true, force: true });
}
