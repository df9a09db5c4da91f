/**
 * High availability through keepalived on the real kernel
 * (guest/scenario-ha.sh): two directors in their own namespaces, each with
 * keepalived 2.2.7 and its own /etc/keepalived; d1 (priority 150) holds the
 * VIP; keepalived's HTTP_GET takes a dead real server out on both; a change
 * and its rollback reach both; a configuration keepalived rejects changes
 * nothing; with `sync daemon` an established connection survives the
 * fail-over to d2, without it (the negative control) it is reset.
 *
 * The result's `mode` says how keepalived got its configuration: `engine`
 * (lvsh commits it: `engine keepalived`; the default when the lvsh under
 * test has the statement) or `export` (HA_MODE=export, or an lvsh without
 * it: the scenario does by hand what the engine does, from `lvsh export
 * --format keepalived`). The facts about the directors are checked in both;
 * what only lvsh can say (`show rs`) only in `engine` mode.
 */
import { describe, expect, inject, it } from "vitest";
import { checkAllAnswered, checkLvsh, checkShares, type Fetch, type LvshRun } from "./checks.js";
import { ran, scenario, titled, tryScenario } from "./lab.js";

const lab = inject("lab");

interface Director {
  /** keepalived's pid (its pid file), null when it does not run */
  keepalived: number | null;
  /** whether it holds the VIP */
  vip: boolean;
  /** its real servers of VIP:80 (ipvsadm -Sn) */
  reals: string[];
  ipvsadm: string;
  /** ipvsadm -Ln --daemon */
  daemon: string;
}
interface Directors {
  d1: Director;
  d2: Director;
}
/** Each director's keepalived.conf and keepalived.conf.lvsh-prev ("" when missing). */
interface Files {
  d1: string;
  d2: string;
  d1_prev: string;
  d2_prev: string;
}
/** A commit: lvsh's run (engine), or the scenario's by hand (export: same shape). */
type Commit = LvshRun & { mode?: string };
interface Failover {
  port: string;
  opened_ms: number;
  /** the held connection in d1's and d2's ipvsadm -Lnc before the fail-over ("" when absent) */
  backup: { ms: number; d1: string; d2: string };
  /** from the SIGTERM to d1's keepalived until it exited */
  stop_ms: number;
  /** from its exit until d2 holds the VIP (polled); null: never */
  vip_ms: number | null;
  /** from the SIGTERM until d2 holds the VIP */
  vip_after_kill_ms: number;
  directors: Directors;
  fetch: Fetch;
  d2_conn_after: string;
  /** the held connection's request, finished after the fail-over */
  session: { rc: number | null; status: string; answer: string; error: string };
  ms: number;
}
interface HaResult {
  mode: "engine" | "export";
  vip: string;
  keepalived: string;
  sync_threshold: string;
  seed: { commit: Commit; settled: boolean; directors: Directors; files: Files; fetch: Fetch; ms: number };
  health: {
    down_ms: number | null;
    directors_down: Directors;
    fetch_down: Fetch;
    show_rs: LvshRun;
    up_ms: number | null;
    directors_up: Directors;
    fetch_up: Fetch;
    ms: number;
  };
  change: {
    files_before: Files;
    add: Commit;
    directors_add: Directors;
    files_add: Files;
    fetch_add: Fetch;
    rollback: Commit;
    directors_rollback: Directors;
    files_rollback: Files;
    ms: number;
  };
  fault: { files_before: Files; commit: Commit; files_after: Files; pids_before: { d1: number | null; d2: number | null }; directors: Directors; ms: number };
  sync: Failover;
  nosync: { commit: Commit; settled: boolean; directors: Directors; files: Files; failover: Failover; ms: number };
  ms: number;
}

const RS1 = "192.0.2.2";
const RS2 = "192.0.2.3";
const RS3 = "192.0.2.4";
const s = (ms: number | null | undefined) => (ms === null || ms === undefined ? "never" : `${(ms / 1000).toFixed(1)} s`);

/** Both directors run keepalived, d1 holds the VIP and d2 not, both tables have `reals`. */
function checkPair(d: Directors, reals: string[]): string[] {
  const problems: string[] = [];
  for (const name of ["d1", "d2"] as const) {
    if (d[name].keepalived === null) problems.push(`keepalived does not run in ${name}`);
    if (JSON.stringify(d[name].reals) !== JSON.stringify(reals)) problems.push(`${name}'s table has ${d[name].reals.join(" ") || "no real server"}, not ${reals.join(" ")}:\n${d[name].ipvsadm}`);
  }
  if (!d.d1.vip) problems.push("d1 (priority 150) does not hold the VIP");
  if (d.d2.vip) problems.push("d2 (priority 100) holds the VIP too");
  return problems;
}

const pre = tryScenario<HaResult>(lab, "ha").value;
const mode = pre?.mode ?? "engine";
const engineOnly = mode !== "engine";
const phases = pre
  ? `seed ${s(pre.seed.ms)}, health ${s(pre.health.ms)}, change ${s(pre.change.ms)}, fault ${s(pre.fault.ms)}, sync ${s(pre.sync.ms)}, nosync ${s(pre.nosync.ms)}; total ${s(pre.ms)}`
  : "";

describe.skipIf(!ran(lab, "ha"))(titled(lab, `lab: high availability through keepalived (${mode} mode)`), () => {
  const r = () => scenario<HaResult>(lab, "ha");

  it(`ran (phases: ${phases || "see the result"})`, () => {
    expect(r().keepalived).toMatch(/Keepalived v2\./);
  });

  describe("the commit", () => {
    it(`commits the seed (${s(pre?.seed.commit.ms)})`, () => expect(checkLvsh(r().seed.commit)).toEqual([]));
    it("keepalived runs in both directors; d1 holds the VIP, d2 not; both tables have the service with rs1 and rs2", () => {
      expect(r().seed.settled).toBe(true);
      expect(checkPair(r().seed.directors, [RS1, RS2])).toEqual([]);
    });
    it("each director has its own keepalived.conf: d1 MASTER 150, d2 BACKUP 100, the sync daemon in both", () => {
      const f = r().seed.files;
      expect(f.d1).toMatch(/priority 150/);
      expect(f.d2).toMatch(/priority 100/);
      for (const t of [f.d1, f.d2]) expect(t).toMatch(/lvs_sync_daemon eth0 \S+ id 7/);
    });
    it("the sync daemon runs: master on d1, backup on d2 (ipvsadm -Ln --daemon)", () => {
      const d = r().seed.directors;
      expect(d.d1.daemon).toMatch(/master sync daemon.*syncid=7/);
      expect(d.d2.daemon).toMatch(/backup sync daemon.*syncid=7/);
    });
    it("20 fetches balance across rs1 and rs2", () => expect(checkShares(r().seed.fetch, { rs1: 10, rs2: 10 })).toEqual([]));
  });

  describe("the health check (HTTP_GET every 1 s)", () => {
    it(`takes rs1 out of both tables when its web server stops (${s(pre?.health.down_ms)})`, () => {
      const h = r().health;
      expect(h.down_ms).not.toBeNull();
      expect(h.down_ms!).toBeLessThan(10000);
      expect(h.directors_down.d1.reals).toEqual([RS2]);
      expect(h.directors_down.d2.reals).toEqual([RS2]);
    });
    it("then every fetch goes to rs2", () => expect(checkShares(r().health.fetch_down, { rs2: 4 })).toEqual([]));
    // For the engine's author: `show rs` with keepalived as the engine reads keepalived's director (the MASTER)
    // and says a committed real server its check took out is `down (check)` (passes since main's 5d412ee);
    // on a failure, what it printed is health.show_rs in ha.json.
    it.skipIf(engineOnly)("`show rs` says rs1 is down (its check)", () => {
      const run = r().health.show_rs;
      expect(checkLvsh(run)).toEqual([]);
      const line = run.stdout.split("\n").find((l) => l.includes(RS1)) ?? "";
      expect(line, run.stdout).toMatch(/down/i);
      expect(line, run.stdout).toMatch(/check/i);
    });
    it(`puts rs1 back in both tables when it answers again (${s(pre?.health.up_ms)}); fetches balance again`, () => {
      const h = r().health;
      expect(h.up_ms).not.toBeNull();
      expect(h.up_ms!).toBeLessThan(10000);
      expect(checkPair(h.directors_up, [RS1, RS2])).toEqual([]);
      expect(checkShares(h.fetch_up, { rs1: 2, rs2: 2 })).toEqual([]);
    });
  });

  describe("a change while both directors run, and its rollback", () => {
    it(`add rs3 and commit (${s(pre?.change.add.ms)}): both tables have 3 real servers, the 3 answer`, () => {
      const c = r().change;
      expect(checkLvsh(c.add)).toEqual([]);
      expect(checkPair(c.directors_add, [RS1, RS2, RS3])).toEqual([]);
      expect(checkShares(c.fetch_add, { rs1: 2, rs2: 2, rs3: 2 })).toEqual([]);
    });
    it("keeps each director's previous file as keepalived.conf.lvsh-prev", () => {
      const c = r().change;
      expect(c.files_add.d1_prev).toBe(c.files_before.d1);
      expect(c.files_add.d2_prev).toBe(c.files_before.d2);
    });
    it(`rollback (${s(pre?.change.rollback.ms)}): both tables back to 2 real servers, both files as before the change`, () => {
      const c = r().change;
      expect(checkLvsh(c.rollback)).toEqual([]);
      expect(checkPair(c.directors_rollback, [RS1, RS2])).toEqual([]);
      expect(c.files_rollback.d1).toBe(c.files_before.d1);
      expect(c.files_rollback.d2).toBe(c.files_before.d2);
    });
  });

  describe("a configuration keepalived rejects (interface eth9)", () => {
    it("fails the commit", () => expect(r().fault.commit.exit).not.toBe(0));
    it("says why before any step: the directors have no eth9 (the plan's check of the interfaces keepalived's file names; keepalived -t on the director is the second net)", () => {
      expect(r().fault.commit.stderr).toMatch(/has no interface eth9/);
    });
    it("leaves both directors' files byte for byte as before", () => {
      expect(r().fault.files_after).toEqual(r().fault.files_before);
    });
    it("keepalived still runs the old configuration: the same processes, VIP on d1, both tables with rs1 and rs2", () => {
      const f = r().fault;
      expect(f.directors.d1.keepalived).toBe(f.pids_before.d1);
      expect(f.directors.d2.keepalived).toBe(f.pids_before.d2);
      expect(checkPair(f.directors, [RS1, RS2])).toEqual([]);
    });
  });

  describe("fail-over with the sync daemon", () => {
    it("the client's connection, after it sent data, is on d2 (ipvsadm -Lnc) before the fail-over", () => {
      const b = r().sync.backup;
      expect(b.d1).toMatch(/ESTABLISHED/);
      expect(b.d2).toMatch(/ESTABLISHED/);
    });
    it(`d2 holds the VIP ${s(pre?.sync.vip_after_kill_ms)} after the SIGTERM to d1's keepalived (${s(pre?.sync.stop_ms)} until it exited)`, () => {
      const f = r().sync;
      expect(f.vip_ms).not.toBeNull();
      expect(f.vip_ms!).toBeLessThan(15000);
      expect(f.directors.d1.keepalived).toBeNull();
      expect(f.directors.d1.vip).toBe(false);
      expect(f.directors.d2.vip).toBe(true);
    });
    it("new connections work through d2", () => expect(checkAllAnswered(r().sync.fetch)).toEqual([]));
    it("the established connection's request gets its answer", () => {
      const x = r().sync.session;
      expect(x.status, x.error).toMatch(/ 200 /);
      expect(["rs1", "rs2"]).toContain(x.answer);
    });
  });

  describe("negative control: sync daemon off", () => {
    it(`commits it (${s(pre?.nosync.commit.ms)}), which starts d1's keepalived again: d1 holds the VIP`, () => {
      const n = r().nosync;
      expect(checkLvsh(n.commit)).toEqual([]);
      expect(n.settled).toBe(true);
      expect(checkPair(n.directors, [RS1, RS2])).toEqual([]);
    });
    // keepalived 2.2.7 does not stop a sync daemon on a reload (SIGHUP) whose file has none: so the engine
    // restarts keepalived when the lvs_sync_daemon line changes, and d2 has none left. (export mode
    // reloads, as the engine first did: d2, master during the first fail-over, keeps its master daemon;
    // what the control needs still holds: the new master d1 sends nothing, d2 receives nothing.)
    it("the files have no lvs_sync_daemon; no sync daemon runs (export mode: d1 none, d2 no backup one)", () => {
      const n = r().nosync;
      expect(n.files.d1).not.toMatch(/lvs_sync_daemon/);
      expect(n.files.d2).not.toMatch(/lvs_sync_daemon/);
      expect(n.directors.d1.daemon).not.toMatch(/sync daemon/);
      expect(n.directors.d2.daemon).not.toMatch(r().mode === "engine" ? /sync daemon/ : /backup sync daemon/);
    });
    it("the client's connection is not on d2", () => {
      const b = r().nosync.failover.backup;
      expect(b.d1).toMatch(/ESTABLISHED/);
      expect(b.d2).toBe("");
    });
    it(`d2 holds the VIP ${s(pre?.nosync.failover.vip_after_kill_ms)} after the SIGTERM to d1's keepalived; new connections work`, () => {
      const f = r().nosync.failover;
      expect(f.vip_ms).not.toBeNull();
      expect(f.directors.d2.vip).toBe(true);
      expect(checkAllAnswered(f.fetch)).toEqual([]);
    });
    it("the established connection breaks: no answer", () => {
      const x = r().nosync.failover.session;
      expect(x.answer).toBe("");
      expect(x.status).not.toMatch(/ 200 /);
    });
  });
});
