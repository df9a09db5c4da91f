/**
 * A commit's readiness check of the real servers it adds, on real tools: the
 * real servers are network namespaces (real `ip -j addr`, `arptables-save`,
 * `sysctl`, `ss`), the director is simulated (this kernel has no IPVS). A
 * real server that is not ready stops the commit at its check, and every
 * host is back to what it held; `force` adds it anyway, with a warning.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { netnsExecutor, type Executor } from "../../src/exec/index.js";
import { SimExecutor } from "../../src/sim/index.js";
import { compile, type State } from "../../src/model/index.js";
import { makePlan } from "../../src/plan/index.js";
import { readState, type HostReadSpec } from "../../src/state/index.js";
import { JournalFile, runTransaction } from "../../src/txn/index.js";
import { load } from "../helpers/load.js";
import { NetnsLab, netnsUnavailable } from "../helpers/netns.js";
import { freshStateDir } from "../helpers/sim.js";

const why = netnsUnavailable(["arptables", "arptables-save", "sysctl", "ss"]);
const KEYS = ["all", "lo", "eth0"].flatMap((d) => [`net.ipv4.conf.${d}.arp_ignore`, `net.ipv4.conf.${d}.arp_announce`]);

describe.skipIf(why !== undefined)(`readiness checks on namespaces${why ? ` (skipped: ${why})` : ""}`, () => {
  const lab = new NetnsLab(`lvsh${process.pid % 10000}r`);
  const dir = freshStateDir();
  const execs = new Map<string, Executor>();
  const specs: HostReadSpec[] = [
    { host: "director", ipvs: true, arp: false, sysctlKeys: [] },
    { host: "192.0.2.21", ipvs: false, arp: true, sysctlKeys: KEYS },
  ];
  const read = async (hosts: readonly string[] = specs.map((s) => s.host)): Promise<State> => {
    const r = await readState((h) => execs.get(h)!, specs.filter((s) => hosts.includes(s.host)));
    expect(r.errors).toEqual([]);
    return r.state;
  };
  const commit = async (config: string, force = false) => {
    const before = await read();
    const desired = compile(load(config).config);
    const plan = makePlan(before, desired);
    const warnings: string[] = [];
    const r = await runTransaction(plan, before, desired, "test", { executor: (h) => execs.get(h)!, read, journal: new JournalFile(`${dir}/j.json`), force, warn: (t) => void warnings.push(t) });
    return { before, plan, r, warnings };
  };
  const undo = async (before: State) => {
    const after = await read();
    const back = makePlan(after, { state: before, origins: new Map(), hosts: new Map() }, { vips: ["192.0.2.10"] });
    const r = await runTransaction(back, after, { state: before, origins: new Map(), hosts: new Map() }, "test", { executor: (h) => execs.get(h)!, read, journal: new JournalFile(`${dir}/j.json`) });
    expect(r.ok).toBe(true);
  };

  beforeAll(() => {
    lab.create([{ name: "rs1", cidr: "192.0.2.21/24" }]);
    execs.set("director", new SimExecutor("director", `${dir}/hosts`));
    execs.set("192.0.2.21", netnsExecutor("192.0.2.21", lab.ns("rs1")));
  });

  afterAll(() => {
    lab.destroy();
    expect(lab.leftovers()).toEqual([]);
  });

  it("a real server lvsh leaves alone (a `host` names it) without the VIP: fails at its check, nothing changed", async () => {
    const { before, plan, r } = await commit("host 192.0.2.21 via netns x; vip 192.0.2.10 on eth0; service :80 rr; add rs .21 dr");
    expect(plan.steps[0]!.ready).toBeDefined();
    expect(r.ok).toBe(false);
    expect(r.failed!.step.id).toBe(1);
    expect(r.failed!.result.stderr).toMatch(/^192\.0\.2\.21 is not ready for tcp 192\.0\.2\.10:80: 192\.0\.2\.10 is not bound on 192\.0\.2\.21/);
    expect(await read()).toEqual(before);
  });

  it("hidden and bound by lvsh, nothing listening: fails at its check after the real server's own steps, which are undone", async () => {
    const { before, plan, r } = await commit("vip 192.0.2.10 on eth0; service :80 rr; add rs .21 dr; arp hide on rs");
    const check = plan.steps.find((s) => s.ready)!;
    expect(check.id).toBe(4);
    expect(r.ok).toBe(false);
    expect(r.failed!.step.id).toBe(4);
    expect(r.failed!.result.stderr).toContain("192.0.2.21 is not ready for tcp 192.0.2.10:80: nothing on 192.0.2.21 listens on tcp 192.0.2.10:80");
    expect(r.rollback).toMatchObject({ ok: true, undone: 3, mismatches: [] });
    expect(await read()).toEqual(before);
  });

  it("with `force`, the same is a warning and the commit goes on", async () => {
    const { before, r, warnings } = await commit("vip 192.0.2.10 on eth0; service :80 rr; add rs .21 dr; arp hide on rs", true);
    expect(r.ok).toBe(true);
    expect(warnings).toEqual([expect.stringContaining("192.0.2.21 is not ready for tcp 192.0.2.10:80: nothing on 192.0.2.21 listens")]);
    await undo(before);
  });

  it("listening, hidden, bound (arptables, then sysctls): ready, committed", async () => {
    lab.listen("rs1", 80);
    for (const via of ["", " via sysctl"]) {
      const { before, r, warnings } = await commit(`vip 192.0.2.10 on eth0; service :80 rr; add rs .21 dr; arp hide on rs${via}`);
      expect(r.ok, r.failed?.result.stderr).toBe(true);
      expect(warnings).toEqual([]);
      await undo(before);
    }
  });
});
