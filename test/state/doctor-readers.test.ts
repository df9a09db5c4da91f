/** The readers doctor adds: `ss -Hlntu`, `ip -j route show`, arping's answers. Outputs as the tools print them (ss 6.1, iproute2 6.1, busybox 1.35 and iputils arping). */
import { describe, expect, it } from "vitest";
import { parseArping, parseIpRouteJson, parseSsListen } from "../../src/state/index.js";

describe("ss -Hlntu", () => {
  it("reads TCP listeners and UDP sockets: any address (IPv4, IPv6, dual-stack), an address, a device", () => {
    const text = [
      "udp   UNCONN 0      0          127.0.0.53%lo:53         0.0.0.0:*",
      "tcp   LISTEN 0      9      10.9.0.10:8080 0.0.0.0:*",
      "tcp   LISTEN 0      9              *:80         *:*",
      "tcp   LISTEN 0      4096     0.0.0.0:22       0.0.0.0:*",
      "tcp   LISTEN 0      4096        [::]:443         [::]:*",
      "tcp   LISTEN 0      511   [2001:db8::10]:80        [::]:*",
      "tcp   LISTEN 0      511   [::ffff:192.0.2.10]:81        [::]:*",
      "tcp   LISTEN 0      511   [fe80::1%eth0]:82        [::]:*",
      "",
    ].join("\n");
    const r = parseSsListen(text);
    expect(r.problems).toEqual([]);
    expect(r.listeners).toEqual([
      { proto: "udp", addr: "127.0.0.53", port: 53, family: 4, dev: "lo" },
      { proto: "tcp", addr: "10.9.0.10", port: 8080, family: 4 },
      { proto: "tcp", addr: null, port: 80, family: 0 },
      { proto: "tcp", addr: null, port: 22, family: 4 },
      { proto: "tcp", addr: null, port: 443, family: 6 },
      { proto: "tcp", addr: "2001:db8::10", port: 80, family: 6 },
      { proto: "tcp", addr: "192.0.2.10", port: 81, family: 4 },
      { proto: "tcp", addr: "fe80::1", port: 82, family: 6, dev: "eth0" },
    ]);
  });

  it("reports a line it cannot read, and skips a header", () => {
    const r = parseSsListen("Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\nraw   UNCONN 0 0 *:icmp *:*\ntcp LISTEN 0 9 nonsense x\n");
    expect(r.listeners).toEqual([]);
    expect(r.problems.map((p) => [p.line, p.message])).toEqual([
      [2, "not a tcp or udp socket"],
      [3, "no local ADDR:PORT"],
    ]);
  });
});

describe("ip -j route show", () => {
  it("reads the default route, connected routes and a multipath default", () => {
    expect(parseIpRouteJson('[{"dst":"default","gateway":"10.9.0.1","dev":"eth0","flags":[]},{"dst":"10.9.0.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"10.9.0.2","flags":[]}]\n')).toEqual([
      { dst: "default", gateway: "10.9.0.1", dev: "eth0" },
      { dst: "10.9.0.0/24", dev: "eth0" },
    ]);
    expect(parseIpRouteJson('[{"dst":"default","flags":[],"nexthops":[{"gateway":"10.0.0.1","dev":"eth0","weight":1,"flags":[]},{"gateway":"10.1.0.1","dev":"eth1","weight":1,"flags":[]}]}]')).toEqual([
      { dst: "default", gateway: "10.0.0.1", dev: "eth0" },
      { dst: "default", gateway: "10.1.0.1", dev: "eth1" },
    ]);
    expect(parseIpRouteJson("[]\n")).toEqual([]);
    expect(parseIpRouteJson("")).toEqual([]);
    expect(() => parseIpRouteJson("not json")).toThrow(/ip -j route show: not JSON/);
  });
});

describe("arping", () => {
  it("lists each MAC that answered once, from busybox's and iputils' output", () => {
    const busybox = [
      "ARPING 10.9.0.10 from 10.9.0.1 eth0",
      "Unicast reply from 10.9.0.10 [8e:eb:68:f3:bc:d6] 0.013ms",
      "Unicast reply from 10.9.0.10 [0e:5b:77:ee:5e:0b] 0.036ms",
      "Unicast reply from 10.9.0.10 [8e:eb:68:f3:bc:d6] 0.026ms",
      "Sent 2 probe(s) (0 broadcast(s))",
      "Received 3 response(s) (0 request(s), 0 broadcast(s))",
    ].join("\n");
    expect(parseArping(busybox)).toEqual([
      { addr: "10.9.0.10", mac: "8e:eb:68:f3:bc:d6" },
      { addr: "10.9.0.10", mac: "0e:5b:77:ee:5e:0b" },
    ]);
    const iputils = "ARPING 192.0.2.10 from 192.0.2.1 eth0\nUnicast reply from 192.0.2.10 [52:54:00:12:34:56]  0.649ms\nSent 2 probes (2 broadcast(s))\nReceived 1 response(s)\n";
    expect(parseArping(iputils)).toEqual([{ addr: "192.0.2.10", mac: "52:54:00:12:34:56" }]);
    expect(parseArping("ARPING 10.9.0.10 from 10.9.0.1 eth0\nSent 2 probe(s) (0 broadcast(s))\nReceived 0 response(s)\n")).toEqual([]);
  });
});
