/**
 * Rollback on the real kernel (guest/scenario-rollback.sh): commit A, commit
 * B, `rollback; commit`: every host holds exactly what it held after A.
 */
import { describe, expect, inject, it } from "vitest";
import { changedParts, checkAlternates, checkLvsh, checkShares, snapDiff, type Fetch, type LvshRun, type Snap } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

interface Step {
  script?: string;
  commit: LvshRun;
  snap: Snap;
  fetch: Fetch;
}
interface RollbackResult {
  empty: Snap;
  a: Step;
  b: Step;
  rollback: Step;
}

describe.skipIf(!ran(lab, "rollback"))(titled(lab, "lab: rollback through lvsh"), () => {
  const r = (): RollbackResult => scenario<RollbackResult>(lab, "rollback");

  it("commits A, B, then `rollback; commit`", () => {
    expect(checkLvsh(r().a.commit)).toEqual([]);
    expect(checkLvsh(r().b.commit)).toEqual([]);
    expect(checkLvsh(r().rollback.commit)).toEqual([]);
    expect(r().rollback.commit.stdout).toMatch(/commit complete: revision 3,/);
  });

  it("B changed what A set up on every host (so the rollback has work to do)", () => {
    const { a, b } = r();
    expect(changedParts(a.snap, b.snap, "lb")).toEqual(["ipvsadm"]);
    for (const rs of ["rs1", "rs2"]) expect(changedParts(a.snap, b.snap, rs), rs).toEqual(["arptables", "addr", "sysctl"]);
    expect(checkShares(b.fetch, { rs1: 4 })).toEqual([]);
  });

  it("leaves every host byte for byte as A did: ipvsadm -Sn, arptables-save, ip -j addr", () => {
    expect(snapDiff(r().a.snap, r().rollback.snap, { parts: ["ipvsadm", "arptables", "addr"] })).toEqual([]);
  });

  it("leaves the ARP and forwarding sysctls as A did", () => {
    expect(snapDiff(r().a.snap, r().rollback.snap, { parts: ["sysctl"] })).toEqual([]);
  });

  it("serves as A did: rs1 and rs2 alternate", () => {
    expect(checkAlternates(r().a.fetch, ["rs1", "rs2"])).toEqual([]);
    expect(checkAlternates(r().rollback.fetch, ["rs1", "rs2"])).toEqual([]);
  });
});
