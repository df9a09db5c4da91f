/**
 * Transactions as a user meets them, through the built lvsh on the
 * simulated target: lvsh killed mid-commit then `lvsh recover`; a confirmed
 * commit reverted after its lvsh is gone; two commits at once.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freshStateDir, simKernel } from "../helpers/sim.js";

const LVSH = resolve("dist/lvsh");
const A = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs";
const B = "use service 172.25.254.10:80; set rs .2 weight 3; del rs .3; add rs .4 .5; service :443 wlc persistent; add rs .2 .4";

function lvsh(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(LVSH, ["--sim", ...args], { encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: dir, ...env } });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(100);
  }
  return pred();
}

describe("lvsh killed mid-commit, then lvsh recover", () => {
  const plan = (() => {
    const dir = freshStateDir();
    lvsh(dir, ["-y", "-c", `${A}; commit`]);
    return JSON.parse(lvsh(dir, ["--dry-run", "--json", "-c", B]).out) as { steps: unknown[] };
  })();
  const n = plan.steps.length;
  // the first, the last, and one at random (printed, so a failure can be replayed)
  const random = 2 + Math.floor(Math.random() * (n - 2));
  // and step 7: a readiness check after another on the same host, in one round trip (the fault
  // injector took the first check's reads, whose failure is data, for a failed step: no kill)
  it.each([...new Set([1, 7, random, n])])(`SIGKILL before step %i of ${n}: recover brings back the state before`, (k) => {
    const dir = freshStateDir();
    expect(lvsh(dir, ["-y", "-c", `${A}; commit`]).code).toBe(0);
    const before = simKernel(dir);
    const killed = lvsh(dir, ["-y", "-c", `${B}; commit`], { LVSH_TEST_INJECT: `kill:${k}` });
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(dir, "sim", "journal.json"))).toBe(true);
    // a new commit refuses to start over an interrupted one
    const refused = lvsh(dir, ["-y", "-c", `${A}; commit`]);
    expect(refused.err).toContain("a commit was interrupted: run `lvsh recover` first");
    const rec = lvsh(dir, ["recover"]);
    expect(rec.code, rec.err).toBe(0);
    expect(rec.out).toMatch(/^recovered the interrupted commit/);
    expect(simKernel(dir)).toEqual(before);
    expect(existsSync(join(dir, "sim", "journal.json"))).toBe(false);
    expect(lvsh(dir, ["recover"]).out).toBe("nothing to recover: no commit was interrupted\n");
    expect(lvsh(dir, ["-y", "-c", `${B}; commit`]).code).toBe(0);
  });
});

describe("commit confirmed", () => {
  it("is reverted in time once its lvsh is gone (killed, with its process group)", async () => {
    const dir = freshStateDir();
    expect(lvsh(dir, ["-y", "-c", `${A}; commit`]).code).toBe(0);
    const before = simKernel(dir);
    const child = spawn(LVSH, ["--sim", "-y", "-c", `${B}; commit confirmed 2s`], {
      env: { ...process.env, LVSH_STATE_DIR: dir },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    expect(await until(() => out.includes("commit confirmed: revision 2 is rolled back at"), 10000)).toBe(true);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* it may have exited already */
    }
    expect(simKernel(dir)).not.toEqual(before);
    expect(await until(() => JSON.stringify(simKernel(dir)) === JSON.stringify(before), 8000)).toBe(true);
    const history = lvsh(dir, ["show", "history"]).out;
    expect(history).toMatch(/\n│ 3 +│ [^│]+│ [^│]+│ automatic rollback: revision 2 was not confirmed in time/);
    expect(existsSync(join(dir, "sim", "confirm.json"))).toBe(false);
  });

  it("stays when confirmed in time; `confirm` with nothing pending says so", async () => {
    const dir = freshStateDir();
    expect(lvsh(dir, ["-y", "-c", `${A}; commit confirmed 2s`]).code).toBe(0);
    const committed = simKernel(dir);
    const c = lvsh(dir, ["-c", "confirm"]);
    expect(c.out).toBe("commit 1 confirmed: it stays.\n");
    await sleep(3000);
    expect(simKernel(dir)).toEqual(committed);
    expect(lvsh(dir, ["-c", "confirm"]).err).toContain("warning: no commit is waiting for confirmation"); // nothing-pending
  });

  it("is extended by another commit confirmed, and a plain commit confirms it", async () => {
    const dir = freshStateDir();
    expect(lvsh(dir, ["-y", "-c", `${A}; commit confirmed 2s`]).code).toBe(0);
    expect(lvsh(dir, ["-y", "-c", `${B}; commit confirmed 4s`]).code).toBe(0);
    const second = simKernel(dir);
    await sleep(2500);
    expect(simKernel(dir)).toEqual(second);
    expect(lvsh(dir, ["-y", "-c", "commit"]).out).toContain("confirmed: it stays");
    await sleep(2500);
    expect(simKernel(dir)).toEqual(second);
  });
});

describe("two commits at once", () => {
  it("the second waits for the first, then re-bases on its revision", async () => {
    const dir = freshStateDir();
    const first = spawn(LVSH, ["--sim", "-y", "-c", `${A}; commit`], {
      env: { ...process.env, LVSH_STATE_DIR: dir, LVSH_TEST_INJECT: "pause:1:1500" },
      stdio: "ignore",
    });
    await until(() => existsSync(join(dir, "sim", "lock")), 5000);
    const second = lvsh(dir, ["-y", "-c", `${A}; service :443 rr; add rs .4; commit`]);
    expect(second.out).toMatch(new RegExp(`waiting for the other lvsh to finish: pid ${first.pid} on .+, commit since `));
    expect(second.err).toMatch(/info: re-based your edits on revision 1 \(/);
    expect(second.code, second.err).toBe(0);
    expect(await new Promise((r) => first.on("exit", r))).toBe(0);
    expect(lvsh(dir, ["show", "history"]).out.split("\n").filter((l) => /^│ \d+ /.test(l))).toHaveLength(2);
    expect(lvsh(dir, ["show", "candidate"]).out).toContain("service :443");
  });

  it("refuses the second when both made the same thing differently, naming the first's revision", async () => {
    const dir = freshStateDir();
    const first = spawn(LVSH, ["--sim", "-y", "-c", `${A}; commit comment first`], {
      env: { ...process.env, LVSH_STATE_DIR: dir, LVSH_TEST_INJECT: "pause:1:1500" },
      stdio: "ignore",
    });
    await until(() => existsSync(join(dir, "sim", "lock")), 5000);
    const second = lvsh(dir, ["-y", "-c", `${A}; set rs .3 weight 7; commit`]);
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/not committed: revision 1 \(.+, "first"\) was committed since this session started/);
    expect(second.err).toContain("real server 172.25.254.3:80 of service tcp 172.25.254.10:80: revision 1");
    expect(await new Promise((r) => first.on("exit", r))).toBe(0);
    expect(lvsh(dir, ["show", "history"]).out.split("\n").filter((l) => /^│ \d+ /.test(l))).toHaveLength(1);
  });

  it("gives up after LVSH_LOCK_WAIT seconds, naming the first", async () => {
    const dir = freshStateDir();
    const first = spawn(LVSH, ["--sim", "-y", "-c", `${A}; commit`], {
      env: { ...process.env, LVSH_STATE_DIR: dir, LVSH_TEST_INJECT: "pause:1:3000" },
      stdio: "ignore",
    });
    await until(() => existsSync(join(dir, "sim", "lock")), 5000);
    const second = lvsh(dir, ["-y", "-c", `${A}; commit`], { LVSH_LOCK_WAIT: "0.5" });
    expect(second.code).toBe(1);
    expect(second.err).toMatch(new RegExp(`another lvsh is committing: pid ${first.pid} on .+, commit since `));
    const code = await new Promise((r) => first.on("exit", r));
    expect(code).toBe(0);
    expect(lvsh(dir, ["show", "history"]).out.split("\n").filter((l) => /^│ \d+ /.test(l))).toHaveLength(1);
  });
});
