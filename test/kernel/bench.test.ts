/**
 * Bench (guest/scenario-bench.sh): a commit of 10,000 real servers through
 * lvsh against a bare `ipvsadm -R` of the same rules, in the same guest. The
 * figures are printed (and by global-setup.ts written to the results), never
 * asserted (a timing): the goal is lvsh <= 2x the bare restore (issue 15).
 */
import { describe, expect, inject, it } from "vitest";
import { benchReport, breakdown, ratio, type BenchResult } from "./bench.js";
import { checkLvsh } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

describe.skipIf(!ran(lab, "bench"))(titled(lab, "lab bench: 10,000 real servers, lvsh vs bare ipvsadm -R"), () => {
  const r = (): BenchResult => scenario<BenchResult>(lab, "bench");

  it("loads the same 10,100 entries both ways", () => {
    expect(checkLvsh(r().lvsh)).toEqual([]);
    expect(r().bare_lines).toBe(r().entries);
    expect(r().lvsh_lines).toBe(r().entries);
    expect(r().same_table).toBe(true);
  });

  it("commits them as one ipvsadm -R batch (kernel process trace)", () => {
    const b = breakdown(r().trace);
    expect(b, r().tracing || "no node in the trace").toBeDefined();
    expect(b!.segments.filter((s) => s.what === "ipvsadm")).toHaveLength(1);
  });

  it("has a ratio to report (global-setup.ts prints it; a timing, so not asserted: goal <= 2x, issue 15; 2.48x at the last stop, 5.0-5.35x before)", () => {
    expect(Number.isFinite(ratio(r())), benchReport(r()).join("\n")).toBe(true);
  });
});
