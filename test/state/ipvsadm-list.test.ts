/** The -Ln listings: plain, --exact, --thresholds, --stats, --rate, and the merge of thresholds into the table. */
import { describe, expect, it } from "vitest";
import { destKeyOf, serviceKeyOf } from "../../src/model/index.js";
import { parseIpvsadmList, parseIpvsadmRate, parseIpvsadmSave, parseIpvsadmStats, parseIpvsadmThresholds, parseLargeNum, withThresholds } from "../../src/state/index.js";
import { fixture } from "./fixture.js";

const serviceKeys = [
  "tcp 192.0.2.10:80",
  "tcp 192.0.2.10:443",
  "tcp 192.0.2.15:80",
  "tcp 192.0.2.16:80",
  "tcp 192.0.2.17:80",
  "tcp 192.0.2.18:80",
  "tcp 203.0.113.5:8443",
  "udp 192.0.2.10:53",
  "udp 192.0.2.12:5060",
  "udp 192.0.2.13:9999",
  "sctp 192.0.2.11:3868",
  "tcp [2001:db8::10]:80",
  "fwmark 7",
  "fwmark 9 ipv6",
];

const destKeys = [
  "tcp 192.0.2.10:80 192.0.2.21:80",
  "tcp 192.0.2.10:80 192.0.2.22:80",
  "tcp 192.0.2.10:443 192.0.2.21:443",
  "tcp 192.0.2.10:443 192.0.2.22:443",
  "tcp 203.0.113.5:8443 192.0.2.41:8443",
  "tcp 203.0.113.5:8443 192.0.2.42:8443",
  "tcp 203.0.113.5:8443 192.0.2.43:8443",
  "udp 192.0.2.10:53 198.51.100.5:5353",
  "udp 192.0.2.12:5060 192.0.2.51:5060",
  "udp 192.0.2.13:9999 192.0.2.61:9999",
  "sctp 192.0.2.11:3868 192.0.2.31:3868",
  "tcp [2001:db8::10]:80 [2001:db8::21]:80",
  "fwmark 7 198.51.100.6:0",
  "fwmark 9 ipv6 [2001:db8::22]:0",
];

const saved = parseIpvsadmSave(fixture("ipvsadm-Sn.txt")).services;

describe("parseIpvsadmList (plain -Ln)", () => {
  const listing = parseIpvsadmList(fixture("ipvsadm-Ln.txt"));

  it("reads every service and real server of the captured listing, keyed like the table", () => {
    expect(listing.problems).toEqual([]);
    expect([...listing.services.keys()]).toEqual(serviceKeys);
    expect([...listing.dests.keys()]).toEqual(destKeys);
  });

  it("reads the service suffixes: (flags), persistent, mask, pe, ops, FWM and IPv6", () => {
    expect(listing.services.get("tcp 203.0.113.5:8443")).toEqual({ scheduler: "mh", flags: ["mh-fallback"], persistence: null, netmask: 32, pe: null, onePacket: false });
    expect(listing.services.get("udp 192.0.2.10:53")).toMatchObject({ scheduler: "sh", flags: ["sh-fallback", "sh-port"] });
    expect(listing.services.get("udp 192.0.2.12:5060")).toEqual({ scheduler: "rr", flags: [], persistence: 60, netmask: 32, pe: "sip", onePacket: false });
    expect(listing.services.get("udp 192.0.2.13:9999")).toMatchObject({ scheduler: "nq", onePacket: true });
    expect(listing.services.get("fwmark 7")).toEqual({ scheduler: "wrr", flags: [], persistence: 120, netmask: 24, pe: null, onePacket: false });
    expect(listing.services.get("fwmark 9 ipv6")).toEqual({ scheduler: "fo", flags: [], persistence: null, netmask: 128, pe: null, onePacket: false });
  });

  it("agrees with ipvsadm -Sn on every service's options", () => {
    for (const s of saved) {
      const { scheduler, flags, persistence, netmask, pe, onePacket } = s;
      expect(listing.services.get(serviceKeyOf(s))).toEqual({ scheduler, flags, persistence, netmask, pe, onePacket });
    }
  });

  it("reads forward, weight and connections of each real server, agreeing with -Sn", () => {
    expect(listing.dests.get("tcp 192.0.2.10:80 192.0.2.22:80")).toEqual({ forward: "dr", weight: 3, activeConns: 0, inactConns: 0 });
    expect(listing.dests.get("udp 192.0.2.10:53 198.51.100.5:5353")).toEqual({ forward: "nat", weight: 1, activeConns: 0, inactConns: 0 });
    expect(listing.dests.get("tcp 203.0.113.5:8443 192.0.2.42:8443")).toEqual({ forward: "tun", weight: 1, activeConns: 0, inactConns: 0 });
    for (const s of saved) for (const d of s.dests) expect(listing.dests.get(`${serviceKeyOf(s)} ${destKeyOf(d)}`)).toMatchObject({ forward: d.method, weight: d.weight });
  });

  it("reads --exact and a one-service listing (no version line) the same way", () => {
    expect(parseIpvsadmList(fixture("ipvsadm-Ln-exact.txt"))).toEqual(listing);
    const one = parseIpvsadmList(fixture("ipvsadm-Ln-one-service.txt"));
    expect(one.problems).toEqual([]);
    expect([...one.services.keys()]).toEqual(["tcp 192.0.2.10:80"]);
    expect([...one.dests.keys()]).toEqual(["tcp 192.0.2.10:80 192.0.2.21:80", "tcp 192.0.2.10:80 192.0.2.22:80"]);
  });

  it("reads connection counts, a Local real server, a v6 mask and port names", () => {
    const text = [
      "Prot LocalAddress:Port Scheduler Flags",
      "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
      "TCP  192.0.2.10:http wlc persistent 300 mask 255.255.0.0",
      "  -> 192.0.2.10:http              Local   2      17         4093      ",
      "TCP  [2001:db8::10]:443 rr persistent 360 mask 64",
      "  -> [2001:db8::21]:443           Route   1      1          0         ",
    ].join("\n");
    const l = parseIpvsadmList(text);
    expect(l.problems).toEqual([]);
    expect(l.services.get("tcp 192.0.2.10:80")).toMatchObject({ persistence: 300, netmask: 16 });
    expect(l.services.get("tcp [2001:db8::10]:443")).toMatchObject({ persistence: 360, netmask: 64 });
    expect(l.dests.get("tcp 192.0.2.10:80 192.0.2.10:80")).toEqual({ forward: "local", weight: 2, activeConns: 17, inactConns: 4093 });
  });

  it("reports what it cannot read, by line", () => {
    const text = [
      "Prot LocalAddress:Port Scheduler Flags",
      "  -> 192.0.2.99:80                Route   1      0          0         ",
      "TCP  192.0.2.10:80 rr",
      "  -> 192.0.2.21:80                Bounce  1      0          0         ",
      "  -> 192.0.2.22:80                Route   x      0          0         ",
      "ICMP 192.0.2.10 rr",
      "TCP  192.0.2.11:80 rr sticky",
      "  -> 192.0.2.23:80                Route   1      0          0         ",
    ].join("\n");
    const l = parseIpvsadmList(text);
    expect(l.problems.map((p) => p.line)).toEqual([2, 4, 5, 6, 7]);
    expect([...l.services.keys()]).toEqual(["tcp 192.0.2.10:80"]);
    expect([...l.dests.keys()]).toEqual(["tcp 192.0.2.11:80 192.0.2.23:80"]);
  });

  it("says so when given another listing", () => {
    const l = parseIpvsadmList(fixture("ipvsadm-Ln-stats.txt"));
    expect(l.problems[0]!.line).toBe(2);
  });
});

describe("parseIpvsadmThresholds and withThresholds", () => {
  const thresholds = parseIpvsadmThresholds(fixture("ipvsadm-Ln-thresholds.txt"));

  it("reads -x/-y of every real server", () => {
    expect([...thresholds.keys()]).toEqual(destKeys);
    expect(thresholds.get("tcp 192.0.2.10:443 192.0.2.21:443")).toEqual({ uThreshold: 1000, lThreshold: 800 });
    for (const k of destKeys.filter((k) => k !== "tcp 192.0.2.10:443 192.0.2.21:443")) expect(thresholds.get(k)).toEqual({ uThreshold: 0, lThreshold: 0 });
  });

  it("fills them into the table that -S read without them, leaving the input alone", () => {
    const merged = withThresholds(saved, thresholds);
    const changed = merged.flatMap((s) => s.dests.filter((d) => d.uThreshold || d.lThreshold).map((d) => [serviceKeyOf(s), d.addr, d.uThreshold, d.lThreshold]));
    expect(changed).toEqual([["tcp 192.0.2.10:443", "192.0.2.21", 1000, 800]]);
    expect(saved[1]!.dests[0]!.uThreshold).toBe(0);
    expect(merged.map((s) => ({ ...s, dests: s.dests.map((d) => ({ ...d, uThreshold: 0, lThreshold: 0 })) }))).toStrictEqual(saved);
  });

  it("keeps the thresholds of real servers the listing does not show", () => {
    const svc = { ...saved[0]!, dests: [{ ...saved[0]!.dests[0]!, uThreshold: 7, lThreshold: 3 }] };
    expect(withThresholds([svc], new Map())[0]!.dests[0]).toMatchObject({ uThreshold: 7, lThreshold: 3 });
  });
});

describe("parseIpvsadmStats and parseIpvsadmRate", () => {
  it("read the captured listings: every service and real server, all zero", () => {
    const zeroStats = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 };
    const stats = parseIpvsadmStats(fixture("ipvsadm-Ln-stats.txt"));
    expect(stats.problems).toEqual([]);
    expect([...stats.services.keys()]).toEqual(serviceKeys);
    expect([...stats.dests.keys()]).toEqual(destKeys);
    for (const v of [...stats.services.values(), ...stats.dests.values()]) expect(v).toEqual(zeroStats);
    const rate = parseIpvsadmRate(fixture("ipvsadm-Ln-rate.txt"));
    expect(rate.problems).toEqual([]);
    expect([...rate.services.keys()]).toEqual(serviceKeys);
    expect([...rate.dests.keys()]).toEqual(destKeys);
    for (const v of [...rate.services.values(), ...rate.dests.values()]) expect(v).toEqual({ cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 });
  });

  it("read big counters with ipvsadm's K/M/G suffixes, and a long IPv6 service past its column", () => {
    const text = [
      "IP Virtual Server version 1.2.1 (size=4096)",
      "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes",
      "  -> RemoteAddress:Port",
      "TCP  192.0.2.10:80                     123  123456K    4567M       1G 99999999",
      "  -> 192.0.2.21:80                      12     1234        0        0        5",
      "TCP  [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535        1        2        3        4        5",
      "FWM  9 IPv6                              7        0        0        0        0",
    ].join("\n");
    const stats = parseIpvsadmStats(text);
    expect(stats.problems).toEqual([]);
    expect(stats.services.get("tcp 192.0.2.10:80")).toEqual({ conns: 123, inPkts: 123456000, outPkts: 4567000000, inBytes: 1e9, outBytes: 99999999 });
    expect(stats.dests.get("tcp 192.0.2.10:80 192.0.2.21:80")).toEqual({ conns: 12, inPkts: 1234, outPkts: 0, inBytes: 0, outBytes: 5 });
    expect(stats.services.get("tcp [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535")).toEqual({ conns: 1, inPkts: 2, outPkts: 3, inBytes: 4, outBytes: 5 });
    expect(stats.services.get("fwmark 9 ipv6")).toMatchObject({ conns: 7 });
  });

  it("report a row with a missing or odd number", () => {
    const text = "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\nTCP  192.0.2.10:80 1 2 3 4\nTCP  192.0.2.11:80 1 2 3 4 5X\n";
    expect(parseIpvsadmRate(text).problems.map((p) => p.line)).toEqual([2, 3]);
  });

  it("parseLargeNum: plain numbers exactly, suffixes by powers of 1000, anything else null", () => {
    expect([parseLargeNum("0"), parseLargeNum("99999999"), parseLargeNum("100000K"), parseLargeNum("1000M"), parseLargeNum("100G"), parseLargeNum("2T")]).toEqual([0, 99999999, 1e8, 1e9, 1e11, 2e12]);
    expect([parseLargeNum("1.5K"), parseLargeNum("K"), parseLargeNum("-1"), parseLargeNum("1k")]).toEqual([null, null, null, null]);
  });
});
