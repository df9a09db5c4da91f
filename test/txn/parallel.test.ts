/**
 * Commits over many hosts: the real servers' phases run host beside host
 * (at most `parallel` at once), each host's steps in order, and the phase
 * barriers hold -- every real server's steps and readiness check end before
 * the director's `-a` sends it traffic. Faults at every step of a plan over
 * 20 real servers run in parallel, and kills in the middle of concurrent
 * steps then `lvsh recover`, all leave the hosts as they began.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { asCommand, type Command, type ExecResult, type Executor, type ManyOptions, type RunOptions } from "../../src/exec/index.js";
import { compile } from "../../src/model/index.js";
import { makePlan, type Plan } from "../../src/plan/index.js";
import { SimExecutor } from "../../src/sim/index.js";
import { applySteps, JournalFile, readSettings, stages, type HostsProgress } from "../../src/txn/index.js";
import { load } from "../helpers/load.js";
import { freshStateDir, lvsh, simKernel, simSession } from "../helpers/sim.js";

const RS = Array.from({ length: 20 }, (_, i) => `10.0.0.${i + 11}`);
const FLEET = `vip 10.0.0.10 on eth0; service :80 rr; add rs ${RS.join(" ")} dr; arp hide on rs`;

interface Call {
  readonly host: string;
  readonly argv0: string[];
  readonly start: number;
  readonly end: number;
  readonly ready: boolean;
}

/** Simulated hosts behind a round trip of `ms` milliseconds, every round trip recorded with its times. */
function recordingFleet(ms: number) {
  const dir = mkdtempSync(join(tmpdir(), "lvsh-par-"));
  const calls: Call[] = [];
  let running = 0;
  let most = 0;
  const made = new Map<string, Executor>();
  const executor = (host: string): Executor => {
    if (made.has(host)) return made.get(host)!;
    const sim = new SimExecutor(host, dir);
    const trip = async <T>(cmds: Command[], ready: boolean, go: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      // real servers side by side: how many round trips to real servers are under way at once
      if (host !== "director") most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, ms));
      try {
        return await go();
      } finally {
        if (host !== "director") running--;
        calls.push({ host, argv0: cmds.map((c) => c.argv.slice(0, 2).join(" ")), start, end: performance.now(), ready });
      }
    };
    const e: Executor = {
      host,
      describe: "recorded",
      run: (argv: readonly string[], opts?: RunOptions): Promise<ExecResult> => trip([{ argv }], false, () => sim.run(argv, opts)),
      runMany: (cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions): Promise<ExecResult[]> => trip(cmds.map(asCommand), !!opts?.oneStep, () => sim.runMany(cmds, opts)),
      close: async () => {},
    };
    made.set(host, e);
    return e;
  };
  return { calls, executor, most: () => most, read: async () => ({ hosts: {} }) };
}

function fleetPlan(): Plan {
  return makePlan({ hosts: {} }, compile(load(FLEET).config));
}

describe("a commit over 20 real servers", () => {
  it("has one stage of real servers side by side between the director's", () => {
    const plan = fleetPlan();
    const st = stages(plan.steps);
    expect(st.map((s) => `${s.parallel ? "parallel" : "serial"}:${new Set(s.steps.map((x) => x.host)).size}`)).toEqual(["parallel:20", "serial:1"]);
  });

  it("runs at most `parallel` real servers at once, each host's steps in order, and the director's -a only after every readiness check", async () => {
    for (const parallel of [1, 4, 16]) {
      const plan = fleetPlan();
      const f = recordingFleet(15);
      const progress: HostsProgress[] = [];
      const out = await applySteps(plan.steps, new Map(plan.changes.map((c) => [c.key, c])), { executor: f.executor, read: f.read, parallel, hosts: (p) => progress.push(p) });
      expect(out.failed).toBeUndefined();
      expect(out.done).toHaveLength(plan.steps.length);
      // done comes back in plan order, for the undo
      expect(out.done.map((s) => s.id)).toEqual(plan.steps.map((s) => s.id));
      expect(f.most()).toBe(parallel);
      for (const rs of RS) {
        // one round trip: ARP hidden before the VIP is bound, then the readiness check's reads
        const mine = f.calls.filter((c) => c.host === rs);
        expect(mine.map((c) => c.argv0.join(" + "))).toEqual(["arptables -A + arptables -A + ip addr + ip -j + sysctl -e + arptables-save + ss -Hlntu"]);
      }
      const lastReady = Math.max(...f.calls.filter((c) => c.host !== "director").map((c) => c.end));
      const director = f.calls.filter((c) => c.host === "director" && !c.ready);
      expect(director.length).toBeGreaterThan(0);
      for (const d of director) expect(d.start).toBeGreaterThanOrEqual(lastReady);
      // the progress: a start, one call per host, the end
      expect(progress[0]).toEqual({ phase: "real servers: ARP rules, VIPs, readiness checks", done: 0, total: 20, failed: 0 });
      expect(progress[progress.length - 1]).toEqual({ phase: "real servers: ARP rules, VIPs, readiness checks", done: 20, total: 20, failed: 0, final: true });
      expect(progress).toHaveLength(22);
    }
  });

  it("stops launching hosts after a failure, lets the running ones finish, and returns every step done on every host", async () => {
    const plan = fleetPlan();
    const f = recordingFleet(10);
    const failing = RS[5]!;
    const executor = (host: string): Executor => {
      const e = f.executor(host);
      if (host !== failing) return e;
      return { ...e, host, describe: e.describe, runMany: async (cmds, opts) => (opts?.oneStep ? e.runMany(cmds, opts) : cmds.map(() => ({ exitCode: 1, stdout: "", stderr: "boom\n", ms: 0 }))), close: async () => {} };
    };
    const out = await applySteps(plan.steps, new Map(plan.changes.map((c) => [c.key, c])), { executor, read: f.read, parallel: 4 });
    expect(out.failed?.step.host).toBe(failing);
    // hosts 1-4 ran (launched first), 5 ran beside the failing 6th; nothing after the running ones started
    const started = new Set(f.calls.map((c) => c.host));
    expect(started.has("director")).toBe(false);
    expect(started.size).toBeLessThanOrEqual(4 + 3);
    for (const h of RS.slice(12)) expect(started.has(h)).toBe(false);
    // what is done is whole hosts' steps, in plan order
    const ids = out.done.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(out.done.map((s) => s.host)).has(failing)).toBe(false);
  });
});

describe("faults at every step of a plan over 20 real servers run in parallel", async () => {
  const BASE = "vip 10.0.0.10 on eth0; service :80 rr; add rs 10.0.0.11 dr; arp hide on rs; commit";
  const probe = freshStateDir();
  await lvsh(probe, BASE);
  const s = await simSession(probe);
  await s.session.run(`clear; ${FLEET}`, "<fleet>");
  const n = (await s.session.plan()).plan!.steps.length;
  await s.session.close();

  it("is a plan of many steps on 21 hosts", () => {
    expect(n).toBeGreaterThan(70);
  });

  it.each(Array.from({ length: n }, (_, i) => i + 1))("step %i fails: every host ends as it began", async (k) => {
    const dir = freshStateDir();
    const a = await lvsh(dir, BASE);
    expect(a.ok, a.rendered).toBe(true);
    const before = simKernel(dir);
    const r = await lvsh(dir, `clear; ${FLEET}; commit`, { inject: `fail:${k}` });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.find((d) => d.code === "commit-failed" && d.severity === "error")!.message).toMatch(new RegExp(`^commit failed at step ${k} `));
    expect(simKernel(dir)).toEqual(before);
    expect(new JournalFile(`${dir}/sim/journal.json`).read()).toBeUndefined();
  });
});

describe("lvsh killed in the middle of concurrent steps, then `lvsh recover`", () => {
  const LVSH = resolve("dist/lvsh");
  const cli = (dir: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(LVSH, ["--sim", ...args], { encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: dir, NO_COLOR: "1", ...env } });

  it.each([3, 8, 43, 62, 79])("killed at step %i (real servers running side by side, 40 ms a round trip): recover brings every host back", (k) => {
    const dir = freshStateDir();
    expect(cli(dir, ["-y", "-c", "vip 10.0.0.10 on eth0; service :80 rr; add rs 10.0.0.11 dr; arp hide on rs; commit"]).status).toBe(0);
    const before = simKernel(dir);
    const killed = cli(dir, ["-y", "-c", `clear; ${FLEET}; commit`], { LVSH_TEST_INJECT: `kill:${k}`, LVSH_TEST_DELAY_MS: "40" });
    expect(killed.signal).toBe("SIGKILL");
    // some hosts were changed when it died
    expect(simKernel(dir)).not.toEqual(before);
    const j = new JournalFile(`${dir}/sim/journal.json`).read()!;
    expect(j.startedIds.length).toBeGreaterThan(0);
    const r = cli(dir, ["recover"]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(simKernel(dir)).toEqual(before);
    expect(new JournalFile(`${dir}/sim/journal.json`).read()).toBeUndefined();
  });
});

describe("the parallel setting", () => {
  it("is read from the state directory's settings file, located when wrong", async () => {
    const { writeFileSync } = await import("node:fs");
    const dir = freshStateDir();
    const file = join(dir, "settings");
    writeFileSync(file, "# hosts at once\nparallel = 4\n");
    expect(readSettings(file)).toEqual({ parallel: 4 });
    writeFileSync(file, "\nparallel = many\n");
    expect(() => readSettings(file)).toThrow(/settings: line 2: parallel: `many` is not a whole number of hosts/);
    writeFileSync(file, "paralel = 4\n");
    expect(() => readSettings(file)).toThrow(/line 1: unknown setting `paralel`/);
    writeFileSync(file, "parallel = 0\n");
    expect(() => readSettings(file)).toThrow(/line 1: parallel: 0 is out of range \(1 to 1024\)/);
  });

  it("--parallel is checked on the command line", () => {
    const r = spawnSync(resolve("dist/lvsh"), ["--sim", "--parallel", "x", "-c", "show plan"], { encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: freshStateDir() } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--parallel: `x` is not a whole number of hosts/);
  });
});
