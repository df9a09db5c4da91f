/** Commit on the simulated target: the acceptance of the transactions issue, and what a commit refuses. */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runningJson, vipsInView } from "../../src/session/show.js";
import { acquireLock, type Site } from "../../src/txn/index.js";
import type { Command, Executor } from "../../src/exec/index.js";
import { freshStateDir, lvsh, simKernel, simListen, simSession } from "../helpers/sim.js";

const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs";

async function running(stateDir: string) {
  const { session } = await simSession(stateDir);
  return runningJson(session.running, vipsInView(session));
}

describe("commit (acceptance, simulated target)", () => {
  it("commits the seed: the director's two -a rules, each real server's two ARP rules and VIP", async () => {
    const dir = freshStateDir();
    const r = await lvsh(dir, `${SEED}; commit`);
    expect(r.ok, r.rendered).toBe(true);
    // the seed's 10 changes and the readiness check of each of its 2 real servers
    expect(r.out).toContain("commit complete: revision 1, 12 steps on 3 hosts");
    const j = await running(dir);
    expect(j.hosts.director!.ipvs).toEqual([
      "-A -t 172.25.254.10:80 -s rr",
      "-a -t 172.25.254.10:80 -r 172.25.254.2:80 -g -w 1",
      "-a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 1",
    ]);
    expect(j.hosts.director!.addrs).toEqual(["172.25.254.10/32 dev eth0"]);
    for (const rs of ["172.25.254.2", "172.25.254.3"]) {
      expect(j.hosts[rs]!.arp).toEqual(["-A INPUT -j DROP -d 172.25.254.10", `-A OUTPUT -j mangle -s 172.25.254.10 --mangle-ip-s ${rs}`]);
      expect(j.hosts[rs]!.addrs).toEqual(["172.25.254.10/32 dev eth0"]);
    }
  });

  it("plans zero steps when the same script runs again", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const { session } = await simSession(dir);
    await session.run(SEED, "<again>");
    const { plan } = await session.plan();
    expect(plan!.steps).toEqual([]);
    expect((await lvsh(dir, `${SEED}; commit`)).out).toContain("No changes");
  });

  it("refuses, before its first step, a commit whose director VIP names a missing interface, and names the one meant", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const before = await running(dir);
    const kernel = simKernel(dir);
    const r = await lvsh(dir, "vip 172.25.254.20 on eth9; service :80 rr; add rs .2 .4; arp hide on rs; commit");
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["precheck-failed", "unknown-interface"]);
    const missing = r.diagnostics.find((d) => d.code === "unknown-interface")!;
    expect(missing.message).toBe("director has no interface eth9 (it has lo, eth0, tunl0): 172.25.254.20 cannot be bound there");
    expect(missing.hint).toBe("did you mean eth0?");
    expect(missing.span!.col).toBe(1);
    expect(r.rendered).not.toContain("rolled back:");
    expect(await running(dir)).toEqual(before);
    expect(simKernel(dir)).toEqual(kernel);
    expect(existsSync(join(dir, "sim", "journal.json"))).toBe(false);
  });

  it("commit, change a weight, commit, rollback 1, commit: running equals the first commit's", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const first = await running(dir);
    const w = await lvsh(dir, "use service 172.25.254.10:80; set rs .3 weight 5; commit comment 'weights'");
    expect(w.out).toContain("revision 2, 1 step on 1 host (0 to add, 1 to change, 0 to destroy)");
    expect((await running(dir)).hosts.director!.ipvs).toContain("-a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 5");
    const rb = await lvsh(dir, "rollback 1; commit");
    expect(rb.ok, rb.rendered).toBe(true);
    expect(await running(dir)).toEqual(first);
    const h = await lvsh(dir, "show history");
    // a table: one row per revision
    expect(h.out.split("\n").filter((l) => /^│ \d+ /.test(l)).map((l) => l.split("│")[1]!.trim())).toEqual(["1", "2", "3"]);
    expect(h.out).toContain("weights");
  });

  it("starts from the running configuration: a script without `clear` keeps what it does not name", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const r = await lvsh(dir, "use vip 172.25.254.10; service :443 wlc persistent; add rs .2 .3; commit");
    expect(r.ok, r.rendered).toBe(true);
    expect((await running(dir)).hosts.director!.ipvs).toHaveLength(6);
    const c = await lvsh(dir, "clear; vip 172.25.254.10 on eth0; service :443 wlc persistent; add rs .2 .3; arp hide on rs; commit");
    expect(c.ok, c.rendered).toBe(true);
    expect((await running(dir)).hosts.director!.ipvs).toEqual([
      "-A -t 172.25.254.10:443 -s wlc -p 360",
      "-a -t 172.25.254.10:443 -r 172.25.254.2:443 -g -w 1",
      "-a -t 172.25.254.10:443 -r 172.25.254.3:443 -g -w 1",
    ]);
  });

  it("removes what a configuration drops, on the real servers too", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const r = await lvsh(dir, "use service 172.25.254.10:80; del rs .3; commit");
    expect(r.ok, r.rendered).toBe(true);
    // .3 is no longer lvsh's: its ARP rules and VIP are gone, back to its default state
    expect(Object.keys(simKernel(dir)).sort()).toEqual(["172.25.254.2.json", "director.json"]);
    const all = await lvsh(dir, "clear; commit");
    expect(all.ok, all.rendered).toBe(true);
    expect(simKernel(dir)).toEqual({});
  });
});

/** Every command the site's executors are asked to run (argv joined), and the director's with a filter on what its `ipvsadm -R` is given. */
function watchCommands(site: Site, restoreInput: (text: string) => string = (t) => t): string[] {
  const seen: string[] = [];
  const inner = site.executor.bind(site);
  site.executor = (host: string): Executor => {
    const e = inner(host);
    const fix = (c: readonly string[] | Command): Command => {
      const cmd = "argv" in c ? c : { argv: c };
      seen.push(cmd.argv.join(" "));
      return cmd.argv[0] === "ipvsadm" && cmd.argv[1] === "-R" && cmd.stdin !== undefined ? { ...cmd, stdin: restoreInput(cmd.stdin) } : cmd;
    };
    return {
      host: e.host,
      describe: e.describe,
      run: (argv, opts) => {
        const c = fix({ argv, ...(opts?.stdin !== undefined ? { stdin: opts.stdin } : {}) });
        return e.run(c.argv, { ...opts, ...(c.stdin !== undefined ? { stdin: c.stdin } : {}) });
      },
      runMany: (cmds, opts) => e.runMany(cmds.map(fix), opts),
      close: () => e.close(),
    };
  };
  return seen;
}

describe("the real servers' thresholds in a commit's reads", () => {
  const THRESH = "--thresholds";

  it("reads them before the steps always, after the steps only when the candidate or the table has one (and the modules before only)", async () => {
    const dir = freshStateDir();
    const s = await simSession(dir);
    const seen = watchCommands(s.site);
    const r = await s.session.run(`${SEED}; commit`, "<test>");
    expect(r.ok, s.session.render(r.diagnostics)).toBe(true);
    const reads = seen.filter((c) => c === "ipvsadm -Sn");
    // the commit's read, then the verify's: the thresholds listed only by the first
    expect(reads).toHaveLength(2);
    expect(seen.filter((c) => c.endsWith(THRESH))).toHaveLength(1);
    expect(seen.indexOf(`ipvsadm -Ln ${THRESH}`)).toBeLessThan(seen.lastIndexOf("ipvsadm -Sn"));
    // the scheduler's module is looked for by the first read only
    expect(seen.filter((c) => c.startsWith("modprobe"))).toEqual(["modprobe -n -q ip_vs_rr"]);
    // with one configured, the verify lists them too
    const t = await simSession(dir);
    const seen2 = watchCommands(t.site);
    const r2 = await t.session.run("use service 172.25.254.10:80; set rs .3 max 100; commit", "<test>");
    expect(r2.ok, t.session.render(r2.diagnostics)).toBe(true);
    expect(seen2.filter((c) => c.endsWith(THRESH))).toHaveLength(2);
  });

  it("a threshold set by hand where none is configured is drift, and a commit puts it back", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const { site } = await simSession(dir);
    await site.executor("director").run(["ipvsadm", "-e", "-t", "172.25.254.10:80", "-r", "172.25.254.2:80", "-g", "-w", "1", "-x", "50"]);
    const refused = await lvsh(dir, "use service 172.25.254.10:80; set rs .3 weight 2; commit", { yes: false });
    expect(refused.diagnostics.find((d) => d.code === "commit-refused")!.message).toMatch(/differs from revision 1.*commit force/);
    const forced = await lvsh(dir, "use service 172.25.254.10:80; set rs .3 weight 2; commit force", { yes: false });
    expect(forced.ok, forced.rendered).toBe(true);
    const after = (await simSession(dir)).session.running.hosts.director!.ipvs[0]!.dests;
    expect(after.map((d) => [d.addr, d.weight, d.uThreshold])).toEqual([
      ["172.25.254.2", 1, 0],
      ["172.25.254.3", 2, 0],
    ]);
  });

  it("a configured threshold the director does not take fails the verify: rolled back", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const s = await simSession(dir);
    // a kernel that takes the weight and drops the threshold, saying nothing (ipvsadm -R exits 0)
    watchCommands(s.site, (text) => text.replace(/ -x \d+/g, ""));
    const r = await s.session.run("use service 172.25.254.10:80; set rs .2 .3 max 100; commit", "<test>");
    expect(r.ok).toBe(false);
    const failed = r.diagnostics.find((d) => d.code === "commit-failed" && d.severity === "error")!;
    expect(failed.message).toMatch(/do not hold the candidate/);
    expect(s.session.render(r.diagnostics)).toContain("rolled back:");
    const dests = (await simSession(dir)).session.running.hosts.director!.ipvs[0]!.dests;
    expect(dests.map((d) => d.uThreshold)).toEqual([0, 0]);
  });
});

describe("what a commit refuses", () => {
  it("a second committing session, naming the holder", async () => {
    const dir = freshStateDir();
    await simSession(dir);
    const lock = await acquireLock(join(dir, "sim", "lock"), "a test");
    expect(lock.ok).toBe(true);
    try {
      const r = await lvsh(dir, `${SEED}; commit`, { lockWaitMs: 300 });
      // it waited, saying for whom, then gave up
      expect(r.out).toMatch(new RegExp(`waiting for the other lvsh to finish: pid ${process.pid} on `));
      const d = r.diagnostics.find((x) => x.code === "commit-refused")!;
      expect(d.message).toMatch(new RegExp(`^another lvsh is committing: pid ${process.pid} on .+, a test since `));
      expect(simKernel(dir)).toEqual({});
    } finally {
      if (lock.ok) lock.release();
    }
  });

  it("a commit over many hosts with no terminal and no --yes", async () => {
    const dir = freshStateDir();
    const r = await lvsh(dir, `${SEED}; commit`, { yes: false });
    expect(r.diagnostics.map((d) => d.code)).toContain("commit-refused");
    expect(r.rendered).toContain("pass --yes");
    expect(simKernel(dir)).toEqual({});
  });

  it("drift: a change made outside lvsh is shown, and committed over only when told", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    // someone runs ipvsadm by hand on the director
    const { site } = await simSession(dir);
    await site.executor("director").run(["ipvsadm", "-e", "-t", "172.25.254.10:80", "-r", "172.25.254.2:80", "-g", "-w", "9"]);
    const opened = await simSession(dir);
    expect(opened.opened.map((d) => d.code)).toContain("running-drift");
    const refused = await lvsh(dir, "use service 172.25.254.10:80; set rs .3 weight 2; commit", { yes: false });
    expect(refused.diagnostics.find((d) => d.code === "commit-refused")!.message).toMatch(/differs from revision 1.*commit force/);
    // forced, the commit puts back what revision 1 said and adds the new weight (one host: no question)
    const forced = await lvsh(dir, "use service 172.25.254.10:80; set rs .3 weight 2; commit force", { yes: false });
    expect(forced.ok, forced.rendered).toBe(true);
    const ipvs = (await running(dir)).hosts.director!.ipvs;
    expect(ipvs).toContain("-a -t 172.25.254.10:80 -r 172.25.254.2:80 -g -w 1");
    expect(ipvs).toContain("-a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 2");
  });

  it("plans from its own read under the lock, not the session's: a change made by hand after the session read is seen and put back", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const { session, site } = await simSession(dir);
    await session.run("use service 172.25.254.10:80; set rs .3 weight 2", "<staged>");
    // after the session read the hosts, before its commit: someone sets a weight by hand
    await site.executor("director").run(["ipvsadm", "-e", "-t", "172.25.254.10:80", "-r", "172.25.254.2:80", "-g", "-w", "9"]);
    const r = await session.run("commit force", "<commit>");
    expect(r.ok, session.render(r.diagnostics)).toBe(true);
    const ipvs = (await running(dir)).hosts.director!.ipvs;
    expect(ipvs).toContain("-a -t 172.25.254.10:80 -r 172.25.254.2:80 -g -w 1");
    expect(ipvs).toContain("-a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 2");
    await session.close();
  });

  it("a scheduler the director's kernel lacks (twos on 6.1), before any step", async () => {
    const dir = freshStateDir();
    const r = await lvsh(dir, "vip 192.0.2.10 on eth0; service :80 twos; add rs .2 nat; commit");
    const ds = r.diagnostics.filter((x) => x.code === "precheck-failed");
    expect(ds[0]!.message).toBe("commit stopped before its first step; nothing was applied");
    // located at the statement that asks for it, on the director
    expect(ds[1]).toMatchObject({ message: expect.stringContaining("the director's kernel has no `twos` scheduler"), host: "director", span: { line: 1, col: 25 } });
    expect(simKernel(dir)).toEqual({});
  });

  it("a tun real server without tunl0 (no ipip module), before any step", async () => {
    const dir = freshStateDir();
    const { site } = await simSession(dir);
    expect((await site.executor("192.0.2.41").run(["ip", "link", "del", "tunl0"])).exitCode).toBe(0);
    const r = await lvsh(dir, "vip 203.0.113.5 on eth0; service :80 rr; add rs 192.0.2.41 tun; arp hide on rs; commit");
    const d = r.diagnostics.filter((x) => x.code === "precheck-failed")[1]!;
    expect(d.message).toContain("tunl0 does not exist (load the ipip module: modprobe ipip)");
    expect(d.host).toBe("192.0.2.41");
  });

  it("commits a tun real server: tunl0 up, the VIP on it, rp_filter off", async () => {
    const dir = freshStateDir();
    const r = await lvsh(dir, "vip 203.0.113.5 on eth0; service :80 rr; add rs 192.0.2.41 tun; arp hide on rs; commit");
    expect(r.ok, r.rendered).toBe(true);
    const h = simKernel(dir)["192.0.2.41.json"] as { links: { name: string; up: boolean }[]; addrs: { addr: string; dev: string }[]; sysctls: Record<string, string> };
    expect(h.links.find((l) => l.name === "tunl0")!.up).toBe(true);
    expect(h.addrs).toContainEqual({ addr: "203.0.113.5", prefix: 32, dev: "tunl0" });
    expect(h.sysctls["net.ipv4.conf.tunl0.rp_filter"]).toBe("0");
    // and the same script again plans nothing
    const again = await lvsh(dir, "vip 203.0.113.5 on eth0; service :80 rr; add rs 192.0.2.41 tun; arp hide on rs; commit");
    expect(again.out).toContain("No changes");
  });

  it("a host that cannot be read, before any step", async () => {
    const dir = freshStateDir();
    // a simulated host file that is not a host: reading it fails
    const { site } = await simSession(dir);
    writeFileSync(join(site.paths.simHosts, "172.25.254.3.json"), "{ not json");
    const r = await lvsh(dir, `${SEED}; commit`);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain("precheck-failed");
  });
});

describe("session outcomes", () => {
  it("says when a host cannot be read", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const { site } = await simSession(dir);
    writeFileSync(join(site.paths.simHosts, "172.25.254.2.json"), "{ not json");
    const s = await simSession(dir);
    expect(s.opened.map((d) => [d.code, d.severity])).toContainEqual(["host-unreadable", "warning"]);
  });

  it("refuses a rollback to a revision that does not exist, before anything runs", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const r = await lvsh(dir, "rollback 9; commit");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unknown-revision"]);
    expect(r.rendered).toContain("the only revision is 1; `show history` lists them");
    const none = await lvsh(freshStateDir(), "rollback");
    expect(none.diagnostics[0]!.message).toBe("there is no revision before the running one");
  });

  it("in a dry run, commit applies nothing", async () => {
    const dir = freshStateDir();
    const { session } = await simSession(dir);
    const dry = new (session.constructor as typeof import("../../src/session/index.js").Session)({ ...session.opts, dryRun: true });
    await dry.open();
    const r = await dry.run(`${SEED}; commit`, "<t>");
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([["dry-run", "info"]]);
    expect(simKernel(dir)).toEqual({});
  });

  it("reports a rollback that could not bring every host back, and how to go on", async () => {
    const { report } = await import("../../src/session/commit.js");
    const { parse } = await import("../../src/lang/index.js");
    const stmt = parse("commit").statements[0] as import("../../src/lang/index.js").CommitStmt;
    const step = { id: 4, host: "director", argv: ["ip", "addr", "add", "192.0.2.10/32", "dev", "eth9"], undo: null, reason: "x", change: "k", phase: 12 };
    const ds = report(
      stmt,
      {
        kind: "failed",
        plan: { steps: [], changes: [], hosts: {}, vips: [], fingerprint: "", summary: { add: 0, change: 0, destroy: 0 } },
        txn: {
          ok: false,
          applied: 3,
          failed: { step, result: { exitCode: 1, stdout: "", stderr: 'Cannot find device "eth9"\n', ms: 0 } },
          rollback: { ok: false, undone: 2, undoFailures: [{ step: { ...step, id: 2 }, result: { exitCode: 2, stdout: "", stderr: "RTNETLINK answers: Operation not permitted\n", ms: 0 } }], impossible: [], mismatches: ["director: remove address 192.0.2.10/32 on eth0"] },
        },
      },
      { io: { write: () => {} }, planText: () => "" },
    );
    expect(ds.map((d) => [d.code, d.severity])).toEqual([
      ["commit-failed", "error"],
      ["rollback-incomplete", "error"],
    ]);
    expect(ds[1]!.message).toContain("undo of step 2 on director failed: RTNETLINK answers: Operation not permitted");
    expect(ds[1]!.hint).toContain("lvsh recover");
  });
});

describe("settings lvsh changed are set back when no longer asked for", () => {
  const sys = (dir: string, host: string) => (simKernel(dir)[`${host}.json`] as { sysctls: Record<string, string> } | undefined)?.sysctls;

  it("arp_ignore/arp_announce when the VIP is hidden by arptables again (rollback)", async () => {
    const dir = freshStateDir();
    await lvsh(dir, `${SEED}; commit`);
    const a = simKernel(dir);
    const b = await lvsh(dir, "use vip 172.25.254.10; arp hide on rs via sysctl; commit");
    expect(b.ok, b.rendered).toBe(true);
    expect(sys(dir, "172.25.254.2")!["net.ipv4.conf.all.arp_ignore"]).toBe("1");
    const r = await lvsh(dir, "rollback; commit");
    expect(r.ok, r.rendered).toBe(true);
    expect(simKernel(dir)).toEqual(a);
  });

  it("ip_forward when the last NAT real server goes, rp_filter and tunl0 when the last tun one goes", async () => {
    const dir = freshStateDir();
    const before = simKernel(dir);
    const r = await lvsh(dir, "vip 203.0.113.5 on eth0; service :80 rr; add rs 192.0.2.41 tun; add rs 192.0.2.51:8080 nat; arp hide on rs; commit");
    expect(r.ok, r.rendered).toBe(true);
    expect(sys(dir, "director")!["net.ipv4.ip_forward"]).toBe("1");
    expect(sys(dir, "192.0.2.41")!["net.ipv4.conf.tunl0.rp_filter"]).toBe("0");
    const c = await lvsh(dir, "clear; commit");
    expect(c.ok, c.rendered).toBe(true);
    expect(simKernel(dir)).toEqual(before);
  });
});

describe("a session that stays open while another lvsh commits", () => {
  it("sees the other process's revision (revisions are cached per process, the list is not)", async () => {
    const dir = freshStateDir();
    const a = await simSession(dir);
    await a.session.run(`${SEED}; commit`, "<a>");
    expect(a.site.latest()?.number).toBe(1);
    const b = await lvsh(dir, "use service 172.25.254.10:80; set rs .2 weight 3; commit");
    expect(b.ok, b.rendered).toBe(true);
    expect(a.site.latest()?.number).toBe(2);
    expect(a.site.runningConfig({ hosts: {} }).services.get("tcp 172.25.254.10:80")?.reals.get("172.25.254.2:80")?.weight).toBe(3);
    await a.session.close();
  });

  it("holds, after its own commit, the state the commit read back (what a fresh read shows)", async () => {
    const dir = freshStateDir();
    const a = await simSession(dir);
    await a.session.run(`${SEED}; commit`, "<a>");
    const fresh = await simSession(dir);
    expect(a.session.running).toEqual(fresh.session.running);
    await a.session.close();
    await fresh.session.close();
  });
});

describe("commit checks each real server it adds (simulated target)", () => {
  it("a real server with nothing listening on the port: the commit fails at its check, names it, and undoes everything", async () => {
    const dir = freshStateDir();
    simListen(dir, "172.25.254.3", ["tcp *:22"]);
    const before = simKernel(dir);
    const r = await lvsh(dir, `${SEED}; commit`);
    expect(r.ok).toBe(false);
    const e = r.diagnostics.find((d) => d.code === "commit-failed" && d.severity === "error")!;
    expect(e.message).toBe(
      "commit failed at step 8 on 172.25.254.3: 172.25.254.3 is not ready for tcp 172.25.254.10:80: nothing on 172.25.254.3 listens on tcp 172.25.254.10:80: connections the director sends there are refused (`commit force` adds it anyway)",
    );
    // the steps before it (172.25.254.2's and 172.25.254.3's own) undone; the director never added anything
    expect(r.rendered).toContain("rolled back: 6 steps undone; every host holds what it held before the commit");
    expect(simKernel(dir)).toEqual(before);
    expect(existsSync(join(dir, "sim", "revisions", "1.json"))).toBe(false);
  });

  it("a real server lvsh does not prepare (a `host` names it), its VIP bound by hand but not hidden from ARP: named, undone", async () => {
    const dir = freshStateDir();
    const s = await simSession(dir);
    expect((await s.site.executor("172.25.254.2").run(["ip", "addr", "add", "172.25.254.10/32", "dev", "eth0"])).exitCode).toBe(0);
    await s.session.close();
    const before = simKernel(dir);
    const r = await lvsh(dir, `host 172.25.254.2 via ssh root@172.25.254.2; vip 172.25.254.10 on eth0; service :80 rr; add rs .2 dr; commit`);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.find((d) => d.code === "commit-failed" && d.severity === "error")?.message, r.rendered).toMatch(
      /^commit failed at step 1 on 172\.25\.254\.2: 172\.25\.254\.2 is not ready for tcp 172\.25\.254\.10:80: 172\.25\.254\.2 answers ARP for 172\.25\.254\.10 on eth0/,
    );
    expect(simKernel(dir)).toEqual(before);
  });

  it("`commit force` adds it anyway, with a warning that names it", async () => {
    const dir = freshStateDir();
    simListen(dir, "172.25.254.3", []);
    const r = await lvsh(dir, `${SEED}; commit force`);
    expect(r.ok, r.rendered).toBe(true);
    // a warning with the diagnostics (stderr), not in the commit's report
    expect(r.diagnostics.filter((d) => d.code === "rs-not-ready").map((d) => [d.severity, d.message])).toEqual([
      ["warning", "172.25.254.3 is not ready for tcp 172.25.254.10:80: nothing on 172.25.254.3 listens on tcp 172.25.254.10:80: connections the director sends there are refused (commit force: adding it anyway)"],
    ]);
    expect(r.out).not.toContain("is not ready");
    expect(r.out).toContain("commit complete: revision 1, 12 steps on 3 hosts");
    expect((await running(dir)).hosts.director!.ipvs).toContain("-a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 1");
  });
});
