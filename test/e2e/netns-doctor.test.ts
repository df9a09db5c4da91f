/**
 * `lvsh doctor` against a balancer lvsh committed for real in network
 * namespaces this test creates: a director (its IPVS table simulated,
 * LVSH_TEST_SIM_IPVS: this kernel has none; its addresses, sysctls, TCP
 * probes and arping are real), two dr real servers running busybox httpd,
 * a client and an intruder on the same bridge. Each fault is made by hand
 * with the real tools; doctor must name it (code and host), and the fix it
 * prints, run through lvsh or by hand, must make it clean again. This
 * machine's own network is never touched.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimExecutor } from "../../src/sim/index.js";
import { NetnsLab, netnsUnavailable, run } from "../helpers/netns.js";

const LVSH = resolve("dist/lvsh");
const NET = "10.77.0";
const DIR = `${NET}.1`;
const RS1 = `${NET}.2`;
const RS2 = `${NET}.3`;
const CLIENT = `${NET}.100`;
const VIP = `${NET}.10`;
/** A second VIP, on rs2 alone: what `doctor VIP` and `doctor :80` narrow to. */
const VIP2 = `${NET}.11`;
const NATVIP = `${NET}.20`;

function unavailable(): string | undefined {
  const why = netnsUnavailable(["arptables", "arptables-save", "sysctl", "ss", "bash", "timeout", "busybox"]);
  if (why) return why;
  const applets = run(["busybox", "--list"]).out.split("\n");
  for (const a of ["httpd", "arping"]) if (!applets.includes(a)) return `busybox has no ${a}`;
  return undefined;
}
const why = unavailable();

interface Finding {
  host: string;
  code: string;
  severity: "error" | "warning";
  message: string;
  fix: string;
}
interface Checked {
  check: string;
  subject: string;
  result: string;
  detail?: string;
}
interface Report {
  findings: Finding[];
  checked: Record<string, Checked[]>;
}

/** Each doctor reads four hosts and waits for arping (1 to 2 s); on a loaded machine a test takes several times that. */
const SLOW = 60_000;

describe.skipIf(why !== undefined)(`lvsh doctor on a balancer in network namespaces${why ? ` (skipped: ${why})` : ""}`, { timeout: SLOW }, () => {
  const lab = new NetnsLab(`lvsh${process.pid % 10000}d`);
  let state = "";
  let docroot = "";
  const httpd = new Map<string, ChildProcess>();
  /** Web servers that exited without this test stopping them (something else on the machine killed them). */
  const died: string[] = [];
  const hosts = () => `host director via netns ${lab.ns("lb")}; host ${RS1} via netns ${lab.ns("rs1")}; host ${RS2} via netns ${lab.ns("rs2")}`;
  const DR = [`vip ${VIP} on eth0`, "service :80 rr", "add rs .2 .3 dr", "arp hide on rs", `vip ${VIP2} on eth0`, "service :80 rr", "add rs .3 dr", "arp hide on rs"].join("; ");

  const lvsh = (args: readonly string[]) => {
    const r = spawnSync(LVSH, ["--target", "local", ...args], {
      encoding: "utf8",
      env: { ...process.env, LVSH_STATE_DIR: state, LVSH_TEST_SIM_IPVS: "1", NO_COLOR: "1" },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  /** Statements through lvsh, which must succeed. */
  const apply = (stmts: string) => {
    const r = lvsh(["--yes", "-c", stmts]);
    expect(r.code, `${stmts}: ${r.err}`).toBe(0);
  };
  const doctor = (...args: string[]) => {
    const r = lvsh(["doctor", "--json", ...args]);
    let report: Report;
    try {
      report = JSON.parse(r.out) as Report;
    } catch {
      throw new Error(`doctor ${args.join(" ")}: exit ${r.code}, not JSON:\n${r.out}\n${r.err}`);
    }
    return { code: r.code, report, err: r.err };
  };
  /** doctor as a shell statement. */
  const doctorIn = (stmts: string) => {
    const r = lvsh(["-c", stmts]);
    expect(r.out.startsWith("{"), `${stmts}: exit ${r.code}: ${r.out}${r.err}`).toBe(true);
    return { code: r.code, report: JSON.parse(r.out) as Report };
  };
  /** The findings as `CODE @ HOST`, sorted. */
  const found = (r: Report) => r.findings.map((f) => `${f.code} @ ${f.host}`).sort();
  const one = (r: Report, code: string, host: string) => {
    const f = r.findings.filter((x) => x.code === code && x.host === host);
    expect(f, JSON.stringify(r.findings, null, 2)).toHaveLength(1);
    return f[0]!;
  };
  const row = (r: Report, host: string, check: string, subject: string) => r.checked[host]?.find((c) => c.check === check && c.subject === subject);
  /** A finding's lvsh statements, without the explanation after them. */
  const statements = (f: Finding) => f.fix.replace(/\s*\(.*$/s, "");
  const expectClean = () => {
    expect(died, "web servers that died on their own").toEqual([]);
    const r = doctor();
    expect(found(r.report), JSON.stringify(r.report.findings, null, 2)).toEqual([]);
    expect(r.code).toBe(0);
  };
  const sh = (host: string, argv: readonly string[]) => {
    const r = lab.exec(host, argv);
    expect(r.code, `${host}: ${argv.join(" ")}: ${r.err}`).toBe(0);
    return r.out;
  };

  const until = async (what: string, cond: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
      await sleep(25);
    }
  };
  const listening = (host: string) => lab.exec(host, ["ss", "-Hltn", "sport = :80"]).out.trim() !== "";
  const startHttpd = async (host: string) => {
    // `ip netns exec` execs busybox: the child's pid is the server's
    const p = spawn("ip", ["netns", "exec", lab.ns(host), "busybox", "httpd", "-f", "-p", "80", "-h", docroot], { stdio: "ignore" });
    p.once("exit", (code, signal) => {
      if (httpd.get(host) === p) died.push(`${host}: pid ${p.pid} exited (${signal ?? `status ${code}`})`);
    });
    httpd.set(host, p);
    await until(`httpd listens on ${host}`, () => listening(host));
  };
  const stopHttpd = async (host: string) => {
    const p = httpd.get(host);
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    httpd.delete(host);
    const gone = new Promise((ok) => p.once("exit", ok));
    p.kill("SIGTERM");
    await gone;
  };

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), "lvsh-doctor-"));
    docroot = mkdtempSync(join(tmpdir(), "lvsh-doctor-www-"));
    lab.create([
      { name: "lb", cidr: `${DIR}/24` },
      { name: "rs1", cidr: `${RS1}/24` },
      { name: "rs2", cidr: `${RS2}/24` },
      { name: "client", cidr: `${CLIENT}/24` },
      { name: "intruder", cidr: `${NET}.50/24` },
    ]);
    await startHttpd("rs1");
    await startHttpd("rs2");
    apply(`${hosts()}; ${DR}; commit`);
  }, SLOW);

  afterAll(async () => {
    for (const h of [...httpd.keys()]) await stopHttpd(h);
    lab.destroy();
    for (const d of [state, docroot]) if (d) rmSync(d, { recursive: true, force: true });
    expect(lab.leftovers()).toEqual([]);
  }, SLOW);

  it("finds nothing wrong on the balancer as committed, and says what it checked on each host", () => {
    const table = lvsh(["doctor"]);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toContain(`director (netns ${lab.ns("lb")}`);
    expect(table.out).toContain("doctor: 3 hosts, 22 checks: nothing wrong found");
    const { code, report } = doctor();
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(Object.keys(report.checked).sort()).toEqual([RS1, RS2, "director"]);
    const rows = (h: string) => report.checked[h]!.map((c) => `${c.result} ${c.check} ${c.subject}`);
    expect(rows("director")).toEqual([
      `ok vip-bound ${VIP}`,
      `ok vip-bound ${VIP2}`,
      "ok ipvs-table 2 services",
      `ok arp-answers ${VIP}`,
      `ok arp-answers ${VIP2}`,
      `ok scheduler tcp ${VIP}:80`,
      `ok scheduler tcp ${VIP2}:80`,
    ]);
    const rs = (addr: string, vip: string) => [
      `ok reachable-from-director ${addr}:80 of tcp ${vip}:80`,
      `ok vip-on-rs ${vip}`,
      `ok listening ${addr}:80 of tcp ${vip}:80`,
      `ok arp-hidden ${vip}`,
      `ok arp-announce ${vip}`,
    ];
    expect(rows(RS1)).toEqual(rs(RS1, VIP));
    expect(rows(RS2)).toEqual([...rs(RS2, VIP), ...rs(RS2, VIP2)]);
    // the intruder is on the bridge, without the VIP: nobody but the director answers
    expect(row(report, "director", "arp-answers", VIP)?.detail).toBe("nobody else answers");
    expect(row(report, RS1, "arp-hidden", VIP)?.detail).toBe("arptables drops ARP requests for it");
    expect(row(report, RS1, "arp-announce", VIP)?.detail).toBe("arptables rewrites it out of its own requests");
  });

  it("rs-vip-missing: a real server without the VIP; `doctor VIP` and `doctor :80` look at another VIP's hosts only", () => {
    sh("rs1", ["ip", "addr", "del", `${VIP}/32`, "dev", "eth0"]);
    const r = doctor();
    expect(found(r.report)).toEqual([`rs-vip-missing @ ${RS1}`]);
    expect(r.code).toBe(1);
    expect(row(r.report, RS1, "arp-hidden", VIP)).toMatchObject({ result: "skipped" });
    // narrowed to the other VIP (rs2 alone holds it): clean, rs1 not even looked at
    for (const scoped of [doctor(VIP2), doctorIn(`use vip ${VIP2}; doctor :80 json`)]) {
      expect(scoped.report.findings).toEqual([]);
      expect(scoped.code).toBe(0);
      expect(Object.keys(scoped.report.checked).sort()).toEqual([RS2, "director"]);
      expect(scoped.report.checked.director!.map((c) => c.subject)).not.toContain(VIP);
    }
    // an unknown VIP: a located error, nothing read
    const bad = lvsh(["doctor", "10.99.99.99"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("<command line>:1:8: error: there is no VIP 10.99.99.99");
    expect(bad.err).toMatch(/\n {7}\^{11}\n/);

    const f = one(r.report, "rs-vip-missing", RS1);
    expect(f.fix).toBe("commit force");
    apply(statements(f));
    expect(lab.addrs("rs1")).toContain(`${VIP}/32 dev eth0`);
    expectClean();
  });

  it("arp-mangle-missing: the OUTPUT mangle rule deleted on a real server", () => {
    sh("rs1", ["arptables", "-D", "OUTPUT", "-s", VIP, "-j", "mangle", "--mangle-ip-s", RS1]);
    const r = doctor();
    expect(found(r.report)).toEqual([`arp-mangle-missing @ ${RS1}`]);
    expect(r.code).toBe(1);
    // the DROP rule is still there: that check passes
    expect(row(r.report, RS1, "arp-hidden", VIP)).toMatchObject({ result: "ok" });
    apply(statements(one(r.report, "arp-mangle-missing", RS1)));
    expectClean();
  });

  it("rs-answers-arp (a warning): the INPUT DROP rule deleted, the mangle rule still rewrites the VIP out of the replies", () => {
    sh("rs2", ["arptables", "-D", "INPUT", "-d", VIP, "-j", "DROP"]);
    const r = doctor();
    expect(found(r.report)).toEqual([`rs-answers-arp @ ${RS2}`]);
    expect(one(r.report, "rs-answers-arp", RS2).severity).toBe("warning");
    // what the director sees agrees: no reply claims the VIP
    expect(row(r.report, "director", "arp-answers", VIP)).toMatchObject({ result: "ok" });
    expect(r.code).toBe(0);
    apply(statements(one(r.report, "rs-answers-arp", RS2)));
    expectClean();
  });

  it("rs-answers-arp and arp-flux: a real server without either rule answers ARP for the VIP", () => {
    sh("rs2", ["arptables", "-D", "INPUT", "-d", VIP, "-j", "DROP"]);
    sh("rs2", ["arptables", "-D", "OUTPUT", "-s", VIP, "-j", "mangle", "--mangle-ip-s", RS2]);
    const r = doctor();
    expect(found(r.report)).toEqual([`arp-flux @ director`, `rs-answers-arp @ ${RS2}`]);
    expect(r.code).toBe(1);
    expect(one(r.report, "rs-answers-arp", RS2).severity).toBe("error");
    const flux = one(r.report, "arp-flux", "director");
    expect(flux.message).toContain(`${RS2} (MAC ${lab.mac("rs2")}) answers ARP for ${VIP}`);
    // the other VIP's rules on the same host are untouched: hidden
    expect(row(r.report, RS2, "arp-hidden", VIP2)).toMatchObject({ result: "ok" });
    expect(statements(flux)).toBe("commit force");
    apply(statements(flux));
    expectClean();
  });

  it("rs-not-listening and rs-unreachable: the web server stopped on a real server", async () => {
    await stopHttpd("rs1");
    const r = doctor();
    expect(found(r.report)).toEqual([`rs-not-listening @ ${RS1}`, `rs-unreachable @ ${RS1}`]);
    expect(r.code).toBe(1);
    expect(one(r.report, "rs-unreachable", RS1).message).toContain("refuses connections");
    expect(one(r.report, "rs-not-listening", RS1).fix).toContain(`start the server on ${RS1} on port 80`);
    // what the fix says, by hand
    await startHttpd("rs1");
    expectClean();
  });

  it("vip-not-bound: the director without its VIP", () => {
    sh("lb", ["ip", "addr", "del", `${VIP}/32`, "dev", "eth0"]);
    const r = doctor();
    expect(found(r.report)).toEqual(["vip-not-bound @ director"]);
    expect(r.code).toBe(1);
    expect(row(r.report, "director", "vip-bound", VIP2)).toMatchObject({ result: "ok" });
    apply(statements(one(r.report, "vip-not-bound", "director")));
    expect(lab.addrs("lb")).toContain(`${VIP}/32 dev eth0`);
    expectClean();
  });

  it("ipvs-drift: a real server deleted from the director's (simulated) IPVS table by hand", async () => {
    // the table LVSH_TEST_SIM_IPVS keeps for the director's namespace, and its ipvsadm
    const ipvsadm = new SimExecutor("director", join(state, "sim", "hosts"), `netns-${lab.ns("lb")}`);
    const del = await ipvsadm.run(["ipvsadm", "-d", "-t", `${VIP}:80`, "-r", `${RS1}:80`]);
    expect(del.exitCode, del.stderr).toBe(0);
    const r = doctor();
    expect(found(r.report)).toEqual(["ipvs-drift @ director"]);
    expect(r.code).toBe(1);
    const f = one(r.report, "ipvs-drift", "director");
    expect(f.message).toContain(RS1);
    expect(statements(f)).toBe("commit force");
    apply(statements(f));
    expectClean();
  });

  it("arp-flux: another host on the link binds the VIP", () => {
    sh("intruder", ["ip", "addr", "add", `${VIP}/32`, "dev", "eth0"]);
    const r = doctor();
    expect(found(r.report)).toEqual(["arp-flux @ director"]);
    expect(r.code).toBe(1);
    const f = one(r.report, "arp-flux", "director");
    expect(f.message).toContain(`another host (MAC ${lab.mac("intruder")})`);
    expect(f.fix).toContain(`take ${VIP} off it`);
    sh("intruder", ["ip", "addr", "del", `${VIP}/32`, "dev", "eth0"]);
    expectClean();
  });

  it("arp-ignore-answers: `arp hide on rs via sysctl dev eth0` leaves the VIP answered; its fix (dev lo) hides it", () => {
    apply(`use vip ${VIP}; arp hide on rs via sysctl dev eth0; commit`);
    const r = doctor();
    expect(found(r.report)).toEqual(["arp-flux @ director", "arp-flux @ director", `arp-ignore-answers @ ${RS1}`, `arp-ignore-answers @ ${RS2}`]);
    expect(r.code).toBe(1);
    const fix = `use vip ${VIP}; arp hide on rs via sysctl dev lo; commit`;
    expect(one(r.report, "arp-ignore-answers", RS1).fix).toBe(fix);
    expect(one(r.report, "arp-ignore-answers", RS2).fix).toBe(fix);
    // the director's findings point to the same fix (`commit force` would put back what answers)
    for (const f of r.report.findings.filter((x) => x.code === "arp-flux")) expect(statements(f)).toBe(fix);
    apply(fix);
    const after = doctor();
    expect(after.report.findings).toEqual([]);
    expect(after.code).toBe(0);
    expect(row(after.report, RS1, "vip-on-rs", VIP)?.detail).toBe("on lo");
    expect(row(after.report, RS1, "arp-hidden", VIP)?.detail).toBe("arp_ignore on eth0");
  });

  it("arp-announce-missing: a sysctl-hidden real server with arp_announce back at 0", () => {
    sh("rs1", ["sysctl", "-qw", "net.ipv4.conf.all.arp_announce=0", "net.ipv4.conf.eth0.arp_announce=0"]);
    const r = doctor();
    expect(found(r.report)).toEqual([`arp-announce-missing @ ${RS1}`]);
    expect(r.code).toBe(1);
    apply(statements(one(r.report, "arp-announce-missing", RS1)));
    expectClean();
  });

  describe("NAT", () => {
    /** This kernel has no IPVS, so no net.ipv4.vs.conntrack: where connection tracking is loaded, doctor warns of it. */
    const natFound = (r: Report) => found(r).filter((f) => !f.startsWith("nat-conntrack-off "));
    const expectNatClean = () => {
      const r = doctor();
      expect(natFound(r.report), JSON.stringify(r.report.findings, null, 2)).toEqual([]);
      expect(r.code).toBe(0);
      return r.report;
    };

    beforeAll(() => {
      apply(`clear; ${hosts()}; vip ${NATVIP} on eth0; service :80 rr; add rs .2 .3 nat; commit`);
      // the real servers' replies go back through the director (the network's job, not lvsh's);
      // only now: arptables-save looks names up, and with a default route to a director that
      // does not forward yet, each lookup of the commit's reads waits out the resolver's timeout
      for (const h of ["rs1", "rs2"]) sh(h, ["ip", "route", "replace", "default", "via", DIR]);
    }, SLOW);

    it("finds nothing wrong on a NAT service as committed", () => {
      const r = expectNatClean();
      // where connection tracking is loaded, the director's missing net.ipv4.vs.conntrack is a warning, not an error
      const tracking = lab.exec("lb", ["sysctl", "-n", "net.netfilter.nf_conntrack_max"]).code === 0;
      expect(found(r).filter((f) => f.startsWith("nat-conntrack-off "))).toEqual(tracking ? ["nat-conntrack-off @ director"] : []);
      expect(row(r, "director", "ip-forward", "net.ipv4.ip_forward")).toMatchObject({ result: "ok", detail: "1" });
      for (const rs of [RS1, RS2]) expect(row(r, rs, "nat-route", "default")).toMatchObject({ result: "ok", detail: `via ${DIR} (the director)` });
      // the dr VIPs are gone from every host
      expect(lab.addrs("rs1")).toEqual([`${RS1}/24 dev eth0`]);
    });

    it("ip-forward-off: the director does not forward", () => {
      sh("lb", ["sysctl", "-qw", "net.ipv4.ip_forward=0"]);
      const r = doctor();
      expect(natFound(r.report)).toEqual(["ip-forward-off @ director"]);
      expect(r.code).toBe(1);
      apply(statements(one(r.report, "ip-forward-off", "director")));
      expect(sh("lb", ["sysctl", "-n", "net.ipv4.ip_forward"]).trim()).toBe("1");
      expectNatClean();
    });

    it("nat-route-bypasses-director: a real server's default route goes elsewhere; the command it prints fixes it", () => {
      sh("rs1", ["ip", "route", "replace", "default", "via", CLIENT]);
      const r = doctor();
      expect(natFound(r.report)).toEqual([`nat-route-bypasses-director @ ${RS1}`]);
      expect(r.code).toBe(1);
      const f = one(r.report, "nat-route-bypasses-director", RS1);
      expect(f.message).toContain(`via ${CLIENT}`);
      const cmd = /ip route replace default via \S+/.exec(f.fix)?.[0];
      expect(cmd).toBe(`ip route replace default via ${DIR}`);
      sh("rs1", cmd!.split(" "));
      expectNatClean();
    });

    it("service-unreachable: none of the service's web servers runs", async () => {
      await stopHttpd("rs1");
      await stopHttpd("rs2");
      const r = doctor();
      expect(natFound(r.report)).toEqual([`rs-not-listening @ ${RS1}`, `rs-not-listening @ ${RS2}`, `rs-unreachable @ ${RS1}`, `rs-unreachable @ ${RS2}`, "service-unreachable @ director"]);
      expect(one(r.report, "service-unreachable", "director").severity).toBe("warning");
      expect(r.code).toBe(1);
      // one back: the service answers again (rs2 stays down: the next test takes its namespace away)
      await startHttpd("rs1");
    });

    it("host-unreadable: a real server whose namespace is gone is one finding, and doctor goes on", async () => {
      expect(run(["ip", "netns", "del", lab.ns("rs2")]).code).toBe(0);
      const r = doctor();
      expect(r.code).toBe(1);
      expect(r.err).not.toMatch(/TypeError|at .*\.js:\d+/);
      expect(r.report.findings.filter((f) => f.code === "host-unreadable")).toMatchObject([{ host: RS2, code: "host-unreadable", severity: "error" }]);
      // and the director cannot reach it either; nothing else is wrong
      expect(natFound(r.report)).toEqual([`host-unreadable @ ${RS2}`, `rs-unreachable @ ${RS2}`]);
      expect(one(r.report, "host-unreadable", RS2).message).toContain(`netns ${lab.ns("rs2")}`);
      // the other hosts are read as before
      expect(row(r.report, RS1, "nat-route", "default")).toMatchObject({ result: "ok" });
      expect(row(r.report, "director", "ip-forward", "net.ipv4.ip_forward")).toMatchObject({ result: "ok" });
    });
  });
});
