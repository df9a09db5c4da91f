/** Semantics of the configuration statements, and every model diagnostic. */
import { describe, expect, it } from "vitest";
import { compile } from "../../src/model/index.js";
import { load, plain, SEED } from "../helpers/load.js";

describe("evaluation", () => {
  it("builds the seed's balancer", () => {
    const { config, diagnostics } = load(SEED);
    expect(diagnostics).toEqual([]);
    const vip = config.vips.get("172.25.254.10")!;
    expect(vip).toMatchObject({ prefix: 32, iface: "eth0", arpHide: { via: "arptables", dev: "eth0" } });
    const svc = config.services.get("tcp 172.25.254.10:80")!;
    expect(svc).toMatchObject({ scheduler: "rr", persistence: null, vip: "172.25.254.10" });
    expect([...svc.reals.values()].map((r) => [r.key, r.method, r.weight])).toEqual([
      ["172.25.254.2:80", "dr", 1],
      ["172.25.254.3:80", "dr", 1],
    ]);
  });

  it("is idempotent: the same script twice gives the same configuration", () => {
    const src = `${SEED}\nservice udp :53 sh flags sh-port persistent\nadd rs .7 nat weight 3\nhost .2 via netns rs1`;
    const once = load(src);
    const twice = load(src, once.config);
    expect(plain(twice.config)).toEqual(plain(once.config));
  });

  it("keeps what a statement does not say of an existing object: `service :80` alone selects it (issue 11 #3)", () => {
    const { config } = load("vip 192.0.2.10 on eth0; service :80 rr persistent 60; add rs .2 weight 5 max 10; service :80; add rs .2; vip 192.0.2.10");
    const svc = config.services.get("tcp 192.0.2.10:80")!;
    expect(svc.scheduler).toBe("rr");
    expect(svc.persistence).toBe(60);
    expect(svc.reals.get("192.0.2.2:80")).toMatchObject({ weight: 5, uThreshold: 10 });
    expect(config.vips.get("192.0.2.10")!.iface).toBe("eth0");
  });

  it("gives a new object ipvsadm's defaults; after `clear`, everything is new; `persistent 0` ends persistence", () => {
    const { config } = load("vip 192.0.2.10 on eth0; service :80 rr persistent 60; add rs .2 weight 5; clear; vip 192.0.2.10; service :80; add rs .2");
    const svc = config.services.get("tcp 192.0.2.10:80")!;
    expect(svc).toMatchObject({ scheduler: "wlc", persistence: null });
    expect(svc.reals.get("192.0.2.2:80")).toMatchObject({ weight: 1, uThreshold: 0 });
    expect(config.vips.get("192.0.2.10")!.iface).toBeNull();
    expect(load("vip 192.0.2.10; service :80 rr persistent 60; service :80 persistent 0").config.services.get("tcp 192.0.2.10:80")!.persistence).toBeNull();
  });

  it("keeps the real servers of a service that is declared again", () => {
    const { config } = load("vip 192.0.2.10; service :80 rr; add rs .2 .3; service :80 wrr");
    expect(config.services.get("tcp 192.0.2.10:80")!.reals.size).toBe(2);
  });

  it("`set rs` changes only what it names", () => {
    const { config, diagnostics } = load("vip 192.0.2.10; service :80 rr; add rs .2 tun type gue port 6080 weight 4; set rs .2 max 100 min 50");
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(config.services.get("tcp 192.0.2.10:80")!.reals.get("192.0.2.2:80")).toMatchObject({
      method: "tun",
      tunType: "gue",
      tunPort: 6080,
      tunCsum: "nocsum",
      weight: 4,
      uThreshold: 100,
      lThreshold: 50,
    });
  });

  it("drops tunnel options when a real server leaves tun", () => {
    const { config } = load("vip 192.0.2.10; service :80 rr; add rs .2 tun type gre csum; set rs .2 dr");
    const r = config.services.get("tcp 192.0.2.10:80")!.reals.get("192.0.2.2:80")!;
    expect(r.method).toBe("dr");
    expect(r.tunType).toBeUndefined();
  });

  it("resolves shorthand against the current VIP, one or two octets", () => {
    const { config } = load("vip 10.1.2.3; service :80; add rs .9 .5.6 .4.5.6");
    expect([...config.services.get("tcp 10.1.2.3:80")!.reals.keys()]).toEqual(["10.1.2.9:80", "10.1.5.6:80", "10.4.5.6:80"]);
  });

  it("moves the context with vip, service and use", () => {
    const { config, errors } = load(
      "vip 192.0.2.10; service :80; vip 192.0.2.20; service :80; use service 192.0.2.10:80; add rs .2; use vip 192.0.2.20; service :443; add rs .3",
    );
    expect(errors).toEqual([]);
    expect([...config.services.get("tcp 192.0.2.10:80")!.reals.keys()]).toEqual(["192.0.2.2:80"]);
    expect(config.services.get("tcp 192.0.2.20:80")!.reals.size).toBe(0);
    expect([...config.services.get("tcp 192.0.2.20:443")!.reals.keys()]).toEqual(["192.0.2.3:443"]);
  });

  it("a new vip leaves no current service", () => {
    expect(load("vip 192.0.2.10; service :80; vip 192.0.2.20; add rs .2").errors).toEqual(["no-service"]);
  });

  it("deletes real servers, services and VIPs (with their services)", () => {
    const { config } = load("vip 192.0.2.10; service :80; add rs .2 .3; service :443; add rs .2; del rs .3; use service :80; del rs .3; vip 192.0.2.20; service :80; del vip 192.0.2.10");
    expect([...config.vips.keys()]).toEqual(["192.0.2.20"]);
    expect([...config.services.keys()]).toEqual(["tcp 192.0.2.20:80"]);
  });

  it("warns when deleting what is not there", () => {
    expect(load("vip 192.0.2.10; service :80; del rs .9; del service :81; del vip 192.0.2.99").codes).toEqual([
      "not-found",
      "not-found",
      "not-found",
      "service-without-rs",
    ]);
  });

  it("`clear` empties the candidate", () => {
    const { config } = load(`${SEED}; host .2 via netns rs1; clear; vip 192.0.2.1`);
    expect([...config.vips.keys()]).toEqual(["192.0.2.1"]);
    expect(config.services.size + config.hosts.size).toBe(0);
  });

  it("defaults: wlc, weight 1, dr, persistence 360, /32, the service's port", () => {
    const { config } = load("vip 192.0.2.10; service :443 persistent; add rs .2");
    const svc = config.services.get("tcp 192.0.2.10:443")!;
    expect(svc).toMatchObject({ scheduler: "wlc", persistence: 360, netmask: 32 });
    expect(svc.reals.get("192.0.2.2:443")).toMatchObject({ method: "dr", weight: 1, port: 443 });
  });

  it("takes IPv6 services and fwmark services", () => {
    const { config, errors } = load("vip 2001:db8::10; service :80 sed; add rs 2001:db8::21 weight 5; service fwmark 9 ipv6 fo; add rs [2001:db8::22]");
    expect(errors).toEqual([]);
    expect(config.services.get("tcp [2001:db8::10]:80")!.reals.get("[2001:db8::21]:80")!.weight).toBe(5);
    expect(config.services.get("fwmark 9 ipv6")!.reals.has("[2001:db8::22]:0")).toBe(true);
  });

  it("maps a named host to the real server it reaches", () => {
    const { config } = load(`${SEED}; host web1 via ssh admin@172.25.254.3:2222; host .2 via netns rs1`);
    const d = compile(config);
    expect([...d.hosts.entries()]).toEqual([
      ["director", { kind: "local" }],
      ["172.25.254.2", { kind: "netns", name: "rs1" }],
      ["web1", { kind: "ssh", user: "admin", host: "172.25.254.3", port: 2222 }],
    ]);
  });
});

describe("model diagnostics", () => {
  it.each([
    ["add rs .2", "no-service"],
    ["host .2 via netns rs1", "no-vip"],
    ["service :80", "no-vip"],
    ["arp hide on rs", "no-vip"],
    ["vip 2001:db8::10; service :80; add rs .2", "shorthand-ipv6"],
    ["vip 192.0.2.10; add rs .2", "no-service"],
    ["vip 192.0.2.10; service :80; set rs .2 weight 3", "unknown-rs"],
    ["vip 192.0.2.10; use service :80", "unknown-service"],
    ["use vip 192.0.2.10", "unknown-vip"],
    ["vip 192.0.2.10; service :80; add rs .2:8080 dr", "rs-port-mismatch"],
    ["vip 192.0.2.10; service :80; add rs .2:8080 tun", "rs-port-mismatch"],
    ["vip 192.0.2.10; service :80; add rs 2001:db8::2 dr", "family-mismatch"],
    ["vip 192.0.2.10; service :80; add rs .10", "rs-is-vip"],
    ["vip 192.0.2.10; service :80; add rs .2 type gue", "tun-option-needs-tun"],
    ["vip 192.0.2.10; service :80; add rs .2 tun type gue", "gue-needs-port"],
    ["vip 192.0.2.10; service :80; add rs .2 tun port 5555", "tun-option-invalid"],
    ["vip 192.0.2.10; service :80; add rs .2 tun type gre remcsum", "tun-option-invalid"],
    ["vip 192.0.2.10; service :80; add rs .2 min 10", "threshold-order"],
    ["vip 192.0.2.10; service :80; add rs .2 min 10 max 5", "threshold-order"],
    ["vip 192.0.2.10; service :80 rr flags sh-port", "flag-scheduler-mismatch"],
    ["vip 192.0.2.10; service :80 sh flags mh-port", "flag-scheduler-mismatch"],
    ["vip 192.0.2.10; service :53 one-packet", "one-packet-needs-udp"],
    ["vip 192.0.2.10; service :80 netmask 255.255.255.0", "netmask-needs-persistent"],
    ["vip 192.0.2.10; service :80 persistent netmask 64", "invalid-netmask"],
    ["vip 192.0.2.10; service :0 rr", "invalid-port"],
    ["vip 2001:db8::10; service :80; add rs 2001:db8::2; arp hide on rs via arptables", "arp-hide-ipv6"],
    ["vip 2001:db8::10; service :80; add rs 2001:db8::2; arp hide on rs dev eth0", "arp-hide-ipv6"],
  ])("%s -> %s", (src, code) => {
    expect(load(src).errors).toContain(code);
  });

  it.each([
    ["vip 192.0.2.10; service :80; add rs .2 dr", "dr-without-arp-hide"],
    ["vip 192.0.2.10/24; service :80; add rs 198.51.100.2 nat", "nat-other-subnet"],
    ["vip 192.0.2.10/24; service :80; add rs 198.51.100.2 dr; arp hide on rs", "dr-other-subnet"],
    ["vip 2001:db8::10/64; service :80; add rs 2001:db8::2 dr", "ipv6-rs-without-vip"],
    ["vip 192.0.2.10; service fwmark 7 rr; add rs .2 dr; arp hide on rs", "fwmark-needs-mark"],
    ["vip 192.0.2.10; service :80", "service-without-rs"],
    ["vip 192.0.2.10; service udp :5060 pe sip; add rs .2 nat", "pe-without-persistence"],
    [`${"vip 192.0.2.10; service :80; add rs .2; arp hide on rs"}; host 192.0.2.99 via netns x`, "unused-host"],
    ["vip 192.0.2.10; service :80; add rs .2; arp hide on rs via sysctl dev eth0", "arp-hide-sysctl-dev"],
  ])("%s warns %s", (src, code) => {
    const l = load(src);
    expect(l.errors).toEqual([]);
    expect(l.codes).toContain(code);
  });

  it("does not warn of what is right: a dr real server on the VIP's network, an IPv6 VIP hidden on lo, tun elsewhere", () => {
    expect(load("vip 192.0.2.10/24; service :80; add rs .2 dr; arp hide on rs").codes).toEqual([]);
    expect(load("vip 192.0.2.10/24; service :80; add rs 198.51.100.2 tun; arp hide on rs").codes).toEqual([]);
    expect(load("vip 2001:db8::10/64; service :80; add rs 2001:db8::2 dr; arp hide on rs").codes).toEqual([]);
  });

  it("warns about ARP hiding by sysctl only where the VIP may face the clients", () => {
    for (const dev of ["", " dev lo", " dev dummy0", " dev tunl0"]) {
      expect(load(`vip 192.0.2.10; service :80; add rs .2; arp hide on rs via sysctl${dev}`).codes, dev).not.toContain("arp-hide-sysctl-dev");
    }
    expect(load("vip 192.0.2.10; service :80; add rs .2; arp hide on rs via arptables dev eth0").codes).not.toContain("arp-hide-sysctl-dev");
  });

  it("accepts a port 0 service when persistent, and NAT real servers on any port", () => {
    expect(load("vip 192.0.2.10; service :0 persistent; add rs .2; arp hide on rs").errors).toEqual([]);
    expect(load("vip 192.0.2.10/24; service :80; add rs .2:8080 nat").codes).toEqual([]);
  });

  it("points at the statement that made the mistake", () => {
    const l = load("vip 192.0.2.10\nservice :80\nadd rs .2\nadd rs .3:81 dr");
    const d = l.diagnostics.find((x) => x.code === "rs-port-mismatch")!;
    expect([d.span!.line, d.span!.col]).toEqual([4, 8]);
  });
});

describe("arp hide with nothing to hide", () => {
  it.each(["vip 192.0.2.10; service :80; add rs .2 nat; arp hide on rs", "vip 192.0.2.10; arp hide on rs"])("%s warns arp-hide-no-rs (a VIP's last real server can be deleted)", (src) => {
    const l = load(src);
    expect(l.errors).toEqual([]);
    expect(l.codes).toContain("arp-hide-no-rs");
  });
});

describe("inputs that must not pass (issue 9 #7)", () => {
  const unusable: [string, string][] = [
    ["::", "the unspecified address"],
    ["0.0.0.0", "the unspecified address"],
    ["ff02::1", "a multicast address"],
    ["224.0.0.1", "a multicast address"],
    ["255.255.255.255", "the broadcast address"],
    ["::1", "a loopback address"],
    ["127.0.0.1", "a loopback address"],
    ["::ffff:127.0.0.1", "an IPv4-mapped IPv6 address"],
    ["240.0.0.1", "in 240.0.0.0/4, reserved"],
  ];
  it.each(unusable)("%s is refused as a VIP, a service address and a real server (%s)", (addr, what) => {
    const v6 = addr.includes(":");
    const asVip = load(`vip ${addr} on eth0`);
    expect(asVip.errors).toEqual(["unusable-address"]);
    expect(asVip.diagnostics[0]!.message).toMatch(new RegExp(`^\\S+ is ${what}: it cannot be a VIP$`));
    expect(asVip.diagnostics[0]!.span).toMatchObject({ col: 5, endCol: 5 + addr.length });
    expect(load(`service ${v6 ? `[${addr}]` : addr}:80 rr`).errors).toContain("unusable-address");
    const rs = load(`vip ${v6 ? "2001:db8::10" : "192.0.2.10"} on eth0; service :80 rr; add rs ${v6 ? addr : addr} nat`);
    expect(rs.errors).toContain("unusable-address");
    expect(rs.diagnostics.find((d) => d.code === "unusable-address")!.message).toMatch(new RegExp(`^\\S+ is ${what}: it cannot be a real server$`));
  });

  it("refuses a link-local VIP or director, keeps a link-local real server; checks sorry servers and directors too", () => {
    expect(load("vip 169.254.1.1 on eth0").errors).toEqual(["unusable-address"]);
    expect(load("vip fe80::1 on eth0").errors).toEqual(["unusable-address"]);
    expect(load("vip 192.0.2.10 on eth0; service :80 rr; add rs 169.254.1.2 nat").errors).toEqual([]);
    expect(load("vip 192.0.2.10 on eth0; service :80 rr; add rs .2 nat; sorry server 0.0.0.0").errors).toEqual(["unusable-address"]);
    expect(load("vip 192.0.2.10 on eth0; director pair 0.0.0.0 224.0.0.1").errors).toEqual(["unusable-address", "unusable-address"]);
  });

  it("keeps what is usable: documentation, private and public unicast addresses", () => {
    for (const a of ["192.0.2.10", "198.51.100.7", "203.0.113.9", "10.1.2.3", "172.25.254.10", "8.8.8.8"]) expect(load(`vip ${a} on eth0`).errors).toEqual([]);
    for (const a of ["2001:db8::10", "fd00::1"]) expect(load(`vip ${a} on eth0`).errors).toEqual([]);
  });

  it("refuses a real server on port 0 of a service with a port, without suggesting port 0", () => {
    for (const m of ["nat", "dr"]) {
      const r = load(`vip 192.0.2.10 on eth0; service :80 rr; add rs .2:0 ${m}`);
      expect(r.errors).toEqual(["invalid-port"]);
      expect(r.diagnostics[0]!.hint).not.toMatch(/to 0\b|:0/);
    }
    // a fwmark service's real servers are on port 0
    expect(load("vip 192.0.2.10 on eth0; service fwmark 7 rr; add rs .2 nat").errors).toEqual([]);
  });
});
