/**
 * `host director via netns lb` on the first commit of a state directory,
 * lvsh started in the guest's own namespace (guest/scenario-netns-director.sh).
 * The other scenarios start lvsh in lb, where this cannot go wrong.
 */
import { describe, expect, inject, it } from "vitest";
import { addrs, checkLvsh, saveLines, type LvshRun, type Snap } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

interface NetnsDirectorResult {
  vip: string;
  commit: LvshRun;
  snap: Snap;
  root: { ipvsadm_before: string; ipvsadm: string; addr: string };
}

describe.skipIf(!ran(lab, "netns-director"))(titled(lab, "lab: `host director via netns lb` from outside the namespace"), () => {
  const r = (): NetnsDirectorResult => scenario<NetnsDirectorResult>(lab, "netns-director");

  it("commits", () => {
    expect(checkLvsh(r().commit)).toEqual([]);
  });

  it("runs the director's steps in netns lb, none on the machine lvsh runs on", () => {
    const x = r();
    const problems: string[] = [];
    const root = saveLines(x.root.ipvsadm);
    if (root.length) problems.push(`the guest's own namespace got the IPVS table:\n  ${root.join("\n  ")}`);
    if (x.root.addr.includes(x.vip)) problems.push(`the guest's own namespace got the VIP: ${x.root.addr.trim()}`);
    if (!saveLines(x.snap.lb!.ipvsadm).length) problems.push("netns lb has no IPVS table");
    if (!addrs(x.snap.lb!.addr).includes(`${x.vip}/32 dev eth0`)) problems.push("netns lb does not have the VIP");
    expect(problems).toEqual([]);
  });

  it("keeps the service built by hand in lb before lvsh (the script names only its own)", () => {
    expect(saveLines(r().snap.lb!.ipvsadm)).toContain("-A -t 192.0.2.99:25 -s wlc");
  });

  it("sets up the real servers through their netns (their transports are known when they are first used)", () => {
    for (const rs of ["rs1", "rs2"]) expect(addrs(r().snap[rs]!.addr)).toContain(`${r().vip}/32 dev eth0`);
  });
});
