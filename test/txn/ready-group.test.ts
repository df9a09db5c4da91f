/**
 * A real server in several services has a readiness check per service, one
 * after another on its host: one read of the host serves them all, in the
 * round trip of its own steps. Each check is still a step of its own: its
 * outcome, and a fault injected at it, stay its own.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asCommand, type Command, type ExecResult, type Executor, type ManyOptions, type RunOptions } from "../../src/exec/index.js";
import { compile } from "../../src/model/index.js";
import { makePlan } from "../../src/plan/index.js";
import { SimExecutor } from "../../src/sim/index.js";
import { applySteps, JournalFile } from "../../src/txn/index.js";
import { load } from "../helpers/load.js";
import { freshStateDir, lvsh, simKernel, simListen, simSession } from "../helpers/sim.js";

const RS = "10.0.0.11";
const SRC = "vip 10.0.0.10 on eth0; service :80 rr; add rs .11 dr; service :81 rr; add rs .11; service :82 rr; add rs .11; arp hide on rs";

/** Simulated hosts whose every round trip is recorded: the host, then each command's first two words. */
function recorded(dir: string): { trips: string[][]; executor: (host: string) => Executor } {
  const trips: string[][] = [];
  const executor = (host: string): Executor => {
    const sim = new SimExecutor(host, join(dir, "sim", "hosts"));
    return {
      host,
      describe: "recorded",
      run: (argv: readonly string[], opts?: RunOptions): Promise<ExecResult> => (trips.push([host, argv.join(" ")]), sim.run(argv, opts)),
      runMany: (cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions) => (trips.push([host, ...cmds.map((c) => asCommand(c).argv.slice(0, 2).join(" "))]), sim.runMany(cmds, opts)),
      close: async () => {},
    };
  };
  return { trips, executor };
}

describe("readiness checks of a real server in three services", () => {
  const plan = makePlan({ hosts: {} }, compile(load(SRC).config));
  const readies = plan.steps.filter((s) => s.ready);

  it("are three steps in a row on its host", () => {
    expect(readies.map((s) => s.host)).toEqual([RS, RS, RS]);
    expect(readies.map((s) => s.id)).toEqual([readies[0]!.id, readies[0]!.id + 1, readies[0]!.id + 2]);
  });

  it("read the host once, in the round trip of its steps, and each says its own outcome", async () => {
    const dir = freshStateDir();
    const { trips, executor } = recorded(dir);
    // listening on :80 and :82 only: the check for :81 fails (a warning under force), the others pass
    simListen(dir, RS, ["tcp *:80", "tcp *:82"]);
    const warned: string[] = [];
    const out = await applySteps(plan.steps, new Map(plan.changes.map((c) => [c.key, c])), { executor, read: async () => ({ hosts: {} }), force: true, warn: (t) => void warned.push(t) });
    expect(out.failed).toBeUndefined();
    const mine = trips.filter((t) => t[0] === RS);
    expect(mine).toEqual([[RS, "arptables -A", "arptables -A", "ip addr", "ip -j", "sysctl -e", "arptables-save", "ss -Hlntu", "true", "true"]]);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/^10\.0\.0\.11 is not ready for tcp 10\.0\.0\.10:81: nothing on 10\.0\.0\.11 listens/);
  });

  it.each([0, 1, 2])("a fault at the check of the %i-th service fails that very step, and the hosts end as they began", async (i) => {
    const dir = freshStateDir();
    simListen(dir, RS, ["tcp *:80", "tcp *:81", "tcp *:82"]);
    const before = simKernel(dir);
    const k = readies[i]!.id;
    const r = await lvsh(dir, `${SRC}; commit`, { inject: `fail:${k}`, parallel: 1 });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.find((d) => d.code === "commit-failed" && d.severity === "error")!.message).toMatch(new RegExp(`^commit failed at step ${k} `));
    expect(simKernel(dir)).toEqual(before);
    expect(new JournalFile(`${dir}/sim/journal.json`).read()).toBeUndefined();
    // without the fault, it commits
    expect((await lvsh(dir, `${SRC}; commit`)).ok).toBe(true);
  });

  it("on a real server with nothing else to change (its VIP and ARP hiding there already): one round trip for its checks, each fault its own", async () => {
    const dir = freshStateDir();
    simListen(dir, RS, ["tcp *:80", "tcp *:81", "tcp *:82"]);
    expect((await lvsh(dir, "vip 10.0.0.10 on eth0; service :80 rr; add rs .11 dr; arp hide on rs; commit")).ok).toBe(true);
    const more = "use vip 10.0.0.10; service :81 rr; add rs .11; service :82 rr; add rs .11";
    const s = await simSession(dir);
    await s.session.run(more, "<more>");
    const { plan: p } = await s.session.plan();
    await s.session.close();
    const checks = p!.steps.filter((x) => x.host === RS);
    expect(checks.map((x) => !!x.ready)).toEqual([true, true]);
    const { trips, executor } = recorded(dir);
    // the checks alone (not the director's steps: this only counts the real server's round trips)
    const out = await applySteps(checks, new Map(p!.changes.map((c) => [c.key, c])), { executor, read: async () => ({ hosts: {} }) });
    expect(out.failed).toBeUndefined();
    expect(out.done).toEqual(checks);
    expect(trips).toEqual([[RS, "ip -j", "sysctl -e", "arptables-save", "ss -Hlntu", "true"]]);
    for (const c of checks) {
      const before = simKernel(dir);
      const r = await lvsh(dir, `${more}; commit`, { inject: `fail:${c.id}`, parallel: 1 });
      expect(r.diagnostics.find((d) => d.code === "commit-failed" && d.severity === "error")!.message).toMatch(new RegExp(`^commit failed at step ${c.id} `));
      expect(simKernel(dir)).toEqual(before);
    }
  });
});
