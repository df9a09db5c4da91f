/**
 * Plan + commit of 10,000 real servers on the simulated target (one
 * `ipvsadm -R` batch), then one weight changed among them (must be one step).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session } from "../src/session/index.js";
import { Site } from "../src/txn/index.js";
import { generateScript } from "./lang.js";

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

export async function benchCommit(log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lvsh-bench-"));
  const session = new Session({ io: { write: () => {} }, site: new Site({ target: "sim", stateDir: dir }), yes: true });
  await session.open();
  const [, tRun] = await timed(() => session.run(generateScript(100, 100), "bench.lvsh"));
  const [{ plan }, tPlan] = await timed(() => session.plan());
  const [r, tCommit] = await timed(() => session.run("commit", "<commit>"));
  if (!r.ok) throw new Error(session.render(r.diagnostics));
  log(`commit of 10,000 real servers on the simulated target (${plan!.steps.length} steps, 100 hosts)`);
  log(`  evaluate ${tRun.toFixed(0)} ms, plan (reads 101 hosts) ${tPlan.toFixed(0)} ms, commit (lock, read, one ipvsadm -R, verify, revision) ${tCommit.toFixed(0)} ms`);
  await session.run("use service 10.0.0.1:10042; set rs 10.0.1.7 weight 4", "<edit>");
  const [{ plan: one }, tPlan1] = await timed(() => session.plan());
  const [r1, tCommit1] = await timed(() => session.run("commit", "<commit>"));
  if (!r1.ok) throw new Error(session.render(r1.diagnostics));
  log(`  one weight changed among them: ${one!.steps.length} step (${one!.steps.map((s) => s.argv.join(" ")).join("; ")}); plan ${tPlan1.toFixed(0)} ms, commit ${tCommit1.toFixed(0)} ms`);
  await session.close();
  rmSync(dir, { recursive: true, force: true });
}
