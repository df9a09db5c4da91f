/**
 * The `revisions` setting: a commit keeps the last N revisions and removes
 * older ones (a 10,000-real-server revision is 1.3 MB; VyOS's
 * commit-revisions, Junos's 50 rollbacks). Without it every revision stays.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readSettings } from "../../src/txn/index.js";
import { freshStateDir } from "../helpers/sim.js";

const LVSH = resolve("dist/lvsh");
const cli = (dir: string, args: string[]) => spawnSync(LVSH, ["--sim", ...args], { encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: dir, NO_COLOR: "1" } });
const files = (dir: string) => readdirSync(join(dir, "sim", "revisions")).sort();
const commit = (dir: string, n: number) => {
  const r = cli(dir, ["-y", "-c", `vip 172.25.254.10 on eth0; service :80 rr; add rs .2 dr weight ${n}; arp hide on rs; commit comment c${n}`]);
  expect(r.status, r.stderr).toBe(0);
};

describe("the revisions setting", () => {
  it("keeps every revision when not set", () => {
    const dir = freshStateDir();
    for (let i = 1; i <= 4; i++) commit(dir, i);
    expect(files(dir)).toEqual(["000001.json", "000002.json", "000003.json", "000004.json"]);
  });

  it("keeps the last N: older ones go with each commit; the chain still holds; a removed one is said as such", () => {
    const dir = freshStateDir();
    writeFileSync(join(dir, "settings"), "revisions = 3\n");
    for (let i = 1; i <= 5; i++) commit(dir, i);
    expect(files(dir)).toEqual(["000003.json", "000004.json", "000005.json"]);
    const h = cli(dir, ["-c", "show history"]);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/c5/);
    expect(h.stdout).not.toMatch(/c2/);
    // the oldest kept has no predecessor to follow: commits and rollbacks go on
    const back = cli(dir, ["-y", "-c", "rollback 3; commit"]);
    expect(back.status, back.stderr).toBe(0);
    expect(files(dir)).toEqual(["000004.json", "000005.json", "000006.json"]);
    const gone = cli(dir, ["-y", "-c", "rollback 2"]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/there is no revision 2/);
    expect(gone.stderr).toMatch(/revisions are 4\.\.6; lvsh keeps the last 3 \(the state directory's settings: revisions = 3\)/);
    expect(cli(dir, ["-c", "show diff 1"]).stderr).toMatch(/lvsh keeps the last 3/);
  });

  it("with 2, commit confirmed still goes back to the revision before", async () => {
    const dir = freshStateDir();
    writeFileSync(join(dir, "settings"), "revisions = 2\n");
    commit(dir, 1);
    commit(dir, 2);
    const r = cli(dir, ["-y", "-c", "service 172.25.254.10:80; set rs .2 weight 9; commit confirmed 1s"]);
    expect(r.status, r.stderr).toBe(0);
    expect(files(dir)).toEqual(["000002.json", "000003.json"]);
    // the timer reverts to revision 2, as a new revision
    for (let t = 0; t < 150 && files(dir).includes("000002.json"); t++) await new Promise((done) => setTimeout(done, 100));
    const h = cli(dir, ["-c", "show candidate"]);
    expect(h.stdout).toMatch(/add rs \.2 dr weight 2/);
    expect(files(dir)).toEqual(["000003.json", "000004.json"]);
  });

  it("is read from the settings file, located when wrong; a damaged file stops a commit before any step", () => {
    const dir = freshStateDir();
    const file = join(dir, "settings");
    writeFileSync(file, "parallel = 4\nrevisions = 50 # as Junos\n");
    expect(readSettings(file)).toEqual({ parallel: 4, revisions: 50 });
    writeFileSync(file, "revisions = 1\n");
    expect(() => readSettings(file)).toThrow(/line 1: revisions: 1 is out of range \(2 to 1000000\)/);
    writeFileSync(file, "revisions = all\n");
    expect(() => readSettings(file)).toThrow(/line 1: revisions: `all` is not a whole number of revisions/);
    const r = cli(dir, ["-y", "--parallel", "2", "-c", "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 dr; commit"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/settings: line 1: revisions/);
    expect(readdirSync(join(dir, "sim")).includes("revisions") ? files(dir) : []).toEqual([]);
  });

  describe("adversarial pass 2", () => {
    it("a long-running shell reads the settings at each commit: a lower N prunes at once, a damaged file stops that commit", () => {
      const dir = freshStateDir();
      commit(dir, 1);
      const script = [
        "service 172.25.254.10:80",
        ...[2, 3, 4].flatMap((w) => [`set rs .2 weight ${w}`, "commit"]),
        `!settings revisions = 2`,
        "set rs .2 weight 5",
        "commit",
        `!settings revisions = garbage`,
        "set rs .2 weight 6",
        "commit",
      ];
      // the shell reads its lines one by one: the settings file changes between two of them
      const r = spawnSync(
        "bash",
        [
          "-c",
          `{ ${script.map((l) => (l.startsWith("!settings ") ? `sleep 1; printf '%s\\n' '${l.slice(10)}' > "${join(dir, "settings")}"; sleep 0.2;` : `echo '${l}'; sleep 0.3;`)).join(" ")} } | "${LVSH}" --sim --yes`,
        ],
        { encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: dir, NO_COLOR: "1" } },
      );
      expect(r.stderr).toMatch(/settings: line 1: revisions: `garbage` is not a whole number/);
      // revision 5 (weight 5) pruned to the last 2; the commit under the damaged file did nothing
      expect(files(dir)).toEqual(["000004.json", "000005.json"]);
    });

    it("a shell does not roll back to a revision another lvsh has pruned since; the hint shows gaps", () => {
      const dir = freshStateDir();
      writeFileSync(join(dir, "settings"), "revisions = 2\n");
      commit(dir, 1);
      commit(dir, 2);
      const r = spawnSync(
        "bash",
        ["-c", `{ echo 'show diff 1 2'; sleep 3; echo 'rollback 1'; } | "${LVSH}" --sim --yes & sleep 1; for i in 3 4 5; do "${LVSH}" --sim -y -c "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 dr weight $i; arp hide on rs; commit" >/dev/null; done; wait`],
        { encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: dir, NO_COLOR: "1" } },
      );
      expect(r.stderr).toMatch(/there is no revision 1/);
      expect(r.stdout).not.toMatch(/revision 1 is now the candidate/);
      // a gap left by hand
      const gap = freshStateDir();
      for (let i = 1; i <= 4; i++) commit(gap, i);
      rmSync(join(gap, "sim", "revisions", "000002.json"));
      expect(cli(gap, ["-c", "rollback 2"]).stderr).toMatch(/revisions are 1, 3\.\.4; `show history` lists them/);
    });

    it("a setting given twice is a located error", () => {
      const dir = freshStateDir();
      const file = join(dir, "settings");
      writeFileSync(file, "revisions = 3\nrevisions = 2\n");
      expect(() => readSettings(file)).toThrow(/line 2: revisions is set a second time/);
    });

    it("the commit-confirmed timer waits out a damaged settings file, then reverts", async () => {
      const dir = freshStateDir();
      commit(dir, 2);
      expect(cli(dir, ["-y", "-c", "service 172.25.254.10:80; set rs .2 weight 9; commit confirmed 1s"]).status).toBe(0);
      writeFileSync(join(dir, "settings"), "revisions = bad\n");
      await new Promise((done) => setTimeout(done, 3500));
      expect(files(dir)).toEqual(["000001.json", "000002.json"]);
      writeFileSync(join(dir, "settings"), "revisions = 5\n");
      for (let t = 0; t < 100 && files(dir).length < 3; t++) await new Promise((done) => setTimeout(done, 100));
      expect(files(dir)).toEqual(["000001.json", "000002.json", "000003.json"]);
      expect(cli(dir, ["-c", "show candidate"]).stdout).toMatch(/add rs \.2 dr weight 2/);
    });
  });
});

