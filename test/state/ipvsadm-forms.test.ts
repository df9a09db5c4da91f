/** Every form ipvsadm accepts in a table line, its defaults, and the lines it refuses (as problems). */
import { describe, expect, it } from "vitest";
import type { IpvsService } from "../../src/model/index.js";
import { parseIpvsadmSave } from "../../src/state/index.js";

const one = (text: string): IpvsService => {
  const { services, problems } = parseIpvsadmSave(text);
  expect(problems).toEqual([]);
  expect(services).toHaveLength(1);
  return services[0]!;
};

describe("table lines: layout", () => {
  it("skips blank lines and # comments, takes a leading `ipvsadm` and extra spaces", () => {
    const text = "# saved by hand\n\nipvsadm -A -t 192.0.2.10:80 -s rr\n   \n  ipvsadm   -a  -t 192.0.2.10:80   -r 192.0.2.21:80 -g -w 2  \n  # done\n";
    const s = one(text);
    expect(s.scheduler).toBe("rr");
    expect(s.dests.map((d) => [d.addr, d.port, d.weight])).toEqual([["192.0.2.21", 80, 2]]);
  });

  it("reads CRLF line ends", () => {
    expect(one("-A -t 192.0.2.10:80 -s rr\r\n-a -t 192.0.2.10:80 -r 192.0.2.21 -g -w 1\r\n").dests).toHaveLength(1);
  });

  it("reads options in any order", () => {
    const a = parseIpvsadmSave("-A -t 192.0.2.10:80 -s rr -p 60\n-a -t 192.0.2.10:80 -r 192.0.2.21:80 -m -w 3\n");
    const b = parseIpvsadmSave("-A -p 60 -s rr -t 192.0.2.10:80\n-a -w 3 -m -r 192.0.2.21:80 -t 192.0.2.10:80\n");
    expect(b).toStrictEqual(a);
  });

  it("reads the long options, also as --name=value", () => {
    const text = [
      "--add-service --udp-service 192.0.2.10:53 --scheduler sh --persistent=60 --netmask 255.255.255.0 --sched-flags sh-port --pe sip --ops",
      "--add-server --udp-service 192.0.2.10:53 --real-server 192.0.2.21:5353 --masquerading --weight 3 --u-threshold 100 --l-threshold 10",
      "--add-server --udp-service 192.0.2.10:53 --real-server 192.0.2.22 --ipip --tun-type gue --tun-port 6080 --tun-csum",
      "--add-server --udp-service=192.0.2.10:53 --real-server=192.0.2.23 --gatewaying",
    ].join("\n");
    expect(one(text)).toStrictEqual({
      proto: "udp",
      addr: "192.0.2.10",
      port: 53,
      fwmark: null,
      family: 4,
      scheduler: "sh",
      persistence: 60,
      netmask: 24,
      flags: ["sh-port"],
      onePacket: true,
      pe: "sip",
      dests: [
        { addr: "192.0.2.21", family: 4, port: 5353, method: "nat", weight: 3, uThreshold: 100, lThreshold: 10 },
        { addr: "192.0.2.22", family: 4, port: 53, method: "tun", weight: 1, uThreshold: 0, lThreshold: 0, tunType: "gue", tunPort: 6080, tunCsum: "csum" },
        { addr: "192.0.2.23", family: 4, port: 53, method: "dr", weight: 1, uThreshold: 0, lThreshold: 0 },
      ],
    });
  });

  it("reads the long forms of the tcp, sctp and fwmark services", () => {
    const { services } = parseIpvsadmSave("--add-service --tcp-service 192.0.2.1:80\n--add-service --sctp-service 192.0.2.1:3868\n--add-service --fwmark-service 5 --ipv6\n");
    expect(services.map((s) => [s.proto, s.addr, s.port, s.fwmark, s.family])).toEqual([
      ["tcp", "192.0.2.1", 80, null, 4],
      ["sctp", "192.0.2.1", 3868, null, 4],
      [null, null, 0, 5, 6],
    ]);
  });
});

describe("table lines: ipvsadm's defaults", () => {
  it("a service: wlc, not persistent, per-client mask, no flags, no pe", () => {
    const s = one("-A -t 192.0.2.10:80");
    expect(s).toStrictEqual({ proto: "tcp", addr: "192.0.2.10", port: 80, fwmark: null, family: 4, scheduler: "wlc", persistence: null, netmask: 32, flags: [], onePacket: false, pe: null, dests: [] });
  });

  it("-p without a value is 360 s, also before another option and at the end", () => {
    expect(one("-A -t 192.0.2.10:80 -p -s rr").persistence).toBe(360);
    expect(one("-A -t 192.0.2.10:80 -s rr -p").persistence).toBe(360);
    expect(one("-A -t 192.0.2.10:80 -s rr -p 1").persistence).toBe(1);
  });

  it("-M: a dotted mask for IPv4, a prefix for IPv6 and fwmark -6; ignored when not persistent", () => {
    expect(one("-A -t 192.0.2.10:80 -p 60 -M 255.255.240.0").netmask).toBe(20);
    expect(one("-A -t [2001:db8::10]:80 -p 60 -M 64").netmask).toBe(64);
    expect(one("-A -f 9 -6 -s fo -p 60 -M 48")).toMatchObject({ fwmark: 9, family: 6, netmask: 48 });
    expect(one("-A -f 9 -p 60 -M 255.255.255.0")).toMatchObject({ fwmark: 9, family: 4, netmask: 24 });
    expect(one("-A -t 192.0.2.10:80 -M 255.255.255.0").netmask).toBe(32);
    expect(one("-A -t [2001:db8::10]:80 -M 64").netmask).toBe(128);
  });

  it("a real server: dr, weight 1, no thresholds, the service's port when none is written", () => {
    const s = one("-A -t 192.0.2.10:80\n-a -t 192.0.2.10:80 -r 192.0.2.21\n-a -t 192.0.2.10:80 -r 192.0.2.22 -m\n");
    expect(s.dests).toStrictEqual([
      { addr: "192.0.2.21", family: 4, port: 80, method: "dr", weight: 1, uThreshold: 0, lThreshold: 0 },
      { addr: "192.0.2.22", family: 4, port: 80, method: "nat", weight: 1, uThreshold: 0, lThreshold: 0 },
    ]);
  });

  it("like ipvsadm, a dr or tun real server of an address service takes the service's port", () => {
    const s = one("-A -t 192.0.2.10:80\n-a -t 192.0.2.10:80 -r 192.0.2.21:8080 -g\n-a -t 192.0.2.10:80 -r 192.0.2.22:8080 -i\n-a -t 192.0.2.10:80 -r 192.0.2.23:8080 -m\n");
    expect(s.dests.map((d) => d.port)).toEqual([80, 80, 8080]);
  });

  it("a real server of a fwmark service has port 0 when written ADDR:0 or bare, and keeps a port written", () => {
    const s = one("-A -f 7 -s wrr\n-a -f 7 -r 198.51.100.6:0 -m\n-a -f 7 -r 198.51.100.7\n-a -f 7 -r 198.51.100.8:8080 -g\n");
    expect(s.dests.map((d) => d.port)).toEqual([0, 0, 8080]);
    const v6 = one("-A -f 9 -6\n-a -f 9 -6 -r [2001:db8::22]:0\n-a -f 9 -6 -r 2001:db8::23\n");
    expect(v6.dests.map((d) => [d.addr, d.port, d.family])).toEqual([
      ["2001:db8::22", 0, 6],
      ["2001:db8::23", 0, 6],
    ]);
  });

  it("tunnels: -i alone is ipip; gue and gre default to nocsum; only gue has a port", () => {
    const s = one(
      "-A -t 192.0.2.10:80\n-a -t 192.0.2.10:80 -r 192.0.2.21 -i\n-a -t 192.0.2.10:80 -r 192.0.2.22 -i --tun-type gre\n-a -t 192.0.2.10:80 -r 192.0.2.23 -i --tun-type gue --tun-port 6080\n-a -t 192.0.2.10:80 -r 192.0.2.24 -i --tun-type ipip\n",
    );
    expect(s.dests.map(({ tunType, tunPort, tunCsum }) => ({ tunType, tunPort, tunCsum }))).toEqual([
      { tunType: "ipip" },
      { tunType: "gre", tunCsum: "nocsum" },
      { tunType: "gue", tunPort: 6080, tunCsum: "nocsum" },
      { tunType: "ipip" },
    ]);
    expect(Object.keys(s.dests[0]!)).not.toContain("tunCsum");
    expect(Object.keys(s.dests[1]!)).not.toContain("tunPort");
  });

  it("an IPv4 real server behind an IPv6 service, by tunnel", () => {
    const s = one("-A -t [2001:db8::10]:80\n-a -t [2001:db8::10]:80 -r 192.0.2.21 -i\n");
    expect(s.dests[0]).toMatchObject({ addr: "192.0.2.21", family: 4, port: 80, method: "tun" });
  });
});

describe("table lines: values", () => {
  it("canonicalises IPv6 addresses", () => {
    const s = one("-A -t [2001:DB8:0:0::0010]:80\n-a -t [2001:db8::10]:80 -r [2001:0db8::0021]:80\n");
    expect([s.addr, s.dests[0]!.addr]).toEqual(["2001:db8::10", "2001:db8::21"]);
  });

  it("maps the service names ipvsadm -S prints to ports", () => {
    const { services, problems } = parseIpvsadmSave("-A -t 192.0.2.1:http\n-A -t 192.0.2.1:https\n-A -u 192.0.2.1:domain\n-A -u 192.0.2.1:sip\n-A -u 192.0.2.1:mdns\n-A -t 192.0.2.1:ssh\n");
    expect(problems).toEqual([]);
    expect(services.map((s) => s.port)).toEqual([80, 443, 53, 5060, 5353, 22]);
  });

  it("orders scheduler flags as the kernel prints them and names flag-N bits", () => {
    expect(one("-A -u 192.0.2.1:53 -s sh -b sh-port,sh-fallback").flags).toEqual(["sh-fallback", "sh-port"]);
    expect(one("-A -u 192.0.2.1:53 -s sh -b flag-2").flags).toEqual(["sh-port"]);
    expect(one("-A -u 192.0.2.1:53 -s rr -b flag-3,flag-1").flags).toEqual(["flag-1", "flag-3"]);
    expect(one("-A -u 192.0.2.1:53 -s mh -b mh-port").flags).toEqual(["mh-port"]);
  });

  it("-E replaces a service's options and keeps its real servers; -e replaces a real server", () => {
    const s = one("-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.10:80 -r 192.0.2.21 -w 1\n-E -t 192.0.2.10:80 -s wlc -p 30\n-e -t 192.0.2.10:80 -r 192.0.2.21 -w 9\n");
    expect([s.scheduler, s.persistence, s.dests.map((d) => d.weight)]).toEqual(["wlc", 30, [9]]);
  });

  it("-E and -e of something not there yet add it", () => {
    const s = one("-E -t 192.0.2.10:80 -s rr\n-e -t 192.0.2.10:80 -r 192.0.2.21 -w 4\n");
    expect([s.scheduler, s.dests.map((d) => d.weight)]).toEqual(["rr", [4]]);
  });
});

describe("table lines: service order", () => {
  it("attaches real servers to their service whatever the order of the lines, keeping both orders", () => {
    const text = "-A -t 192.0.2.10:80 -s rr\n-A -t 192.0.2.11:80 -s rr\n-a -t 192.0.2.11:80 -r 192.0.2.31\n-a -t 192.0.2.10:80 -r 192.0.2.22\n-a -t 192.0.2.10:80 -r 192.0.2.21\n";
    const { services, problems } = parseIpvsadmSave(text);
    expect(problems).toEqual([]);
    expect(services.map((s) => [s.addr, s.dests.map((d) => d.addr)])).toEqual([
      ["192.0.2.10", ["192.0.2.22", "192.0.2.21"]],
      ["192.0.2.11", ["192.0.2.31"]],
    ]);
  });

  it("attaches a -a written before its -A", () => {
    const { services, problems } = parseIpvsadmSave("-a -t 192.0.2.10:80 -r 192.0.2.21 -w 2\n-A -t 192.0.2.10:80 -s rr\n");
    expect(problems).toEqual([]);
    expect(services[0]!.dests.map((d) => [d.addr, d.weight])).toEqual([["192.0.2.21", 2]]);
  });

  it("keys services like serviceKeyOf: tcp and udp on one address and port are two services; fwmark 9 and 9 -6 too", () => {
    const { services } = parseIpvsadmSave("-A -t 192.0.2.10:53\n-A -u 192.0.2.10:53\n-A -f 9\n-A -f 9 -6\n-a -f 9 -6 -r [2001:db8::1]:0\n");
    expect(services.map((s) => s.dests.length)).toEqual([0, 0, 0, 1]);
  });
});

describe("table lines: problems", () => {
  it("reports a line it cannot read with its number and text, and reads the rest", () => {
    const text = "-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.10:80 -r 192.0.2.21 -g --frobnicate\n-a -t 192.0.2.10:80 -r 192.0.2.22 -g\n";
    const { services, problems } = parseIpvsadmSave(text);
    expect(problems).toEqual([{ line: 2, text: "-a -t 192.0.2.10:80 -r 192.0.2.21 -g --frobnicate", message: expect.stringContaining("--frobnicate") }]);
    expect(services[0]!.dests.map((d) => d.addr)).toEqual(["192.0.2.22"]);
  });

  it("reports a real server whose service is nowhere", () => {
    const { services, problems } = parseIpvsadmSave("-A -t 192.0.2.10:80\n-a -t 192.0.2.99:80 -r 192.0.2.21\n");
    expect(problems.map((p) => p.line)).toEqual([2]);
    expect(services[0]!.dests).toEqual([]);
  });

  it("reports a service or real server added twice and keeps the first", () => {
    const { services, problems } = parseIpvsadmSave("-A -t 192.0.2.10:80 -s rr\n-A -t 192.0.2.10:80 -s lc\n-a -t 192.0.2.10:80 -r 192.0.2.21 -w 1\n-a -t 192.0.2.10:80 -r 192.0.2.21 -w 5\n");
    expect(problems.map((p) => p.line)).toEqual([2, 4]);
    expect([services[0]!.scheduler, services[0]!.dests.map((d) => d.weight)]).toEqual(["rr", [1]]);
  });

  it.each([
    ["an unknown service name", "-A -t 192.0.2.1:gopher-plus-plus"],
    ["a host name", "-A -t www.example.org:80"],
    ["a port out of range", "-A -t 192.0.2.1:65536"],
    ["a stray word", "-A -t 192.0.2.1:80 rr"],
    ["an option without its value", "-A -t 192.0.2.1:80 -s"],
    ["an option twice", "-A -t 192.0.2.1:80 -s rr -s lc"],
    ["two services", "-A -t 192.0.2.1:80 -u 192.0.2.1:80"],
    ["no service", "-A -s rr"],
    ["no command", "-t 192.0.2.1:80 -s rr"],
    ["a command ipvsadm -S never writes", "-D -t 192.0.2.1:80"],
    ["-6 without -f", "-A -t 192.0.2.1:80 -6"],
    ["a real-server option on -A", "-A -t 192.0.2.1:80 -w 3"],
    ["a service option on -a", "-a -t 192.0.2.1:80 -r 192.0.2.2 -s rr"],
    ["a bad fwmark", "-A -f 0"],
    ["a bad timeout", "-A -t 192.0.2.1:80 -p 0"],
    ["a non-contiguous IPv4 mask", "-A -t 192.0.2.1:80 -p 60 -M 255.0.255.0"],
    ["an IPv6 mask out of range", "-A -t [2001:db8::1]:80 -p 60 -M 129"],
    ["an unknown scheduler flag", "-A -t 192.0.2.1:80 -s sh -b sh-sticky"],
    ["a flag of another scheduler", "-A -t 192.0.2.1:80 -s rr -b sh-port"],
    ["one-packet on TCP", "-A -t 192.0.2.1:80 -o"],
    ["port 0 without persistence", "-A -t 192.0.2.1:0"],
    ["two forwarding methods", "-a -t 192.0.2.1:80 -r 192.0.2.2 -g -m"],
    ["a weight out of range", "-a -t 192.0.2.1:80 -r 192.0.2.2 -w 65536"],
    ["tunnel options without -i", "-a -t 192.0.2.1:80 -r 192.0.2.2 -g --tun-type gre"],
    ["an unknown tunnel type", "-a -t 192.0.2.1:80 -r 192.0.2.2 -i --tun-type vxlan"],
    ["gue without a port", "-a -t 192.0.2.1:80 -r 192.0.2.2 -i --tun-type gue"],
    ["a port for gre", "-a -t 192.0.2.1:80 -r 192.0.2.2 -i --tun-type gre --tun-port 1"],
    ["remcsum for gre", "-a -t 192.0.2.1:80 -r 192.0.2.2 -i --tun-type gre --tun-remcsum"],
    ["a checksum option for ipip", "-a -t 192.0.2.1:80 -r 192.0.2.2 -i --tun-csum"],
    ["two checksum options", "-a -t 192.0.2.1:80 -r 192.0.2.2 -i --tun-type gue --tun-port 1 --tun-csum --tun-nocsum"],
    ["an IPv6 real server of an IPv4 service without a tunnel", "-a -t 192.0.2.1:80 -r [2001:db8::2]:80 -g"],
    ["a value for an option without one", "-A -t 192.0.2.1:80 --ops=yes"],
    ["brackets without a port", "-a -t 192.0.2.1:80 -r [2001:db8::2] -i"],
  ])("reports %s", (_what, line) => {
    // the first line makes the service of the -a lines exist; an -A line is for another service
    const base = line.startsWith("-a") ? "-A -t 192.0.2.1:80 -s rr" : "-A -t 198.51.100.1:80 -s rr";
    const { services, problems } = parseIpvsadmSave(`${base}\n${line}\n`);
    expect(problems.map((p) => p.line)).toEqual([2]);
    expect(problems[0]!.message).not.toMatch(/already added|no -A line/);
    expect(services).toHaveLength(1);
    expect(services[0]!.dests).toEqual([]);
  });
});
