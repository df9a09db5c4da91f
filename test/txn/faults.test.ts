/**
 * Fault injection: for a plan of N steps and every k in 1..N, step k
 * fails, and the running state must be exactly what it was before
 * (simulated target). Also a batch (`ipvsadm -R`) that fails in its middle.
 */
import { describe, expect, it } from "vitest";
import { SimExecutor } from "../../src/sim/index.js";
import { compile, type State } from "../../src/model/index.js";
import { makePlan } from "../../src/plan/index.js";
import { JournalFile, runTransaction } from "../../src/txn/index.js";
import { readState } from "../../src/state/index.js";
import { load } from "../helpers/load.js";
import { freshStateDir, lvsh, simKernel, simListen, simSession } from "../helpers/sim.js";

const A = [
  "vip 172.25.254.10 on eth0",
  "service :80 rr",
  "add rs .2 .3 dr",
  "arp hide on rs",
  "service udp :53 sh flags sh-port",
  "add rs .7 nat",
  "vip 192.0.2.10 on eth0",
  "service :443 wlc persistent 600",
  "add rs .21 .22",
  "arp hide on rs via sysctl",
].join("\n");

const B = [
  "clear",
  "vip 172.25.254.10/24 on eth0",
  "service :80 wrr",
  "add rs .2 weight 3",
  "add rs .4",
  "arp hide on rs",
  "vip 192.0.2.10 on eth0",
  "service :443 wlc persistent 900",
  "add rs .21 .22 .23",
  "arp hide on rs",
  "service fwmark 7 rr",
  "add rs 198.51.100.6 nat",
  "vip 203.0.113.5 on eth0",
  "service :8080 wlc",
  "add rs 192.0.2.41 192.0.2.42 tun",
  "arp hide on rs",
].join("\n");

describe("a failing step k, for every k: the hosts end as they began", async () => {
  const probe = freshStateDir();
  await lvsh(probe, `${A}\ncommit`);
  const s = await simSession(probe);
  await s.session.run(B, "<B>");
  const { plan } = await s.session.plan();
  const n = plan!.steps.length;

  it("has a plan that changes, adds and removes on every kind of host", () => {
    expect(n).toBeGreaterThan(25);
    expect(plan!.summary.add).toBeGreaterThan(0);
    expect(plan!.summary.change).toBeGreaterThan(0);
    expect(plan!.summary.destroy).toBeGreaterThan(0);
  });

  it.each(Array.from({ length: n }, (_, i) => i + 1))("step %i fails", async (k) => {
    const dir = freshStateDir();
    const a = await lvsh(dir, `${A}\ncommit`);
    expect(a.ok, a.rendered).toBe(true);
    // B's tun real servers serve :8080 (their readiness checks pass)
    for (const h of ["192.0.2.41", "192.0.2.42"]) simListen(dir, h, ["tcp *:22", "tcp *:8080"]);
    const before = simKernel(dir);
    // one host at a time: what ran before step k is exactly steps 1..k-1 (in parallel, see parallel.test.ts)
    const r = await lvsh(dir, `${B}\ncommit`, { inject: `fail:${k}`, parallel: 1 });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.find((d) => d.code === "commit-failed" && d.severity === "error")!.message).toMatch(new RegExp(`^commit failed at step ${k} `));
    // every step before k undone, but the readiness checks: they changed nothing
    expect(r.rendered).toContain(`rolled back: ${plan!.steps.slice(0, k - 1).filter((s) => !s.ready).length} step`);
    expect(simKernel(dir)).toEqual(before);
    expect(new JournalFile(`${dir}/sim/journal.json`).read()).toBeUndefined();
  });
});

describe("a batch that fails in its middle", () => {
  it("counts the lines that took effect (ipvsadm -R goes on after a failure) and undoes exactly those", async () => {
    const dir = freshStateDir();
    const director = new SimExecutor("director", `${dir}/hosts`);
    const read = async (): Promise<State> => (await readState(() => director, [{ host: "director", ipvs: true, arp: false, sysctlKeys: [] }])).state;
    const before = await read();
    const good = compile(load("vip 192.0.2.10; service :80 rr; add rs .2 .3").config);
    const plan = makePlan(before, good);
    // a step whose service is missing, in the middle of the batch, as if someone deleted it meanwhile
    const bad = { ...plan.steps[1]!, id: 99, change: "not in the plan", argv: ["ipvsadm", "-a", "-t", "192.0.2.99:80", "-r", "192.0.2.2:80", "-g", "-w", "1"] };
    expect(plan.steps.map((st) => st.argv[1])).toEqual(["-A", "-a", "-a"]);
    const steps = [plan.steps[0]!, bad, ...plan.steps.slice(1)];
    const r = await runTransaction({ ...plan, steps }, before, good, "test", {
      executor: () => director,
      read,
      journal: new JournalFile(`${dir}/journal.json`),
    });
    expect(r.ok).toBe(false);
    expect(r.failed!.step.id).toBe(99);
    expect(r.failed!.result.stderr).toBe("Service not defined\n");
    expect(r.rollback).toMatchObject({ ok: true, undone: 3 });
    expect(await read()).toEqual(before);
  });
});
