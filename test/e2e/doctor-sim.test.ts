/**
 * `lvsh doctor` from the command line and as a statement, on the simulated
 * target: JSON and tables, exit statuses, a fault made in a simulated
 * host's file and the printed fix run through lvsh. Real tools:
 * test/e2e/netns-doctor.test.ts; a real kernel: the lab.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { sim } from "../helpers/cli.js";
import { freshStateDir } from "../helpers/sim.js";

const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs";

interface Report {
  findings: { host: string; code: string; severity: string; message: string; fix: string }[];
  checked: Record<string, { check: string; subject: string; result: string; detail?: string }[]>;
}

describe("lvsh doctor on the simulated target", () => {
  let dir: string;
  const host = (name: string) => join(dir, "sim", "hosts", `${name}.json`);
  const edit = (name: string, change: (h: Record<string, unknown>) => void) => {
    const h = JSON.parse(readFileSync(host(name), "utf8")) as Record<string, unknown>;
    change(h);
    writeFileSync(host(name), JSON.stringify(h));
  };
  const doctorJson = (...args: string[]) => {
    const r = sim(dir, ["doctor", ...args, "--json"]);
    return { code: r.code, report: JSON.parse(r.out) as Report, err: r.err };
  };

  beforeEach(() => {
    dir = freshStateDir();
    expect(sim(dir, ["--yes", "-c", `${SEED}; commit`]).code).toBe(0);
  });

  it("a committed seed is clean: exit 0, every host checked", () => {
    const { code, report } = doctorJson();
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(Object.keys(report.checked)).toEqual(["director", "172.25.254.2", "172.25.254.3"]);
    expect(report.checked["172.25.254.2"]!.filter((c) => c.result === "ok").map((c) => c.check)).toEqual(["vip-on-rs", "arp-hidden", "arp-announce"]);
    // what a simulated host listens on is not modelled until its file says: skipped with why, not passed
    expect(report.checked["172.25.254.2"]!.find((c) => c.check === "listening")).toMatchObject({ result: "skipped", detail: expect.stringContaining("not modelled") });
    edit("172.25.254.2", (h) => void (h.listen = ["tcp *:80"]));
    expect(doctorJson().report.checked["172.25.254.2"]!.find((c) => c.check === "listening")!.result).toBe("ok");
    const text = sim(dir, ["doctor"]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^director \(local\)\n/);
    expect(text.out).toContain("172.25.254.2 (ssh root@172.25.254.2)");
    expect(text.out).toMatch(/doctor: 3 hosts, \d+ checks: nothing wrong found\n$/);
  });

  it("names a fault with its host and code, exits 1, and its fix through lvsh makes it clean", () => {
    edit("172.25.254.2", (h) => void (h.addrs = (h.addrs as { addr: string }[]).filter((a) => a.addr !== "172.25.254.10")));
    edit("172.25.254.3", (h) => void (h.listen = ["tcp 127.0.0.1:80"]));
    const { code, report } = doctorJson();
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.host, f.code, f.severity, f.fix])).toEqual([
      ["172.25.254.2", "rs-vip-missing", "error", "commit force"],
      ["172.25.254.3", "rs-not-listening", "error", "start the server on 172.25.254.3 on port 80, bound to 172.25.254.10 or to every address (check: ss -ltn 'sport = :80')"],
    ]);
    const text = sim(dir, ["doctor"]);
    expect(text.code).toBe(1);
    expect(text.out).toContain("ERROR 172.25.254.2: rs-vip-missing\n    172.25.254.10 is not bound on 172.25.254.2: it drops the packets");
    expect(text.out).toContain("    fix: commit force\n");
    expect(text.out).toMatch(/doctor: 3 hosts, \d+ checks: 2 errors, 0 warnings \(on 172\.25\.254\.2, 172\.25\.254\.3\)\n$/);
    // the fixes: lvsh's statement, and the server started by hand
    expect(sim(dir, ["--yes", "-c", report.findings[0]!.fix]).code).toBe(0);
    edit("172.25.254.3", (h) => void (h.listen = ["tcp *:80"]));
    expect(doctorJson()).toMatchObject({ code: 0, report: { findings: [] } });
  });

  it("as a statement: in a script (exit 1 on an error), on the candidate, narrowed", () => {
    edit("director", (h) => void (h.addrs = []));
    const r = sim(dir, ["-c", "doctor json"]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as Report).findings.map((f) => [f.host, f.code, f.fix])).toEqual([["director", "vip-not-bound", "commit force"]]);
    // the candidate adds .4: it is not ready (no VIP there yet); the fix is to commit it
    const c = sim(dir, ["-c", "use service 172.25.254.10:80; add rs .4; doctor candidate :80 json"]);
    const found = (JSON.parse(c.out) as Report).findings.map((f) => [f.host, f.code, f.fix]);
    expect(found).toContainEqual(["172.25.254.4", "rs-vip-missing", "commit"]);
    expect(found).toContainEqual(["director", "vip-not-bound", "commit"]);
    // narrowed to another VIP, the broken one is not looked at
    expect(sim(dir, ["--yes", "-c", "commit force; vip 172.25.254.20 on eth0; service :443 rr; add rs .5 dr; arp hide on rs; commit"]).code).toBe(0);
    edit("172.25.254.2", (h) => void (h.addrs = (h.addrs as { addr: string }[]).filter((a) => a.addr !== "172.25.254.10")));
    expect(doctorJson("172.25.254.20")).toMatchObject({ code: 0, report: { findings: [] } });
    expect(Object.keys(doctorJson("172.25.254.20").report.checked)).toEqual(["director", "172.25.254.5"]);
    expect(doctorJson("172.25.254.10").report.findings.map((f) => f.code)).toEqual(["rs-vip-missing"]);
    expect(doctorJson("tcp", "172.25.254.10:80").report.findings.map((f) => f.code)).toEqual(["rs-vip-missing"]);
  });

  it("refuses what it does not take, located, with its usage", () => {
    const unknown = sim(dir, ["doctor", "10.99.99.99"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/<command line>:1:8: error: there is no VIP 10\.99\.99\.99/);
    expect(unknown.err).toContain("the VIPs are 172.25.254.10");
    expect(unknown.err).toContain("usage: lvsh doctor [candidate] [VIP|SERVICE] [--json]");
    const svc = sim(dir, ["doctor", ":8080"]);
    expect(svc.code).toBe(2);
    expect(svc.err).toContain("error: `:8080` has no address and there is no current VIP");
    expect(sim(dir, ["doctor", "json"]).err).toContain('doctor: "json" is not a VIP or a service (--json)');
    expect(sim(dir, ["-c", "doctor :80 nonsense"]).err).toContain("error: `doctor` takes `candidate`, a VIP or a service, then `json`; not `nonsense`");
  });
});
