/**
 * Fault injection on real tools: the real servers are network namespaces
 * (real `ip`, `arptables`, `sysctl`), the director is simulated (this
 * kernel has no IPVS; the IPVS guest covers it). For every step k of a
 * plan, step k fails, and every host is back to exactly what it held.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { netnsExecutor, type Executor } from "../../src/exec/index.js";
import { SimExecutor } from "../../src/sim/index.js";
import { compile, type State } from "../../src/model/index.js";
import { makePlan } from "../../src/plan/index.js";
import { readState, type HostReadSpec } from "../../src/state/index.js";
import { Injector } from "../../src/target/index.js";
import { JournalFile, runTransaction } from "../../src/txn/index.js";
import { load } from "../helpers/load.js";
import { NetnsLab, netnsUnavailable } from "../helpers/netns.js";
import { freshStateDir } from "../helpers/sim.js";

const why = netnsUnavailable(["arptables", "arptables-save", "sysctl"]);
const KEYS = ["all", "lo", "eth0"].flatMap((d) => [`net.ipv4.conf.${d}.arp_ignore`, `net.ipv4.conf.${d}.arp_announce`]);

describe.skipIf(why !== undefined)(`step k fails, for every k, on namespaces${why ? ` (skipped: ${why})` : ""}`, () => {
  const lab = new NetnsLab(`lvsh${process.pid % 10000}f`);
  const dir = freshStateDir();
  const execs = new Map<string, Executor>();
  const specs: HostReadSpec[] = [
    { host: "director", ipvs: true, arp: false, sysctlKeys: [] },
    { host: "192.0.2.21", ipvs: false, arp: true, sysctlKeys: KEYS },
    { host: "192.0.2.22", ipvs: false, arp: true, sysctlKeys: KEYS },
  ];
  const read = async (hosts: readonly string[] = specs.map((s) => s.host)): Promise<State> => {
    const r = await readState((h) => execs.get(h)!, specs.filter((s) => hosts.includes(s.host)));
    expect(r.errors).toEqual([]);
    return r.state;
  };
  // one VIP hidden with arptables, another with sysctls: every kind of real-server step
  const config = [
    "vip 192.0.2.10 on eth0",
    "service :80 rr",
    "add rs .21 .22",
    "arp hide on rs",
    "vip 198.51.100.10 on eth0",
    "service :80 wrr",
    "add rs 192.0.2.21 192.0.2.22 weight 2",
    "arp hide on rs via sysctl",
  ].join("\n");

  beforeAll(() => {
    lab.create([
      { name: "rs1", cidr: "192.0.2.21/24" },
      { name: "rs2", cidr: "192.0.2.22/24" },
    ]);
    execs.set("director", new SimExecutor("director", `${dir}/hosts`));
    execs.set("192.0.2.21", netnsExecutor("192.0.2.21", lab.ns("rs1")));
    execs.set("192.0.2.22", netnsExecutor("192.0.2.22", lab.ns("rs2")));
    // the real servers serve :80: their readiness checks (real ip, arptables-save, sysctl, ss) pass
    lab.listen("rs1", 80);
    lab.listen("rs2", 80);
  });

  afterAll(() => {
    lab.destroy();
    expect(lab.leftovers()).toEqual([]);
  });

  it("applies the whole plan for real, then undoes it", async () => {
    const before = await read();
    const desired = compile(load(config).config);
    const plan = makePlan(before, desired);
    // 16 changes and 4 readiness checks (2 real servers in 2 services)
    expect(plan.steps.filter((s) => s.host !== "director").length).toBe(20);
    expect(plan.steps.filter((s) => s.ready).length).toBe(4);
    const ok = await runTransaction(plan, before, desired, "test", { executor: (h) => execs.get(h)!, read, journal: new JournalFile(`${dir}/j.json`) });
    expect(ok.ok, JSON.stringify(ok.failed?.result)).toBe(true);
    const after = await read();
    expect(after.hosts["192.0.2.21"]!.arp).toHaveLength(2);
    expect(after.hosts["192.0.2.21"]!.sysctls["net.ipv4.conf.all.arp_ignore"]).toBe("1");
    expect(after.hosts["192.0.2.22"]!.addrs.map((a) => `${a.addr}/${a.prefix} ${a.dev}`)).toEqual(["198.51.100.10/32 lo", "192.0.2.22/24 eth0", "192.0.2.10/32 eth0"]);
    // back to nothing, through the same engine
    const back = makePlan(after, { state: before, origins: new Map(), hosts: new Map() }, { vips: ["192.0.2.10", "198.51.100.10"] });
    const undone = await runTransaction(back, after, { state: before, origins: new Map(), hosts: new Map() }, "test", { executor: (h) => execs.get(h)!, read, journal: new JournalFile(`${dir}/j.json`) });
    expect(undone.ok).toBe(true);
    expect(await read()).toEqual(before);
  });

  it("for every k, a failure at step k leaves every host as before", async () => {
    const before = await read();
    const desired = compile(load(config).config);
    const plan = makePlan(before, desired);
    expect(plan.steps.length).toBe(28);
    for (let k = 1; k <= plan.steps.length; k++) {
      // the test's fault, around the real executors (what LVSH_TEST_INJECT=fail:K installs)
      const injector = new Injector({ kind: "fail", step: k, ms: 0 });
      const wrapped = new Map([...execs].map(([h, e]) => [h, injector.wrap(e)]));
      // one host at a time: what ran before step k is exactly steps 1..k-1 (side by side, the other
      // hosts' steps that were running when k failed finish too: test/txn/parallel.test.ts)
      const r = await runTransaction(plan, before, desired, "test", {
        executor: (h) => wrapped.get(h)!,
        read,
        journal: new JournalFile(`${dir}/j.json`),
        parallel: 1,
      });
      expect(r.ok, `k=${k}`).toBe(false);
      expect(r.failed!.step.id).toBe(k);
      // what ran before k is undone, but the checks: they changed nothing
      expect(r.rollback, `k=${k}`).toMatchObject({ ok: true, undone: plan.steps.slice(0, k - 1).filter((s) => !s.ready).length, mismatches: [] });
      expect(await read(), `k=${k}`).toEqual(before);
    }
  });
});
