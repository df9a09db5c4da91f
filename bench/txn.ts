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

/** `doctor` over 50 simulated hosts (a director and 49 real servers) against one read of every host, in process. */
export async function benchDoctor(log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lvsh-bench-"));
  const out: string[] = [];
  const session = new Session({ io: { write: (t) => void out.push(t) }, site: new Site({ target: "sim", stateDir: dir }), yes: true });
  await session.open();
  const reals = Array.from({ length: 49 }, (_, i) => `.${i + 101}`).join(" ");
  const r = await session.run(`vip 172.25.254.10 on eth0; service :80 rr; add rs ${reals} dr; arp hide on rs; commit`, "bench.lvsh");
  if (!r.ok) throw new Error(session.render(r.diagnostics));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const reads: number[] = [];
  const doctors: number[] = [];
  for (let i = 0; i < 7; i++) {
    reads.push((await timed(() => session.refresh()))[1]);
    out.length = 0;
    doctors.push((await timed(() => session.run("doctor json", "<doctor>")))[1]);
  }
  const report = JSON.parse(out.join("")) as { findings: unknown[]; checked: Record<string, unknown[]> };
  const checks = Object.values(report.checked).reduce((a, c) => a + c.length, 0);
  log(`doctor over 50 simulated hosts (a director, 49 dr real servers): ${median(doctors).toFixed(0)} ms for ${checks} checks, ${report.findings.length} findings; one read of every host: ${median(reads).toFixed(0)} ms; ratio ${(median(doctors) / median(reads)).toFixed(2)}`);
  await session.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A seed-shaped commit (VIP, service, `arp hide on rs`) to 1, 10 and 100
 * real servers whose every round trip takes 50 ms (LVSH_TEST_DELAY_MS's
 * wrapper, as ssh over a network): real servers side by side should make
 * 100 cost about what 1 does. Goal: 100 in at most 3x the time of 1.
 */
export async function benchFleet(log: (line: string) => void): Promise<void> {
  const delayMs = Number(process.env.FLEET_DELAY ?? 50);
  const commitTime = async (n: number, parallel?: number): Promise<{ ms: number; steps: number }> => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-bench-"));
    const site = new Site({ target: "sim", stateDir: dir, delayMs, ...(parallel ? { parallel } : {}) });
    const session = new Session({ io: { write: () => {} }, site, yes: true });
    await session.open();
    const reals = Array.from({ length: n }, (_, i) => `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`).join(" ");
    await session.run(`vip 10.0.0.10 on eth0; service :80 rr; add rs ${reals} dr; arp hide on rs`, "fleet.lvsh");
    const steps = (await session.plan()).plan!.steps.length;
    const [r, ms] = await timed(() => session.run("commit", "<commit>"));
    if (!r.ok) throw new Error(session.render(r.diagnostics));
    await session.close();
    rmSync(dir, { recursive: true, force: true });
    return { ms, steps };
  };
  await commitTime(10); // warm-up: the JIT, the file cache
  const one = await commitTime(1);
  const ten = await commitTime(10);
  const hundred = await commitTime(100);
  const serial = await commitTime(100, 1);
  const ratio = hundred.ms / one.ms;
  log(`commit to real servers ${delayMs} ms away (each round trip waits ${delayMs} ms; seed-shaped: VIP + ARP hiding on each, --parallel 16):`);
  log(`  1 real server ${one.ms.toFixed(0)} ms (${one.steps} steps), 10: ${ten.ms.toFixed(0)} ms (${ten.steps} steps), 100: ${hundred.ms.toFixed(0)} ms (${hundred.steps} steps); 100 one host at a time (--parallel 1): ${serial.ms.toFixed(0)} ms`);
  log(`  ratio 100/1: ${ratio.toFixed(2)} (goal <= 3 -> ${ratio <= 3 ? "met" : "NOT met"})`);
}
