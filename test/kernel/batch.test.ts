/**
 * The batch path on the real kernel (guest/scenario-bench.sh batch, in the
 * CI suite): lvsh commits 3 services x 100 real servers, and the kernel
 * table is the one a bare `ipvsadm -R` of the same rules loads. A wrapper
 * first on lvsh's PATH logs every ipvsadm it runs: the commit is one
 * `ipvsadm -R` with every line, besides the reads.
 */
import { describe, expect, inject, it } from "vitest";
import type { BenchResult } from "./bench.js";
import { checkLvsh } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

interface BatchResult extends BenchResult {
  ipvsadm_calls: string;
  restore_lines: number;
}

describe.skipIf(!ran(lab, "batch"))(titled(lab, "lab: the ipvsadm batch path (3 x 100 real servers)"), () => {
  const r = (): BatchResult => scenario<BatchResult>(lab, "batch");

  it("loads the same table as a bare ipvsadm -R of the same rules", () => {
    expect(checkLvsh(r().lvsh)).toEqual([]);
    expect(r().entries).toBe(303);
    expect(r().bare_lines).toBe(r().entries);
    expect(r().lvsh_lines).toBe(r().entries);
    expect(r().same_table).toBe(true);
  });

  it("applies them with one ipvsadm -R of every line", () => {
    const calls = r().ipvsadm_calls.split("\n").filter(Boolean);
    const restores = calls.filter((c) => /^-R\b/.test(c));
    expect(restores, calls.join("\n")).toHaveLength(1);
    expect(r().restore_lines).toBe(r().entries);
    // the rest are reads: no -A/-a/-e/-d one by one
    expect(calls.filter((c) => /^-[AaEeDd]\b/.test(c))).toEqual([]);
  });
});
