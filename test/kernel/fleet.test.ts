/**
 * Fleet bench (guest/scenario-fleet.sh, `npm run bench:kernel`): the seed's
 * shape committed to 1, 10 and 100 real servers in namespaces, each round
 * trip delayed as over a network. The times and the ratio are printed, not
 * asserted (performance lives in the benches).
 */
import { describe, expect, inject, it } from "vitest";
import { checkLvsh, type LvshRun } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

interface FleetResult {
  delay_ms: number;
  runs: { n: number; run: LvshRun }[];
}

describe.skipIf(!ran(lab, "fleet"))(titled(lab, "lab bench: a commit to 1, 10 and 100 real servers"), () => {
  const r = (): FleetResult => scenario<FleetResult>(lab, "fleet");

  it("commits every size (commit force: nothing listens on the real servers)", () => {
    expect(r().runs.flatMap((x) => checkLvsh(x.run))).toEqual([]);
  });

  it("has times to report", () => {
    const runs = r().runs;
    const one = runs.find((x) => x.n === 1)?.run.ms;
    const line = runs.map((x) => `${x.n} real server${x.n === 1 ? "" : "s"}: ${(x.run.ms / 1000).toFixed(1)} s`).join(", ");
    const hundred = runs.find((x) => x.n === 100)?.run.ms;
    console.log(`lab fleet (each round trip +${r().delay_ms} ms): ${line}${one && hundred ? `; ratio 100/1: ${(hundred / one).toFixed(2)} (goal <= 3 over a network; TCG is CPU-bound)` : ""}`);
    expect(runs.length).toBeGreaterThan(0);
  });
});
