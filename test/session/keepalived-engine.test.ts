/**
 * `engine keepalived` through the session, on simulated hosts: a commit
 * writes each director's keepalived.conf (checked, installed, keepalived
 * started), `show rs` reads keepalived's table and says `down (check)` for a
 * real server its check took out, `doctor` says it too, a change reaches
 * both directors and `rollback` takes both back, and a file keepalived -t
 * rejects is never installed.
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { newSimHost, SimExecutor } from "../../src/sim/index.js";
import { freshStateDir, lvsh, simKernel, simSession } from "../helpers/sim.js";

const SEED = `vip 192.0.2.10 on eth0
host .251 via netns d1
host .252 via netns d2
director pair .251 .252 priority 150 100 vrid 51
engine keepalived
sync daemon on eth0 id 7
service :80 rr
add rs .2 .3 dr
check http /
arp hide on rs
commit force`;

const CONF = "/etc/keepalived/keepalived.conf";
const host = (dir: string, machine: string) => new SimExecutor(machine, join(dir, "sim", "hosts"), machine).load();

describe("engine keepalived in a session (simulated hosts)", () => {
  it("commits the pair's files, shows keepalived's table, says down (check), takes a change to both and rolls both back", async () => {
    const dir = freshStateDir();
    const plan = await lvsh(dir, SEED.replace("commit force", "show plan"));
    // the pair's directors are hosts of the commit, and what keepalived does is applied (not "staged, not applied")
    expect(plan.rendered).not.toMatch(/unused-host|not the director nor any/);
    expect(plan.out).not.toMatch(/not applied by lvsh/);
    expect(plan.out).toMatch(/write keepalived configuration \/etc\/keepalived\/keepalived\.conf and start keepalived/);
    const c = await lvsh(dir, SEED);
    expect(c.rendered).not.toMatch(/error/);
    const d1 = host(dir, "netns-d1");
    const d2 = host(dir, "netns-d2");
    expect(d1.keepalived).toEqual([CONF]);
    expect(d2.keepalived).toEqual([CONF]);
    expect(d1.files![CONF]).toMatch(/state MASTER[\s\S]*virtual_server 192\.0\.2\.10 80/);
    expect(d2.files![CONF]).toMatch(/state BACKUP/);
    expect(d1.files![CONF]).toMatch(/lvs_sync_daemon eth0 \S+ id 7/);
    // lvsh ran no ipvsadm there: the table is keepalived's (the simulator builds it from the file)
    expect(d1.ipvs[0]!.dests.map((x) => x.addr).sort()).toEqual(["192.0.2.2", "192.0.2.3"]);
    const first = d1.files![CONF];

    // the MASTER holds the VIP (the simulator's VRRP: the file's MASTER binds it), the BACKUP does not
    expect(d1.addrs.map((a) => a.addr)).toContain("192.0.2.10");
    expect(d2.addrs.map((a) => a.addr)).not.toContain("192.0.2.10");
    expect((await lvsh(dir, "doctor")).out).toMatch(/nothing wrong found|no problem/i);
    const hosts = (await lvsh(dir, "show hosts")).out;
    expect(hosts).toMatch(/192\.0\.2\.251[\s│]+director \(keepalived, MASTER\)/);
    expect(hosts).toMatch(/192\.0\.2\.252[\s│]+director \(keepalived, BACKUP\)/);
    expect(hosts).toMatch(/192\.0\.2\.2[\s│]+real server/);
    // nothing to do on a second commit
    expect((await lvsh(dir, "show plan")).out).toMatch(/No changes/);

    // keepalived's check takes .2 out of the MASTER's table
    new SimExecutor("netns-d1", join(dir, "sim", "hosts"), "netns-d1").update((h) => {
      h.ipvs = h.ipvs.map((s) => ({ ...s, dests: s.dests.filter((x) => x.addr !== "192.0.2.2") }));
    });
    const rs = await lvsh(dir, "show rs");
    expect(rs.out).toMatch(/192\.0\.2\.2:80\s.*down \(check\)/);
    expect(rs.out).not.toMatch(/\+ 192\.0\.2\.2/);
    expect(rs.out).toMatch(/keepalived's table/);
    const doc = await lvsh(dir, "doctor");
    expect(doc.out).toMatch(/keepalived's health check has taken 192\.0\.2\.2:80 out/);
    expect(doc.out).not.toMatch(/ipvs-drift|differs from the configuration/);
    const findings = (JSON.parse((await lvsh(dir, "doctor json")).out) as { findings: { code: string; severity: string }[] }).findings;
    expect(findings.map((f) => `${f.code} ${f.severity}`)).toEqual(["rs-down-check warning"]);

    // a third real server reaches both files
    const add = await lvsh(dir, "use vip 192.0.2.10; use service :80; add rs .4 dr; commit force");
    expect(add.rendered).not.toMatch(/error/);
    expect(host(dir, "netns-d1").files![CONF]).toMatch(/real_server 192\.0\.2\.4 80/);
    expect(host(dir, "netns-d2").files![CONF]).toMatch(/real_server 192\.0\.2\.4 80/);
    const back = await lvsh(dir, "rollback 1; commit force");
    expect(back.rendered).not.toMatch(/error/);
    expect(host(dir, "netns-d1").files![CONF]).toBe(first);
    expect(host(dir, "netns-d2").files![CONF]).not.toMatch(/192\.0\.2\.4/);
  });

  it("commits a file longer than one argument may be (300 real servers with checks: in pieces), whole, and then has nothing to do", async () => {
    const dir = freshStateDir();
    const many = Array.from({ length: 300 }, (_, i) => `10.0.${1 + (i >> 7)}.${1 + (i & 127)}`).join(" ");
    const c = await lvsh(dir, SEED.replace("add rs .2 .3 dr", `add rs ${many} dr`));
    expect(c.rendered).not.toMatch(/error/);
    const text = host(dir, "netns-d1").files![CONF]!;
    expect(text.length).toBeGreaterThan(30_000);
    expect(text).toMatch(/real_server 10\.0\.3\.44 80/);
    expect(host(dir, "netns-d1").ipvs[0]!.dests).toHaveLength(300);
    expect((await lvsh(dir, "show plan")).out).toMatch(/No changes/);
  });

  it("an interface a director lacks is found when the plan is made, with a suggestion", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    const r = await lvsh(dir, "sync daemon on eth9 id 7; show plan");
    expect(r.rendered).toMatch(/192\.0\.2\.251 has no interface eth9 \(it has lo, eth0, tunl0\): keepalived's file names it for the connection sync daemon/);
    expect(r.rendered).toMatch(/eth0/);
  });

  it("a file naming an interface a director lacks: the commit stops before anything changed, the files stay", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).rendered).not.toMatch(/error/);
    const before = [host(dir, "netns-d1"), host(dir, "netns-d2")];
    const bad = await lvsh(dir, "use vip 192.0.2.10; director pair .251 .252 priority 150 100 vrid 51 interface eth9; commit force");
    // found when the plan is made (the interfaces read); keepalived -t on the director is the second net (test/plan, test/e2e)
    expect(bad.rendered).toMatch(/commit stopped before/);
    expect(bad.rendered).toMatch(/has no interface eth9/);
    expect([host(dir, "netns-d1"), host(dir, "netns-d2")]).toEqual(before);
  });

  it("`clear; commit`: keepalived stops on both directors first (its table and VIP go), then the real servers are taken apart", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    const plan = await lvsh(dir, "clear; show plan");
    const lines = plan.out.split("\n");
    const stop = lines.findIndex((l) => /stop keepalived and move/.test(l));
    const unbind = lines.findIndex((l) => /remove address 192\.0\.2\.10\/32 on eth0/.test(l));
    expect(stop).toBeGreaterThan(-1);
    expect(unbind).toBeGreaterThan(stop);
    expect(plan.out).not.toMatch(/not applied by lvsh/);
    expect((await lvsh(dir, "clear; commit force")).ok).toBe(true);
    for (const m of ["netns-d1", "netns-d2"]) {
      const h = host(dir, m);
      expect(h.keepalived ?? []).toEqual([]);
      expect(h.ipvs).toEqual([]);
      expect(h.addrs.map((a) => a.addr)).not.toContain("192.0.2.10");
    }
  });

  it("`engine lvsh`: keepalived stops on the pair before lvsh's director binds the VIP (never two holders); a single director's table is rebuilt by lvsh", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    const plan = await lvsh(dir, "engine lvsh; sync daemon off; show plan");
    const lines = plan.out.split("\n");
    const stops = lines.flatMap((l, i) => (/stop keepalived/.test(l) ? [i] : []));
    expect(stops).toHaveLength(2);
    const bind = lines.findIndex((l) => /add address 192\.0\.2\.10\/32 on eth0/.test(l));
    expect(bind).toBeGreaterThan(Math.max(...stops));
    // one director: keepalived's table goes with it, lvsh adds the service again
    const one = freshStateDir();
    const single = "vip 192.0.2.10 on eth0\nengine keepalived\nservice :80 rr\nadd rs .2 .3 dr\ncheck http /\ncommit force";
    expect((await lvsh(one, single)).ok).toBe(true);
    expect(host(one, "director").ipvs).toHaveLength(1);
    const back = await lvsh(one, "engine lvsh; commit force");
    expect(back.ok, back.rendered).toBe(true);
    expect(host(one, "director").keepalived ?? []).toEqual([]);
    expect(host(one, "director").ipvs[0]!.dests).toHaveLength(2);
  });

  it("a new config path: keepalived at the old one is stopped first (never two), and rollback goes back the same way", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    const moved = await lvsh(dir, "engine keepalived config /opt/k/keepalived.conf; commit force");
    expect(moved.ok, moved.rendered).toBe(true);
    for (const m of ["netns-d1", "netns-d2"]) expect(host(dir, m).keepalived).toEqual(["/opt/k/keepalived.conf"]);
    expect((await lvsh(dir, "show plan")).out).toMatch(/No changes/);
    const back = await lvsh(dir, "rollback 1; commit force");
    expect(back.ok, back.rendered).toBe(true);
    for (const m of ["netns-d1", "netns-d2"]) expect(host(dir, m).keepalived).toEqual([CONF]);
  });

  it("save leaves the directors to keepalived (its own file and unit) and saves the real servers", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).rendered).not.toMatch(/error/);
    const saved = await lvsh(dir, "save");
    expect(saved.out).toMatch(/keepalived restores them at boot from \/etc\/keepalived\/keepalived\.conf/);
    const other = freshStateDir();
    expect((await lvsh(other, SEED.replace("engine keepalived", "engine keepalived config /opt/k/keepalived.conf"))).ok).toBe(true);
    expect((await lvsh(other, "save")).out).toMatch(/the commit installed \/opt\/k\/keepalived\.conf, which keepalived's unit does not read/);
    expect(saved.out).not.toMatch(/lvsh-restore\.service/);
    expect(saved.out).toMatch(/192\.0\.2\.2:\/etc\/lvsh\/arptables\.rules/);
  });

  it("a director's file edited by hand is drift that says what putting it back does", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    new SimExecutor("netns-d2", join(dir, "sim", "hosts"), "netns-d2").update((h) => void (h.files![CONF] += "# edited by hand\n"));
    const opened = await simSession(dir);
    const r = { rendered: opened.session.render(opened.opened) };
    await opened.session.close();
    expect(r.rendered).toMatch(/differs from revision 1 in 1 place \(changed outside lvsh\); putting it back would:\n\s+192\.0\.2\.252: rewrite keepalived configuration \/etc\/keepalived\/keepalived\.conf and reload keepalived/);
  });

  it("a keepalived that stopped is started by the next commit", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).rendered).not.toMatch(/error/);
    new SimExecutor("netns-d2", join(dir, "sim", "hosts"), "netns-d2").update((h) => void (h.keepalived = []));
    const plan = await lvsh(dir, "show plan");
    expect(plan.out).toMatch(/start keepalived with \/etc\/keepalived\/keepalived\.conf/);
    expect((await lvsh(dir, "commit force")).rendered).not.toMatch(/error/);
    expect(host(dir, "netns-d2").keepalived).toEqual([CONF]);
  });
});

describe("engine keepalived: faults and kills (simulated hosts)", () => {
  // the hosts' state, but the previous files lvsh keeps beside keepalived's (PATH.lvsh-prev: a backup, not state)
  const sortDeep = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortDeep).map((x) => JSON.stringify(x)).sort();
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => !k.endsWith(".lvsh-prev")).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortDeep(x)]));
    return v;
  };
  const kernel = (dir: string) => {
    const out: Record<string, unknown> = {};
    for (const [f, h] of Object.entries(simKernel(dir))) {
      const { files, ...rest } = sortDeep(h) as Record<string, unknown>;
      const empty = !files || Object.keys(files).length === 0;
      if (empty && JSON.stringify(rest) === JSON.stringify(sortDeep(newSimHost((h as { name: string }).name)))) continue;
      out[f] = { ...rest, ...(empty ? {} : { files }) };
    }
    return out;
  };
  // a readiness check's failure under `commit force` is a warning: the commit goes on
  const readySteps = async (dir: string, src: string) => {
    const plan = await lvsh(dir, src.replace(/commit force$/, "show plan json"));
    const json = JSON.parse(plan.out.slice(plan.out.indexOf("{"))) as { steps: { id: number; ready?: unknown }[] };
    return { n: json.steps.length, ready: new Set(json.steps.filter((s) => s.ready).map((s) => s.id)) };
  };
  const ADD = "use vip 192.0.2.10; use service :80; add rs .4 dr; commit force";

  it.each([1, 2, 3, 4, 5, 7, 8, 9, 11, 12])("the first commit fails at step %i (6 and 10: readiness checks): every host ends as it began", async (k) => {
    expect((await readySteps(freshStateDir(), SEED)).ready).toEqual(new Set([6, 10]));
    const dir = freshStateDir();
    const before = kernel(dir);
    const r = await lvsh(dir, SEED, { inject: `fail:${k}` });
    expect(r.ok).toBe(false);
    expect(r.rendered).toMatch(new RegExp(`commit failed at step ${k} `));
    expect(kernel(dir)).toEqual(before);
  });

  it("a change fails at each of its steps: both directors keep their files and keepalived", async () => {
    const seeded = freshStateDir();
    expect((await lvsh(seeded, SEED)).ok).toBe(true);
    const { n, ready } = await readySteps(seeded, ADD);
    expect(n).toBeGreaterThanOrEqual(6);
    for (let k = 1; k <= n; k++) {
      if (ready.has(k)) continue;
      const dir = freshStateDir();
      expect((await lvsh(dir, SEED)).ok).toBe(true);
      const before = kernel(dir);
      const r = await lvsh(dir, ADD, { inject: `fail:${k}` });
      expect(r.ok, `k=${k}`).toBe(false);
      expect(kernel(dir), `k=${k}`).toEqual(before);
    }
  });
});

describe("engine keepalived: lvsh killed in a commit, then `lvsh recover` (simulated hosts)", () => {
  const LVSH = resolve("dist/lvsh");
  const cli = (dir: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(LVSH, ["--sim", ...args], { encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: dir, NO_COLOR: "1", ...env } });
  const files = (dir: string) =>
    ["netns-d1", "netns-d2"].map((m) => {
      const h = new SimExecutor(m, join(dir, "sim", "hosts"), m).load();
      return { running: h.keepalived ?? [], text: h.files?.[CONF] ?? null, table: h.ipvs.flatMap((s) => s.dests.map((d) => d.addr)).sort() };
    });

  it.each([1, 2, 5, 6, 7, 8])("killed at step %i of a change: recover puts both directors' files and keepalived back", (k) => {
    const dir = freshStateDir();
    const seeded = cli(dir, ["-y", "-c", SEED]);
    expect(seeded.status, seeded.stderr).toBe(0);
    const before = files(dir);
    const killed = cli(dir, ["-y", "-c", "use vip 192.0.2.10; use service :80; add rs .4 dr; host .4 via netns rs4; commit force"], { LVSH_TEST_INJECT: `kill:${k}` });
    expect(killed.signal).toBe("SIGKILL");
    const r = cli(dir, ["recover"]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(files(dir)).toEqual(before);
  });

  it.each([11, 12])("killed at step %i of the first commit (the directors' installs): recover stops keepalived and takes the files away", (k) => {
    const dir = freshStateDir();
    const killed = cli(dir, ["-y", "-c", SEED], { LVSH_TEST_INJECT: `kill:${k}` });
    expect(killed.signal).toBe("SIGKILL");
    const r = cli(dir, ["recover"]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(files(dir)).toEqual([
      { running: [], text: null, table: [] },
      { running: [], text: null, table: [] },
    ]);
  });
});
