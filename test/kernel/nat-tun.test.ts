/**
 * VS-NAT and VS-TUN (ipip) through lvsh (guest/scenario-nat.sh,
 * guest/scenario-tun.sh). NAT: lvsh turns the director's forwarding on, and
 * the checks see the traffic stop when it is turned off by hand. TUN: lvsh
 * brings tunl0 up and relaxes rp_filter on the real servers; by hand, each of
 * the three is shown to be needed.
 */
import { describe, expect, inject, it } from "vitest";
import {
  addrs,
  arpRules,
  checkAlternates,
  checkArpDirectorOnly,
  checkCounters,
  checkLvsh,
  checkNoneAnswered,
  linkUp,
  parseStatsConns,
  saveLines,
  sysctls,
  type Arp,
  type Fetch,
  type LvshRun,
  type Snap,
  type Stats,
} from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");
const VIP = "192.0.2.10";

interface NatResult {
  macs: Record<string, string>;
  before: Snap;
  commit: LvshRun;
  fetch: Fetch;
  arp: Arp;
  stats: Stats;
  snap: Snap;
  forwarding_off: { fetch: Fetch; repair: LvshRun; ip_forward_after: string; fetch_after: Fetch };
}

describe.skipIf(!ran(lab, "nat"))(titled(lab, "lab: VS-NAT through lvsh (real servers behind the director)"), () => {
  const r = (): NatResult => scenario<NatResult>(lab, "nat");

  it("commits: the service, its NAT real servers, forwarding on the director", () => {
    expect(checkLvsh(r().commit)).toEqual([]);
    expect(saveLines(r().snap.lb!.ipvsadm)).toEqual([
      `-A -t ${VIP}:80 -s rr`,
      `-a -t ${VIP}:80 -r 198.51.100.2:8080 -m -w 1`,
      `-a -t ${VIP}:80 -r 198.51.100.3:8080 -m -w 1`,
    ]);
  });

  it("turns net.ipv4.ip_forward on (it was off in the new namespace)", () => {
    expect(sysctls(r().before.lb!.sysctl)["net.ipv4.ip_forward"]).toBe("0");
    expect(sysctls(r().snap.lb!.sysctl)["net.ipv4.ip_forward"]).toBe("1");
  });

  it("touches nothing on the real servers", () => {
    for (const rs of ["rs1", "rs2"]) {
      expect(addrs(r().snap[rs]!.addr)).toHaveLength(1);
      expect(arpRules(r().snap[rs]!.arptables)).toEqual([]);
    }
  });

  it("alternates rs1 and rs2 (rr, port 80 -> 8080) over 8 fetches", () => {
    expect(checkAlternates(r().fetch, ["rs1", "rs2"])).toEqual([]);
  });

  it("counts them on the director", () => {
    expect(checkCounters(r().stats, `${VIP}:80`, 8, { "198.51.100.2:8080": 4, "198.51.100.3:8080": 4 })).toEqual([]);
  });

  it("makes only the director answer ARP for the VIP", () => {
    expect(checkArpDirectorOnly(r().arp, VIP, r().macs)).toEqual([]);
  });

  it("negative: with forwarding turned off by hand, the fetches fail (replies cannot pass the director)", () => {
    expect(checkNoneAnswered(r().forwarding_off.fetch)).toEqual([]);
  });

  it("a plain `commit` puts forwarding back over the drift, and the fetches work again", () => {
    const f = r().forwarding_off;
    expect(checkLvsh(f.repair)).toEqual([]);
    expect(f.repair.stdout).toMatch(/1 step on 1 host/);
    expect(f.ip_forward_after).toBe("1");
    expect(checkAlternates(f.fetch_after, ["rs1", "rs2"])).toEqual([]);
  });
});

interface Probe {
  tunl0: string;
  rp_filter_all: number;
  rp_filter_tunl0: number;
  set: { commands: string };
  fetch: Fetch;
}
interface TunResult {
  macs: Record<string, string>;
  commit: LvshRun;
  snap: Snap;
  probe0: Fetch;
  probes: Probe[];
  arp: Arp;
  stats_text: string;
  fixed: Snap;
}

describe.skipIf(!ran(lab, "tun"))(titled(lab, "lab: VS-TUN (ipip) through lvsh"), () => {
  const r = (): TunResult => scenario<TunResult>(lab, "tun");
  const RIP = { rs1: "192.0.2.2", rs2: "192.0.2.3" };

  it("commits `arp hide on rs` for tun real servers: ipip on the director; ARP rules and the VIP on tunl0 on the real servers", () => {
    const x = r();
    expect(checkLvsh(x.commit)).toEqual([]);
    expect(saveLines(x.snap.lb!.ipvsadm)).toEqual([
      `-A -t ${VIP}:80 -s rr`,
      `-a -t ${VIP}:80 -r ${RIP.rs1}:80 -i -w 1 --tun-type ipip`,
      `-a -t ${VIP}:80 -r ${RIP.rs2}:80 -i -w 1 --tun-type ipip`,
    ]);
    for (const rs of ["rs1", "rs2"] as const) {
      expect(addrs(x.snap[rs]!.addr)).toContain(`${VIP}/32 dev tunl0`);
      expect(arpRules(x.snap[rs]!.arptables)).toEqual([`-A INPUT -j DROP -d ${VIP}`, `-A OUTPUT -j mangle -s ${VIP} --mangle-ip-s ${RIP[rs]}`]);
    }
  });

  it("brings tunl0 up and turns rp_filter off on all and tunl0 (the lab set 1: RHEL's strict default)", () => {
    for (const rs of ["rs1", "rs2"]) {
      const h = r().snap[rs]!;
      const v = sysctls(h.sysctl);
      expect([linkUp(h.addr, "tunl0"), v["net.ipv4.conf.all.rp_filter"], v["net.ipv4.conf.tunl0.rp_filter"]], rs).toEqual([true, "0", "0"]);
    }
  });

  it("carries the fetches through the tunnel with what lvsh set up, and nothing else", () => {
    const x = r();
    const rs1 = x.snap.rs1!;
    const v = sysctls(rs1.sysctl);
    const state = `rs1 after lvsh's commit: tunl0 ${linkUp(rs1.addr, "tunl0") ? "up" : "down"}, rp_filter all=${v["net.ipv4.conf.all.rp_filter"]} tunl0=${v["net.ipv4.conf.tunl0.rp_filter"]}`;
    expect(checkAlternates(x.probe0, ["rs1", "rs2"]), state).toEqual([]);
  });

  const cases = [
    ["tunl0 down (rp_filter relaxed on all and tunl0)", 0],
    ["rp_filter=1 on tunl0 (tunl0 up, all relaxed)", 1],
    ["rp_filter=1 on all (tunl0 up and relaxed)", 2],
  ] as const;
  for (const [what, i] of cases) {
    it(`by hand, each command is needed: no fetch passes with ${what}`, () => {
      const p = r().probes[i]!;
      expect(checkNoneAnswered(p.fetch), p.set.commands).toEqual([]);
    });
  }

  it("by hand, with tunl0 up and rp_filter=0 on all and tunl0, 8 fetches alternate rs1/rs2 through the tunnel", () => {
    const p = r().probes[3]!;
    expect([p.tunl0, p.rp_filter_all, p.rp_filter_tunl0]).toEqual(["up", 0, 0]);
    expect(checkAlternates(p.fetch, ["rs1", "rs2"])).toEqual([]);
    const fixed = r().fixed.rs1!;
    expect(linkUp(fixed.addr, "tunl0")).toBe(true);
  });

  it("the director scheduled them (both real servers have connections in ipvsadm --stats)", () => {
    const conns = parseStatsConns(r().stats_text);
    for (const rs of Object.values(RIP)) expect(conns.get(`${rs}:80`) ?? 0, rs).toBeGreaterThanOrEqual(4);
  });

  it("makes only the director answer ARP for the VIP", () => {
    expect(checkArpDirectorOnly(r().arp, VIP, r().macs)).toEqual([]);
  });
});
