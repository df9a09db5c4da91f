/**
 * wrr weights through lvsh (guest/scenario-wrr.sh): 3:1, then `set rs .3
 * weight 0`, then `del rs .3`, each committed by lvsh and checked on the
 * IPVS table, the real servers and the traffic.
 */
import { describe, expect, inject, it } from "vitest";
import { addrs, arpRules, checkCounters, checkLvsh, checkShares, saveLines, type Fetch, type LvshRun, type Snap, type Stats } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

interface Stage {
  name: string;
  fetches: number;
  commit: LvshRun;
  fetch: Fetch;
  stats: Stats;
  snap: Snap;
  /** The client's neighbour table (ip neigh) before and after the stage's fetches. */
  neigh_before?: string;
  neigh_after?: string;
}
interface WrrResult {
  vip: string;
  stages: Stage[];
}

const VIP = "192.0.2.10";
const RS1 = "192.0.2.2:80";
const RS2 = "192.0.2.3:80";

describe.skipIf(!ran(lab, "wrr"))(titled(lab, "lab: wrr weights through lvsh"), () => {
  const stage = (n: number): Stage => scenario<WrrResult>(lab, "wrr").stages[n]!;
  // said with a failed share or counter: which MAC the client held for the VIP (a fetch once reached rs2 without the director)
  const arp = (n: number): string => `the client's neighbours before the fetches:\n${stage(n).neigh_before ?? "(not recorded)"}\nafter:\n${stage(n).neigh_after ?? "(not recorded)"}`;

  describe("3:1", () => {
    it("commits", () => expect(checkLvsh(stage(0).commit)).toEqual([]));
    it("holds the weights in the table", () => {
      expect(saveLines(stage(0).snap.lb!.ipvsadm)).toEqual([`-A -t ${VIP}:80 -s wrr`, `-a -t ${VIP}:80 -r ${RS1} -g -w 3`, `-a -t ${VIP}:80 -r ${RS2} -g -w 1`]);
    });
    it("sends 6 of 8 fetches to rs1 and 2 to rs2", () => expect(checkShares(stage(0).fetch, { rs1: 6, rs2: 2 }), arp(0)).toEqual([]));
    it("counts 6 and 2 connections on the director", () => expect(checkCounters(stage(0).stats, `${VIP}:80`, 8, { [RS1]: 6, [RS2]: 2 }), arp(0)).toEqual([]));
  });

  describe("set rs .3 weight 0", () => {
    it("commits one step", () => {
      expect(checkLvsh(stage(1).commit)).toEqual([]);
      expect(stage(1).commit.stdout).toMatch(/1 step on 1 host/);
    });
    it("sets the weight to 0 in the table", () => {
      expect(saveLines(stage(1).snap.lb!.ipvsadm)).toEqual([`-A -t ${VIP}:80 -s wrr`, `-a -t ${VIP}:80 -r ${RS1} -g -w 3`, `-a -t ${VIP}:80 -r ${RS2} -g -w 0`]);
    });
    it("takes rs2 out for new connections: 4 of 4 fetches to rs1", () => expect(checkShares(stage(1).fetch, { rs1: 4 }), arp(1)).toEqual([]));
    it("leaves rs2's counter where it was", () => expect(checkCounters(stage(1).stats, `${VIP}:80`, 12, { [RS1]: 10, [RS2]: 2 }), arp(1)).toEqual([]));
  });

  describe("del rs .3", () => {
    it("commits", () => expect(checkLvsh(stage(2).commit)).toEqual([]));
    it("removes it from the table", () => {
      expect(saveLines(stage(2).snap.lb!.ipvsadm)).toEqual([`-A -t ${VIP}:80 -s wrr`, `-a -t ${VIP}:80 -r ${RS1} -g -w 3`]);
    });
    it("removes the VIP and its ARP rules from rs2, and only from rs2", () => {
      const s = stage(2).snap;
      expect(addrs(s.rs2!.addr)).toEqual(["192.0.2.3/24 dev eth0"]);
      expect(arpRules(s.rs2!.arptables)).toEqual([]);
      expect(addrs(s.rs1!.addr)).toContain(`${VIP}/32 dev eth0`);
      expect(arpRules(s.rs1!.arptables)).toHaveLength(2);
    });
    it("sends every fetch to rs1", () => expect(checkShares(stage(2).fetch, { rs1: 4 }), arp(2)).toEqual([]));
    it("no longer lists rs2 on the director", () => expect(checkCounters(stage(2).stats, `${VIP}:80`, 16, { [RS1]: 14, [RS2]: null }), arp(2)).toEqual([]));
  });
});
