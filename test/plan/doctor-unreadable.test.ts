/**
 * doctor and a host it cannot read: an error where lvsh must log in (the
 * director, a dr/tun real server, any host a `host` statement names), a
 * warning for a NAT real server no `host` statement names (a commit never
 * logs in there: the lab's VS-NAT balancer, healthy, gave exit 1).
 */
import { describe, expect, it } from "vitest";
import { doctor, type HostFacts } from "../../src/plan/index.js";
import { load } from "../helpers/load.js";

const unreadable = (via: string): HostFacts => ({ via, unreadable: "ssh: connect to host port 22: Connection refused", addrs: [], links: [], sysctls: {} });

function findings(src: string, host: string) {
  const { config, errors } = load(src);
  expect(errors).toEqual([]);
  return doctor({ config, facts: { [host]: unreadable(`ssh root@${host}`) }, committed: true }).findings.filter((f) => f.code === "host-unreadable");
}

describe("doctor: a host it cannot read", () => {
  it("a NAT real server without a `host` statement: a warning, with how to have it checked", () => {
    const f = findings("vip 192.0.2.10 on eth0; service :80 rr; add rs 198.51.100.2:8080 nat", "198.51.100.2");
    expect(f.map((x) => [x.host, x.severity])).toEqual([["198.51.100.2", "warning"]]);
    expect(f[0]!.fix).toBe("to have it checked, say how lvsh reaches it: `host 198.51.100.2 via ...`");
  });

  it("the same named by a `host` statement, a dr real server, the director: an error", () => {
    expect(findings("host 198.51.100.2 via ssh root@198.51.100.2; vip 192.0.2.10 on eth0; service :80 rr; add rs 198.51.100.2:8080 nat", "198.51.100.2").map((x) => x.severity)).toEqual(["error"]);
    expect(findings("vip 192.0.2.10 on eth0; service :80 rr; add rs 192.0.2.2 dr", "192.0.2.2").map((x) => x.severity)).toEqual(["error"]);
    expect(findings("vip 192.0.2.10 on eth0; service :80 rr; add rs 198.51.100.2:8080 nat", "director").map((x) => x.severity)).toEqual(["error"]);
  });

  it("a real server that is NAT in one service and dr in another: an error (lvsh logs in for the dr one)", () => {
    const src = "vip 192.0.2.10 on eth0; service :80 rr; add rs 192.0.2.2:8080 nat; service :443 rr; add rs 192.0.2.2 dr";
    expect(findings(src, "192.0.2.2").map((x) => x.severity)).toEqual(["error"]);
  });
});
