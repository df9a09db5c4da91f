/** The keepalived metadata statements: checks, sorry server, quorum, inhibit, director pair. */
import { describe, expect, it } from "vitest";
import { compile, printConfig } from "../../src/model/index.js";
import { expectRoundTrip, load, SEED } from "../helpers/load.js";

const svc = (src: string, key = "tcp 172.25.254.10:80") => load(src).config.services.get(key)!;
const at = (src: string, code: string) => {
  const d = load(src).diagnostics.find((x) => x.code === code);
  return d && `${d.severity} ${d.span!.line}:${d.span!.col}`;
};

describe("health checks", () => {
  it("puts a service's check on the service, with lvsh's defaults", () => {
    expect(svc(`${SEED}; check http / expect 200`).check).toEqual({ kind: "http", path: "/", expect: "200", every: 10, timeout: 5, retry: 1, port: null });
  });

  it("puts `check ... rs` on those real servers only", () => {
    const s = svc(`${SEED}; check http /; check tcp port 81 rs .3`);
    expect(s.check?.kind).toBe("http");
    expect(s.reals.get("172.25.254.2:80")!.check).toBeUndefined();
    expect(s.reals.get("172.25.254.3:80")!.check).toEqual({ kind: "tcp", every: 10, timeout: 5, retry: 1, port: 81 });
  });

  it("`check none` removes the service's check; on a real server it overrides the service's", () => {
    expect(svc(`${SEED}; check http /; check none`).check).toBeUndefined();
    expect(svc(`${SEED}; check http /; check none rs .2`).reals.get("172.25.254.2:80")!.check).toEqual({ kind: "none" });
  });

  it("keeps checks and the rest when the service or a real server is declared again", () => {
    const s = svc(`${SEED}; check tcp; check none rs .2; sorry server .99; quorum 2; inhibit on failure; service :80 wrr; add rs .2 weight 3`);
    expect(s).toMatchObject({ scheduler: "wrr", check: { kind: "tcp" }, sorry: { addr: "172.25.254.99", port: 80 }, quorum: { value: 2 }, inhibitOnFailure: true });
    expect(s.reals.get("172.25.254.2:80")).toMatchObject({ weight: 3, check: { kind: "none" } });
  });

  it("changes nothing lvsh applies", () => {
    const plainState = compile(load(SEED).config).state;
    const withHa = compile(load(`${SEED}; check http / expect 200; sorry server .99; quorum 1; inhibit on failure; director pair .251 .252`).config).state;
    expect(withHa).toEqual(plainState);
  });

  it("refuses a check on real servers it does not have, or with no service", () => {
    expect(at(`${SEED}; check tcp rs .9`, "unknown-rs")).toBe("error 1:90");
    expect(at("vip 192.0.2.1; check tcp", "no-service")).toBe("error 1:16");
  });

  it("needs a port to check the real servers of a fwmark service", () => {
    expect(at("service fwmark 7 rr; add rs 192.0.2.5; check tcp", "check-needs-port")).toBe("error 1:40");
    expect(at("service fwmark 7 rr; add rs 192.0.2.5; check tcp rs 192.0.2.5", "check-needs-port")).toBe("error 1:53");
    expect(load("service fwmark 7 rr; add rs 192.0.2.5; check tcp port 80").errors).toEqual([]);
  });
});

describe("sorry server, quorum", () => {
  it("defaults the sorry server's port to the service's, and checks its family and address", () => {
    expect(svc(`${SEED}; sorry server 192.0.2.99`).sorry).toMatchObject({ addr: "192.0.2.99", family: 4, port: 80 });
    expect(at(`${SEED}; sorry server 2001:db8::99`, "family-mismatch")).toBe("error 1:90");
    expect(at(`${SEED}; sorry server .10`, "rs-is-vip")).toBe("error 1:90");
  });

  it("refuses a sorry server on another port when the real servers are not nat (keepalived resets it)", () => {
    expect(at(`${SEED}; sorry server .99:8080`, "rs-port-mismatch")).toBe("error 1:77");
    expect(load("vip 192.0.2.1; service :80 rr; add rs .2 nat; sorry server .99:8080").errors).toEqual([]);
  });

  it("warns of a quorum above the real servers' total weight", () => {
    expect(at(`${SEED}; quorum 3`, "quorum-unreachable")).toBe("warning 1:77");
    expect(at(`${SEED}; quorum 2`, "quorum-unreachable")).toBeUndefined();
  });
});

describe("director pair", () => {
  it("resolves shorthand and fills in the defaults", () => {
    expect(load(`${SEED}; director pair .251 .252`).config.vips.get("172.25.254.10")!.pair).toMatchObject({
      addrs: ["172.25.254.251", "172.25.254.252"],
      priorities: [150, 100],
      vrid: 51,
      iface: null,
    });
  });

  it("refuses one address twice, the VIP itself, equal priorities, no VIP", () => {
    expect(at(`${SEED}; director pair .251 .251`, "pair-same-address")).toBe("error 1:96");
    expect(at(`${SEED}; director pair .10 .251`, "pair-is-vip")).toBe("error 1:91");
    expect(at(`${SEED}; director pair .251 .252 priority 100 100`, "pair-priority-tie")).toBe("error 1:110");
    expect(at("director pair 192.0.2.1 192.0.2.2", "no-vip")).toBe("error 1:1");
  });

  it("needs an interface: the VIP's, or its own", () => {
    expect(at("vip 192.0.2.10; service :80 rr; add rs .2 nat; director pair .251 .252", "pair-no-interface")).toBe("error 1:48");
    expect(load("vip 192.0.2.10; service :80 rr; add rs .2 nat; director pair .251 .252 interface eth1").errors).toEqual([]);
  });

  it("lets VIPs share a router id only with the same directors and priorities", () => {
    const two = "vip 192.0.2.10 on eth0; service :80 rr; add rs .2 nat; director pair .251 .252; vip 192.0.2.11 on eth0; service :80 rr; add rs .3 nat";
    expect(load(`${two}; director pair .251 .252`).errors).toEqual([]);
    expect(at(`${two}; director pair .251 .252 priority 100 150`, "vrid-conflict")).toBe("error 1:136");
    expect(load(`${two}; director pair .251 .252 priority 100 150 vrid 52`).errors).toEqual([]);
  });

  it("is kept when the VIP is declared again", () => {
    expect(load(`${SEED}; director pair .251 .252; vip 172.25.254.10 on eth0`).config.vips.get("172.25.254.10")!.pair?.addrs).toEqual(["172.25.254.251", "172.25.254.252"]);
  });
});

describe("printConfig with keepalived metadata", () => {
  const scripts = [
    `${SEED}\ncheck http / expect 200`,
    `${SEED}\ncheck https "/a b" expect 200-299,301 every 5 timeout 2 retry 3\ncheck tcp port 81 rs .2\ncheck none rs .3\nsorry server .99\nquorum 2\ninhibit on failure\ndirector pair .251 .252 priority 100 200 vrid 7 interface eth1`,
    "vip 2001:db8::10 on eth0; service :80 sed; add rs 2001:db8::21 2001:db8::22; check tcp rs 2001:db8::21; sorry server [2001:db8::99]:80; director pair 2001:db8::251 2001:db8::252",
    "service fwmark 7 wrr persistent 120; add rs 198.51.100.6 nat weight 4; check http /health port 8080; sorry server 198.51.100.9:8080",
  ];
  it.each(scripts)("round-trips %s", expectRoundTrip);

  it("prints them after the real servers, with shorthand", () => {
    expect(printConfig(load(`${SEED}; check http / expect 200; check tcp rs .3; director pair .251 .252`).config)).toBe(
      ["vip 172.25.254.10 on eth0", "service :80 rr", "add rs .2 .3 dr", "check http / expect 200", "check tcp rs .3", "arp hide on rs", "director pair .251 .252", ""].join("\n"),
    );
  });
});
