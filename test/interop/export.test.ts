/**
 * `lvsh export --format ipvsadm|arptables|sh|json`: of the last committed
 * revision (default) or of a script; one document to stdout or a file,
 * several into a directory. The arptables files and the real servers'
 * shell scripts are also run for real in a network namespace (root only).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../src/model/index.js";
import { makePlan } from "../../src/plan/index.js";
import { shellJoin } from "../../src/util/index.js";
import { parseArptablesSave } from "../../src/state/index.js";
import { sim } from "../helpers/cli.js";
import { load, SEED } from "../helpers/load.js";
import { NetnsLab, netnsUnavailable } from "../helpers/netns.js";
import { freshStateDir } from "../helpers/sim.js";

const tmp = () => mkdtempSync(join(tmpdir(), "lvsh-exp-"));

/** A simulated target with the seed committed. */
function seeded(extra = ""): string {
  const state = freshStateDir();
  const r = sim(state, ["-y", "-c", `${SEED}${extra}; commit`]);
  expect(r.code, r.err).toBe(0);
  return state;
}

describe("export --format ipvsadm", () => {
  it("of the committed revision is what ipvsadm -R loads", () => {
    const r = sim(seeded(), ["export", "--format", "ipvsadm"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe("-A -t 172.25.254.10:80 -s rr\n-a -t 172.25.254.10:80 -r 172.25.254.2:80 -g -w 1\n-a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 1\n");
  });

  it("of a script, to a file", () => {
    const dir = tmp();
    writeFileSync(join(dir, "s.lvsh"), "vip 192.0.2.10\nservice udp :53 rr\nadd rs .2 nat max 10\n");
    const r = sim(freshStateDir(), ["export", "--format", "ipvsadm", "--to", join(dir, "out.rules"), "s.lvsh"], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, "out.rules"), "utf8")).toBe("-A -u 192.0.2.10:53 -s rr\n-a -u 192.0.2.10:53 -r 192.0.2.2:53 -m -w 1 -x 10\n");
  });

  it("writes --tun-type only for a tunnel that is not the default ipip (ipvsadm before 1.30 refuses the option), in export and save alike", () => {
    const dir = tmp();
    writeFileSync(join(dir, "t.lvsh"), "vip 192.0.2.10\nservice :80 rr\nadd rs .2 tun\nadd rs .3 tun type gue port 6080\n");
    const r = sim(freshStateDir(), ["export", "--format", "ipvsadm", "t.lvsh"], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(
      "-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.10:80 -r 192.0.2.2:80 -i -w 1\n-a -t 192.0.2.10:80 -r 192.0.2.3:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n",
    );
    const state = freshStateDir();
    expect(sim(state, ["-y", "-c", `load ${join(dir, "t.lvsh")}; commit`]).code).toBe(0);
    const file = join(dir, "saved.rules");
    const s = sim(state, ["save", "--format", "ipvsadm", "--to", file]);
    expect(s.code, s.err).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(r.out);
  });

  it("fails with nothing committed, on a script with errors, and on a file it cannot read", () => {
    const none = sim(freshStateDir(), ["export"]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("nothing has been committed on this target");
    const dir = tmp();
    writeFileSync(join(dir, "bad.lvsh"), "vip 192.0.2.10\nservice :80 rrr\n");
    const bad = sim(freshStateDir(), ["export", join(dir, "bad.lvsh")]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("bad.lvsh:2:13: error: unknown scheduler `rrr`");
    expect(bad.out).toBe("");
    expect(sim(freshStateDir(), ["export", "/nonexistent/x.lvsh"]).code).toBe(2);
    expect(sim(freshStateDir(), ["export", "--format", "yaml"]).code).toBe(2);
  });
});

describe("export --format arptables", () => {
  it("writes per real server what arptables-restore loads", () => {
    const dir = tmp();
    const r = sim(seeded(), ["export", "--format", "arptables", "--to", dir]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["arptables-172.25.254.2.rules", "arptables-172.25.254.3.rules"]);
    const text = readFileSync(join(dir, "arptables-172.25.254.2.rules"), "utf8");
    expect(text.split("\n").slice(1).join("\n")).toBe(
      "*filter\n:INPUT ACCEPT\n:OUTPUT ACCEPT\n-A INPUT -j DROP -d 172.25.254.10\n-A OUTPUT -j mangle -s 172.25.254.10 --mangle-ip-s 172.25.254.2\n",
    );
  });

  it("prints several documents one after the other, and says when a real server hides by sysctl", () => {
    const r = sim(seeded(), ["export", "--format", "arptables"]);
    expect(r.out).toMatch(/^# ==> arptables-172\.25\.254\.2\.rules <==\n# ARP rules/);
    expect(r.out).toContain("\n# ==> arptables-172.25.254.3.rules <==\n");
    const s = sim(seeded("; arp hide on rs via sysctl"), ["export", "--format", "arptables"]);
    expect(s.code).toBe(0);
    expect(s.out).toBe("");
    expect(s.err).toContain("172.25.254.2 hides the VIP with sysctls, not arptables rules");
  });
});

describe("export --format sh", () => {
  const dir = tmp();
  const r = sim(seeded(), ["export", "--format", "sh", "--to", dir]);

  it("writes a script and its undo per host, in the plan's order", () => {
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["172.25.254.2.sh", "172.25.254.2.undo.sh", "172.25.254.3.sh", "172.25.254.3.undo.sh", "director.sh", "director.undo.sh"]);
    const d = readFileSync(join(dir, "director.sh"), "utf8");
    expect(d).toMatch(/^#!\/bin\/sh\n(# .*\n)+set -e\n/);
    expect(d).toContain("# Run the scripts in this order: 172.25.254.2.sh, 172.25.254.3.sh, director.sh.");
    expect(d).toContain("# 9. add service tcp 172.25.254.10:80 rr\nipvsadm -A -t 172.25.254.10:80 -s rr\n");
  });

  it("quotes every argument with shellJoin, and passes sh -n", () => {
    const plan = makePlan({ hosts: {} }, compile(load(SEED).config));
    const text = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
    for (const s of plan.steps) {
      expect(text).toContain(`\n${shellJoin(s.argv)}\n`);
      expect(text).toContain(`\n${shellJoin(s.undo!)}\n`);
    }
    for (const f of readdirSync(dir)) expect(spawnSync("sh", ["-n", join(dir, f)]).status, f).toBe(0);
  });

  it("undoes in reverse order", () => {
    const u = readFileSync(join(dir, "172.25.254.2.undo.sh"), "utf8");
    expect(u.indexOf("ip addr del 172.25.254.10/32 dev eth0")).toBeLessThan(u.indexOf("arptables -D INPUT -d 172.25.254.10 -j DROP"));
  });
});

describe("export --format json", () => {
  it("is the model, without source positions", () => {
    const r = sim(seeded("; check http / expect 200"), ["export", "--format", "json"]);
    const j = JSON.parse(r.out) as { vips: { addr: string; arpHide: unknown }[]; services: { key: string; check: unknown; reals: { key: string }[] }[] };
    expect(j.vips[0]).toMatchObject({ addr: "172.25.254.10", iface: "eth0", arpHide: { via: "arptables", dev: "eth0" } });
    expect(j.services[0]).toMatchObject({ key: "tcp 172.25.254.10:80", scheduler: "rr", check: { kind: "http", path: "/", expect: "200" } });
    expect(j.services[0]!.reals.map((x) => x.key)).toEqual(["172.25.254.2:80", "172.25.254.3:80"]);
    expect(r.out).not.toContain('"span"');
    expect(Object.keys(j)).toEqual(["vips", "services", "hosts"]);
  });

  it("has the engine and the sync daemon when they are set", () => {
    const f = join(tmp(), "ha.lvsh");
    writeFileSync(f, "engine keepalived config /etc/k.conf; vip 192.0.2.10 on eth0; service :80 rr; add rs .2 nat; director pair .251 .252; sync daemon on eth1 id 4\n");
    const r = sim(freshStateDir(), ["export", "--format", "json", f]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ engine: { kind: "keepalived", path: "/etc/k.conf" }, sync: { iface: "eth1", id: 4 } });
    expect(r.out).not.toContain('"span"');
  });
});

const noLab = netnsUnavailable(["arptables-nft", "arptables-nft-restore"]);

describe.skipIf(noLab)(`the exported files, run for real in a namespace${noLab ? ` (skipped: ${noLab})` : ""}`, () => {
  const lab = new NetnsLab(`lvx${process.pid % 100000}`);
  afterAll(() => {
    lab.destroy();
    expect(lab.leftovers()).toEqual([]);
  });

  it("arptables-nft-restore loads the arptables file; the real server's sh script and its undo work", () => {
    lab.create([{ name: "rs", cidr: "172.25.254.2/24" }]);
    const dir = tmp();
    const state = seeded();
    expect(sim(state, ["export", "--format", "arptables", "--to", dir]).code).toBe(0);
    const rules = readFileSync(join(dir, "arptables-172.25.254.2.rules"), "utf8");
    expect(lab.exec("rs", ["arptables-nft-restore"], rules).code).toBe(0);
    expect(parseArptablesSave(lab.exec("rs", ["arptables-nft-save"]).out).rules).toEqual(parseArptablesSave(rules).rules);
    lab.exec("rs", ["arptables-nft", "-F"]);
    const sh = tmp();
    expect(sim(state, ["export", "--format", "sh", "--to", sh]).code).toBe(0);
    // the script calls `arptables`: make it the nft build inside the namespace's PATH
    const bin = tmp();
    spawnSync("ln", ["-s", "/usr/sbin/arptables-nft", join(bin, "arptables")]);
    spawnSync("ln", ["-s", "/usr/sbin/arptables-nft-save", join(bin, "arptables-save")]);
    const env = ["env", `PATH=${bin}:${process.env.PATH}`];
    // the script ends with the real server's readiness check: nothing listens on :80 yet
    const early = lab.exec("rs", [...env, "sh", join(sh, "172.25.254.2.sh")]);
    expect(early.code).toBe(1);
    expect(early.err).toContain("172.25.254.2 is not ready: nothing listens on tcp 172.25.254.10:80");
    lab.exec("rs", [...env, "sh", join(sh, "172.25.254.2.undo.sh")]);
    lab.listen("rs", 80);
    const up = lab.exec("rs", [...env, "sh", join(sh, "172.25.254.2.sh")]);
    expect(up.code, up.err).toBe(0);
    expect(lab.addrs("rs")).toContain("172.25.254.10/32 dev eth0");
    expect(parseArptablesSave(lab.exec("rs", ["arptables-nft-save"]).out).rules).toHaveLength(2);
    const down = lab.exec("rs", [...env, "sh", join(sh, "172.25.254.2.undo.sh")]);
    expect(down.code, down.err).toBe(0);
    expect(lab.addrs("rs")).not.toContain("172.25.254.10/32 dev eth0");
    expect(parseArptablesSave(lab.exec("rs", ["arptables-nft-save"]).out).rules).toEqual([]);
  });
});
