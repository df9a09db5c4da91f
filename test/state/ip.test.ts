/** `ip -j addr show` / `ip -j link show`: the captured output, the scopes lvsh keeps, and the printed JSON read back. */
import { describe, expect, it } from "vitest";
import { formatAddrLine, formatIpAddrJson, formatIpLinkJson, parseIpAddrJson, parseIpLinkJson, type IpAddrLinkSpec } from "../../src/state/index.js";
import { fixture } from "./fixture.js";

type Json = Record<string, unknown>;

describe("parseIpAddrJson", () => {
  it("reads the global addresses of the capture, the VIPs on lo included, and skips loopback and link-local ones", () => {
    expect(parseIpAddrJson(fixture("ip-j-addr-show.json"))).toStrictEqual([
      { addr: "192.0.2.10", prefix: 32, dev: "lo" },
      { addr: "2001:db8::10", prefix: 128, dev: "lo" },
      { addr: "192.0.2.10", prefix: 32, dev: "eth0" },
    ]);
  });

  it("canonicalises addresses and keeps scopes other than host and link", () => {
    const text = JSON.stringify([
      { ifname: "eth1", addr_info: [{ family: "inet6", local: "2001:DB8:0::0001", prefixlen: 64, scope: "global" }, { family: "inet6", local: "fec0::1", prefixlen: 64, scope: "site" }, { family: "inet", local: "169.254.1.1", prefixlen: 16, scope: "link" }] },
      { ifname: "eth2" },
    ]);
    expect(parseIpAddrJson(text)).toStrictEqual([
      { addr: "2001:db8::1", prefix: 64, dev: "eth1" },
      { addr: "fec0::1", prefix: 64, dev: "eth1" },
    ]);
  });

  it("reads an empty list, and refuses what is not ip's JSON", () => {
    expect(parseIpAddrJson("[]\n")).toEqual([]);
    expect(() => parseIpAddrJson("Cannot find device \"eth9\"")).toThrow(/not JSON/);
    expect(() => parseIpAddrJson('{"ifname":"lo"}')).toThrow(/array/);
  });
});

describe("parseIpLinkJson", () => {
  it("reads name, state, MAC and type of every link of the capture", () => {
    expect(parseIpLinkJson(fixture("ip-j-link-show.json"))).toStrictEqual([
      { name: "lo", up: true, mac: "00:00:00:00:00:00", kind: "loopback" },
      { name: "tunl0", up: false, mac: "0.0.0.0", kind: "ipip" },
      { name: "eth0", up: true, mac: "2a:b0:c9:43:d4:20", kind: "ether" },
    ]);
  });

  it("prefers the driver kind that ip -d prints", () => {
    const text = JSON.stringify([{ ifname: "dummy0", flags: ["BROADCAST", "NOARP", "UP"], link_type: "ether", address: "02:00:00:00:00:01", linkinfo: { info_kind: "dummy" } }]);
    expect(parseIpLinkJson(text)).toStrictEqual([{ name: "dummy0", up: true, mac: "02:00:00:00:00:01", kind: "dummy" }]);
  });
});

describe("formatIpAddrJson and formatIpLinkJson", () => {
  const captureLinks: IpAddrLinkSpec[] = [
    { name: "lo", addrs: [{ addr: "127.0.0.1", prefix: 8 }, { addr: "192.0.2.10", prefix: 32 }, { addr: "2001:db8::10", prefix: 128 }, { addr: "::1", prefix: 128 }] },
    { name: "eth0", mac: "2a:b0:c9:43:d4:20", addrs: [{ addr: "192.0.2.10", prefix: 32 }, { addr: "fe80::28b0:c9ff:fe43:d420", prefix: 64 }] },
  ];

  it("prints the shape ip prints: the same fields in the same order, and the same addr_info as the capture", () => {
    const real = (JSON.parse(fixture("ip-j-addr-show.json")) as Json[]).filter((l) => l.ifname !== "tunl0");
    const ours = JSON.parse(formatIpAddrJson(captureLinks)) as Json[];
    expect(ours.map((l) => Object.keys(l))).toEqual(real.map((l) => Object.keys(l)));
    expect(ours.map((l) => l.addr_info)).toEqual(real.map((l) => l.addr_info));
    expect(ours.map((l) => [l.ifname, l.address, l.link_type, l.mtu])).toEqual(real.map((l) => [l.ifname, l.address, l.link_type, l.mtu]));
  });

  it("is read back by parseIpAddrJson: the global addresses, IPv4 before IPv6 on each link", () => {
    const links: IpAddrLinkSpec[] = [
      { name: "eth0", addrs: [{ addr: "2001:db8::10", prefix: 128 }, { addr: "192.0.2.10", prefix: 32 }, { addr: "192.0.2.11", prefix: 24 }] },
      { name: "lo", addrs: [{ addr: "127.0.0.1", prefix: 8 }, { addr: "203.0.113.5", prefix: 32 }] },
      { name: "eth1", addrs: [] },
    ];
    expect(parseIpAddrJson(formatIpAddrJson(links))).toStrictEqual([
      { addr: "192.0.2.10", prefix: 32, dev: "eth0" },
      { addr: "192.0.2.11", prefix: 24, dev: "eth0" },
      { addr: "2001:db8::10", prefix: 128, dev: "eth0" },
      { addr: "203.0.113.5", prefix: 32, dev: "lo" },
    ]);
  });

  it("prints links that parseIpLinkJson reads back, with the fields of the capture", () => {
    const text = formatIpLinkJson([{ name: "lo" }, { name: "eth0", mac: "2a:b0:c9:43:d4:20" }, { name: "eth1", up: false, mac: "02:00:00:00:00:02" }, { name: "dummy0", kind: "dummy" }]);
    expect(parseIpLinkJson(text)).toStrictEqual([
      { name: "lo", up: true, mac: "00:00:00:00:00:00", kind: "loopback" },
      { name: "eth0", up: true, mac: "2a:b0:c9:43:d4:20", kind: "ether" },
      { name: "eth1", up: false, mac: "02:00:00:00:00:02", kind: "ether" },
      { name: "dummy0", up: true, mac: "00:00:00:00:00:00", kind: "dummy" },
    ]);
    const real = JSON.parse(fixture("ip-j-link-show.json")) as Json[];
    const ours = JSON.parse(text) as Json[];
    expect(Object.keys(ours[0]!)).toEqual(Object.keys(real[0]!));
  });

  it("formatAddrLine prints ADDR/PREFIX dev IFACE", () => {
    expect(formatAddrLine({ addr: "192.0.2.10", prefix: 32, dev: "eth0" })).toBe("192.0.2.10/32 dev eth0");
    expect(formatAddrLine({ addr: "2001:db8::10", prefix: 128, dev: "lo" })).toBe("2001:db8::10/128 dev lo");
  });
});
