/**
 * The suite itself (guest/suite.sh): each scenario with its time, its lane
 * and its limit (calibrated on this machine), in the test output; a scenario
 * that its limit killed, or that could not run, fails here by name.
 */
import { describe, expect, inject, it } from "vitest";
import { readResult, titled } from "./lab.js";

const lab = inject("lab");

describe.skipIf(lab.skip !== undefined)(titled(lab, "lab: every scenario ran to its end, within its limit"), () => {
  if (lab.error !== undefined || !lab.scenarios) {
    it("ran", () => {
      throw new Error(lab.error ?? "no suite.json");
    });
    return;
  }
  it("starts lvsh from its startup snapshot in the guest (made there: V8 takes it only on the CPU that made it)", () => {
    expect(readResult<{ snapshot_ok: boolean }>(lab, "snapshot.json").snapshot_ok).toBe(true);
  });
  for (const s of lab.scenarios) {
    const when = s.lane !== undefined ? `, lane ${s.lane}, limit ${s.limit_s} s` : "";
    it(`${s.name}: ${(s.ms / 1000).toFixed(1)} s${when}`, () => {
      expect(s.exit === 124 || s.exit === 137 ? `killed after its limit of ${s.limit_s} s` : s.exit, `scenario ${s.name}`).toBe(0);
    });
  }
});
