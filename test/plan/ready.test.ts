/** A real server's readiness (plan/doctor.ts, what a commit checks before the director adds it): what it reads, what it finds. */
import { describe, expect, it } from "vitest";
import type { ReadyCheck } from "../../src/model/index.js";
import { realServerReady, type HostFacts } from "../../src/plan/index.js";

const DR: ReadyCheck = { host: "192.0.2.21", addr: "192.0.2.21", port: 80, method: "dr", family: 4, service: "tcp 192.0.2.10:80", vip: "192.0.2.10", listen: "tcp", hide: { via: "arptables", devGiven: false } };
const LINKS = [
  { name: "lo", up: true, mac: "00:00:00:00:00:00", kind: "loopback" },
  { name: "eth0", up: true, mac: "02:00:00:00:00:21", kind: "ether" },
];
const READY: HostFacts = {
  via: "test",
  addrs: [
    { addr: "192.0.2.21", prefix: 24, dev: "eth0" },
    { addr: "192.0.2.10", prefix: 32, dev: "eth0" },
  ],
  links: LINKS,
  sysctls: {},
  arp: [
    { chain: "INPUT", target: "DROP", dst: "192.0.2.10" },
    { chain: "OUTPUT", target: "mangle", src: "192.0.2.10", mangleIpS: "192.0.2.21" },
  ],
  listen: [{ proto: "tcp", addr: null, port: 80, family: 0 }],
};
const codes = (r: ReadyCheck, f: HostFacts) => realServerReady(r, f).findings.map((x) => x.code);

describe("realServerReady", () => {
  it("finds nothing wrong with a real server that holds the VIP, hides it both ways and listens", () => {
    const r = realServerReady(DR, READY);
    expect(r.findings).toEqual([]);
    expect(r.checked.map((c) => `${c.check} ${c.result}`)).toEqual(["vip-on-rs ok", "listening ok", "arp-hidden ok", "arp-announce ok"]);
  });

  it("the VIP not bound", () => {
    const f = { ...READY, addrs: READY.addrs.slice(0, 1) };
    expect(codes(DR, f)).toEqual(["rs-vip-missing"]);
    expect(realServerReady(DR, f).findings[0]!.message).toMatch(/^192\.0\.2\.10 is not bound on 192\.0\.2\.21/);
  });

  it("nothing listening on the port, or only on another address", () => {
    expect(codes(DR, { ...READY, listen: [] })).toEqual(["rs-not-listening"]);
    const other = realServerReady(DR, { ...READY, listen: [{ proto: "tcp", addr: "192.0.2.21", port: 80, family: 4 }] }).findings;
    expect(other.map((x) => x.code)).toEqual(["rs-not-listening"]);
    expect(other[0]!.message).toContain("only on 192.0.2.21:80");
    // a fwmark service has no port of its own: not looked at
    expect(codes({ ...DR, listen: null, service: "fwmark 7" }, { ...READY, listen: [] })).toEqual([]);
  });

  it("ARP not hidden: no DROP rule and arp_ignore 0; arp_ignore 1 on the VIP's own link; no mangle and arp_announce < 2", () => {
    expect(codes(DR, { ...READY, arp: [] })).toEqual(["rs-answers-arp"]);
    const ignore1 = { ...READY, arp: [], sysctls: { "net.ipv4.conf.all.arp_ignore": "1", "net.ipv4.conf.all.arp_announce": "2" } };
    expect(codes(DR, ignore1)).toEqual(["arp-ignore-answers"]);
    expect(codes(DR, { ...READY, arp: [{ chain: "INPUT", target: "DROP", dst: "192.0.2.10" }] })).toEqual(["arp-mangle-missing"]);
    const onLo = { ...READY, addrs: [READY.addrs[0]!, { addr: "192.0.2.10", prefix: 32, dev: "lo" }], arp: [], sysctls: { "net.ipv4.conf.all.arp_ignore": "1" } };
    expect(codes(DR, onLo)).toEqual(["arp-announce-missing"]);
  });

  it("tun: tunl0 down, rp_filter strict", () => {
    const tun = { ...DR, method: "tun" as const };
    const f: HostFacts = { ...READY, links: [...LINKS, { name: "tunl0", up: false, mac: "0.0.0.0", kind: "ipip" }], sysctls: { "net.ipv4.conf.all.rp_filter": "1" } };
    expect(codes(tun, f)).toEqual(["tunl0-down", "rp-filter-strict"]);
  });

  it("NAT: listening on its own address and port, nothing about the VIP", () => {
    const nat: ReadyCheck = { ...DR, method: "nat", port: 8080, hide: null };
    expect(codes(nat, { ...READY, addrs: READY.addrs.slice(0, 1), arp: [], listen: [{ proto: "tcp", addr: "192.0.2.21", port: 8080, family: 4 }] })).toEqual([]);
    expect(realServerReady(nat, { ...READY, listen: [] }).findings.map((x) => x.message)).toEqual([
      "nothing on 192.0.2.21 listens on tcp 192.0.2.21:8080: connections the director sends there are refused",
    ]);
  });
});
