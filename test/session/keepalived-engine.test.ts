/**
 * `engine keepalived` through the session, on simulated hosts: a commit
 * writes each director's keepalived.conf (checked, installed, keepalived
 * started), `show rs` reads keepalived's table and says `down (check)` for a
 * real server its check took out, `doctor` says it too, a change reaches
 * both directors and `rollback` takes both back, and a file keepalived -t
 * rejects is never installed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SimExecutor } from "../../src/sim/index.js";
import { freshStateDir, lvsh } from "../helpers/sim.js";

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

  it("a file keepalived -t rejects on a director: the commit fails before anything changed, the files stay", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).rendered).not.toMatch(/error/);
    const before = [host(dir, "netns-d1"), host(dir, "netns-d2")];
    const bad = await lvsh(dir, "use vip 192.0.2.10; director pair .251 .252 priority 150 100 vrid 51 interface eth9; commit force");
    expect(bad.rendered).toMatch(/commit failed at step 1 on 192\.0\.2\.251: `lvsh's keepalived check of \/etc\/keepalived\/keepalived\.conf`: keepalived -t rejects/);
    expect([host(dir, "netns-d1"), host(dir, "netns-d2")]).toEqual(before);
  });

  it("save leaves the directors to keepalived (its own file and unit) and saves the real servers", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).rendered).not.toMatch(/error/);
    const saved = await lvsh(dir, "save");
    expect(saved.out).toMatch(/keepalived restores them at boot from \/etc\/keepalived\/keepalived\.conf/);
    expect(saved.out).not.toMatch(/lvsh-restore\.service/);
    expect(saved.out).toMatch(/192\.0\.2\.2:\/etc\/lvsh\/arptables\.rules/);
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
