/**
 * Properties of diff and plans over random balancers (fast-check), applied
 * on the simulated target: diff(a, a) is empty; applying plan(a -> b) to a
 * running `a` gives `b`; running the plan's undo steps gives `a` back.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SimExecutor } from "../../src/sim/index.js";
import { compile, type State } from "../../src/model/index.js";
import { diff, makePlan, type Step } from "../../src/plan/index.js";
import { JournalFile, runTransaction, undoSteps, applySteps } from "../../src/txn/index.js";
import { readState, type HostReadSpec } from "../../src/state/index.js";
import { load } from "../helpers/load.js";
import { freshStateDir } from "../helpers/sim.js";

const SCHEDS = ["rr", "wrr", "lc", "wlc", "sh", "mh", "sed", "nq", "fo", "ovf"];

/** A random balancer as an lvsh script: two VIPs, a few services, real servers from a small pool. */
const balancer = fc
  .record({
    vips: fc.subarray(["192.0.2.10", "192.0.2.20"], { minLength: 1 }),
    services: fc.array(
      fc.record({
        vip: fc.nat(1),
        port: fc.constantFrom(80, 443, 8080),
        udp: fc.boolean(),
        sched: fc.constantFrom(...SCHEDS),
        persistent: fc.option(fc.constantFrom(60, 300, 3600), { nil: undefined }),
        reals: fc.uniqueArray(fc.record({ host: fc.integer({ min: 21, max: 26 }), nat: fc.boolean(), weight: fc.integer({ min: 0, max: 5 }), max: fc.option(fc.constantFrom(100, 1000), { nil: undefined }) }), {
          selector: (r) => r.host,
          maxLength: 4,
        }),
      }),
      { maxLength: 4 },
    ),
    hide: fc.constantFrom("none", "arptables", "sysctl"),
    bound: fc.boolean(),
  })
  .map((b) => {
    const lines = ["clear"];
    for (const [i, vip] of b.vips.entries()) {
      lines.push(`vip ${vip}/24${b.bound ? " on eth0" : ""}`);
      for (const s of b.services.filter((x) => x.vip % b.vips.length === i)) {
        lines.push(`service ${s.udp ? "udp " : ""}:${s.port} ${s.sched}${s.persistent ? ` persistent ${s.persistent}` : ""}`);
        for (const r of s.reals) lines.push(`add rs .${r.host} ${r.nat ? "nat" : "dr"} weight ${r.weight}${r.max ? ` max ${r.max}` : ""}`);
      }
      const hasDr = b.services.some((s) => s.vip % b.vips.length === i && s.reals.some((r) => !r.nat));
      if (b.hide !== "none" && hasDr) lines.push(`arp hide on rs${b.hide === "sysctl" ? " via sysctl" : ""}`);
    }
    return lines.join("\n");
  });

const HOSTS = ["director", ...[21, 22, 23, 24, 25, 26].flatMap((h) => [`192.0.2.${h}`])];
const KEYS = ["all", "lo", "eth0"].flatMap((d) => [`net.ipv4.conf.${d}.arp_ignore`, `net.ipv4.conf.${d}.arp_announce`]);

function env(dir: string) {
  const execs = new Map(HOSTS.map((h) => [h, new SimExecutor(h, dir)]));
  const specs: HostReadSpec[] = HOSTS.map((h) => ({ host: h, ipvs: h === "director", arp: h !== "director", sysctlKeys: h === "director" ? ["net.ipv4.ip_forward"] : KEYS }));
  const read = async (hosts: readonly string[] = HOSTS): Promise<State> => {
    const r = await readState((h) => execs.get(h)!, specs.filter((s) => hosts.includes(s.host)));
    expect(r.errors).toEqual([]);
    return r.state;
  };
  // readiness is not what these properties are about: a simulated real server does not listen on
  // the generated ports, so its check warns (as under `commit force`) instead of stopping the plan
  return { executor: (h: string) => execs.get(h)!, read, journal: new JournalFile(`${dir}/journal.json`), force: true, warn: () => {} };
}

async function apply(e: ReturnType<typeof env>, steps: readonly Step[], plan: Parameters<typeof runTransaction>[0]) {
  const out = await applySteps(steps, new Map(plan.changes.map((c) => [c.key, c])), e);
  expect(out.failed, out.failed && `${out.failed.step.argv.join(" ")}: ${out.failed.result.stderr}`).toBeUndefined();
}

const VIPS = new Set(["192.0.2.10", "192.0.2.20"]);

describe("plan properties on the simulated target", () => {
  it("diff(a, a) is empty", () => {
    fc.assert(
      fc.property(balancer, (a) => {
        const s = compile(load(a).config).state;
        expect(diff(s, s, { director: "director", vips: VIPS })).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it("plan(a -> b) applied to a running a gives b; its undo steps give a back", async () => {
    await fc.assert(
      fc.asyncProperty(balancer, balancer, async (a, b) => {
        const e = env(freshStateDir());
        const da = compile(load(a).config);
        const db = compile(load(b).config);
        // build a
        const p0 = makePlan(await e.read(), da, { vips: VIPS });
        await apply(e, p0.steps, p0);
        const runningA = await e.read();
        expect(makePlan(runningA, da, { vips: VIPS }).steps).toEqual([]);
        // a -> b
        const p = makePlan(runningA, db, { vips: VIPS });
        await apply(e, p.steps, p);
        const runningB = await e.read();
        expect(diff(runningB, db.state, { director: "director", vips: VIPS })).toEqual([]);
        // and back, by the undo steps in reverse
        const { steps, impossible } = undoSteps(p.steps);
        expect(impossible).toEqual([]);
        const inverted = { ...p, changes: p.changes.map((c) => ({ ...c, before: c.after, after: c.before })) };
        await apply(e, steps, inverted);
        expect(diff(await e.read(), runningA, { director: "director", vips: VIPS })).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
