/**
 * lvsh's keepalived commands (plan/keepalived.ts) on the real keepalived,
 * inside a network namespace (this kernel has no IPVS: a VRRP-only file;
 * the IPVS side is the lab's, test/kernel/ha.test.ts). Check, install and
 * reload, the wait and its restore, stop, read.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { netnsExecutor } from "../../src/exec/index.js";
import { batchScript } from "../../src/exec/index.js";
import { keepalivedArgv, parseKeepalivedRead } from "../../src/plan/index.js";
import { NetnsLab, netnsUnavailable, run } from "../helpers/netns.js";

const why = netnsUnavailable(["keepalived"]);

function vrrpOnly(vip: string, iface = "eth0"): string {
  return [
    "global_defs {",
    "    router_id lvsh_test",
    "}",
    "vrrp_instance lvsh_test {",
    "    state MASTER",
    `    interface ${iface}`,
    "    virtual_router_id 77",
    "    priority 150",
    "    advert_int 1",
    "    virtual_ipaddress {",
    `        ${vip}/32 dev ${iface}`,
    "    }",
    "}",
    "",
  ].join("\n");
}

describe.skipIf(why !== undefined)(`keepalived commands on a namespace${why ? ` (skipped: ${why})` : ""}`, () => {
  const lab = new NetnsLab(`lvsh${process.pid % 10000}k`);
  const dir = mkdtempSync(join(tmpdir(), "lvsh-ka-"));
  const path = join(dir, "keepalived.conf");
  const exec = () => netnsExecutor("d1", lab.ns("d1"));
  const op = (...args: Parameters<typeof keepalivedArgv>) => exec().run(keepalivedArgv(...args), { timeoutMs: 60_000 });
  const read = async () => {
    const r = await op("read", path);
    expect(r.exitCode).toBe(0);
    return parseKeepalivedRead(path, r.stdout);
  };
  const pid = () => Number(readFileSync(join(dir, "keepalived.pid"), "utf8"));
  const vips = () => lab.addrs("d1").map((a) => a.split(" ")[0]);

  beforeAll(() => lab.create([{ name: "d1", cidr: "192.0.2.251/24" }]));
  afterAll(() => {
    if (existsSync(join(dir, "keepalived.pid"))) run(["kill", String(pid())]);
    lab.destroy();
  });

  it("check: keepalived -t rejects a file naming an interface the director lacks; nothing is written", async () => {
    const r = await op("check", path, vrrpOnly("192.0.2.10", "eth9"));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/keepalived -t rejects the new configuration.*nothing was changed/s);
    expect(r.stderr).toMatch(/eth9/);
    expect(existsSync(path)).toBe(false);
    expect(await read()).toEqual({ path, running: false, text: null });
  });

  it("install: writes the file, starts keepalived (pid files beside it), waits until it holds the VIP", async () => {
    const text = vrrpOnly("192.0.2.10");
    const r = await op("install", path, text, "20", "", "192.0.2.10");
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(text);
    expect(await read()).toEqual({ path, running: true, text });
    expect(vips()).toContain("192.0.2.10/32");
  }, 60_000);

  it("read of another path in the same directory: that keepalived is not this file's (its -f names the other)", async () => {
    const r = await op("read", join(dir, "other.conf"));
    expect(r.exitCode).toBe(0);
    expect(parseKeepalivedRead(join(dir, "other.conf"), r.stdout)).toEqual({ path: join(dir, "other.conf"), running: false, text: null });
  });

  it("install again: the previous file kept, keepalived reloaded (same process), the new VIP held", async () => {
    const before = pid();
    const text = vrrpOnly("192.0.2.11");
    const r = await op("install", path, text, "20", "", "192.0.2.11");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(pid()).toBe(before);
    expect(readFileSync(`${path}.lvsh-prev`, "utf8")).toBe(vrrpOnly("192.0.2.10"));
    expect(vips()).toContain("192.0.2.11/32");
    expect(vips()).not.toContain("192.0.2.10/32");
  }, 60_000);

  it("install with restart (what a reload does not apply): a new keepalived process, the same file kept", async () => {
    const before = pid();
    const r = await op("install", path, vrrpOnly("192.0.2.11"), "20", "", "192.0.2.11", "restart");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(pid()).not.toBe(before);
    expect(vips()).toContain("192.0.2.11/32");
  }, 60_000);

  it("a file whose outcome does not come within the wait is taken back: the previous file, reloaded", async () => {
    // a service this kernel cannot have (no IPVS): the wait times out
    const r = await op("install", path, vrrpOnly("192.0.2.12"), "3", "-t 192.0.2.12:80 -s rr", "192.0.2.12");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/after 3 s keepalived has not built: service -t 192\.0\.2\.12:80 -s rr/);
    expect(r.stderr).toMatch(/put back as it was/);
    expect(await read()).toEqual({ path, running: true, text: vrrpOnly("192.0.2.11") });
    // the reload of the file put back gives the VIP back
    for (let i = 0; i < 100 && !vips().includes("192.0.2.11/32"); i++) await new Promise((ok) => setTimeout(ok, 100));
    expect(vips()).toContain("192.0.2.11/32");
  }, 60_000);

  // A kill of lvsh while keepalived's install waits for its outcome (adversarial F12): the install
  // must stop and leave its file to `lvsh recover`; putting the previous file back itself would race
  // recover. Each try has a directory of its own and a file that binds nothing (nothing to disturb).
  const quiet = (id: string) => `global_defs {\n    router_id lvsh_${id}\n}\n`;
  const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
  /** Whether a process has ended (a zombie has: nobody may reap it). */
  const ended = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").startsWith("Z");
    } catch {
      return true;
    }
  };
  const readPid = async (file: string) => {
    for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(50);
    return Number(readFileSync(file, "utf8"));
  };
  /**
   * Starts an install that waits 20 s for a VIP that never comes, in a
   * shell standing for lvsh (`wrap` puts it in a batch); kills that shell
   * with SIGKILL once the install waits; says how long the install (or its
   * batch) took to end after, and what it said.
   */
  async function killWhileWaiting(wrap: (argv: string[]) => string[], around: (argv: string[]) => string[] = (a) => a) {
    const d = mkdtempSync(join(tmpdir(), "lvsh-ka-kill-"));
    const p = join(d, "keepalived.conf");
    const started: ChildProcess[] = [];
    try {
      const stand = ["sh", "-c", 'pidf=$1; err=$2; shift 2; exec 2>"$err"; "$@" & echo $! >"$pidf"; wait', "sh", join(d, "child.pid"), join(d, "err"), ...wrap(keepalivedArgv("install", p, quiet("kill"), "20", "", "192.0.2.99"))];
      const outer = spawn("ip", ["netns", "exec", lab.ns("d1"), ...around(stand)], { stdio: "ignore" });
      started.push(outer);
      const child = await readPid(join(d, "child.pid"));
      // the install waits once keepalived runs with the new file
      for (let i = 0; i < 100 && !existsSync(join(d, "keepalived.pid")); i++) await sleep(100);
      await sleep(500);
      expect(ended(child)).toBe(false);
      // the shell standing for lvsh: the child's parent
      const lvsh = Number(readFileSync(`/proc/${child}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[1]);
      process.kill(lvsh, "SIGKILL");
      const t0 = Date.now();
      while (!ended(child) && Date.now() - t0 < 25_000) await sleep(100);
      return { ms: Date.now() - t0, err: readFileSync(join(d, "err"), "utf8"), file: existsSync(p) ? readFileSync(p, "utf8") : null, prev: existsSync(`${p}.lvsh-prev`) };
    } finally {
      // a subreaper first: keepalived's daemon, its child now, would stay a zombie that stop waits for
      for (const c of started) c.kill("SIGKILL");
      await op("stop", p, "keep");
    }
  }

  it("an install whose lvsh is killed while it waits stops at once and leaves the new file to lvsh recover", async () => {
    const r = await killWhileWaiting((argv) => argv);
    expect(r.err).toMatch(/lvsh went away: .*keepalived\.conf left for lvsh recover/);
    expect(r.ms).toBeLessThan(5_000);
    expect(r).toMatchObject({ file: quiet("kill"), prev: false });
  }, 60_000);

  it("the same in a batch: the batch shell lives on, its parent (lvsh, or ssh) went away", async () => {
    const r = await killWhileWaiting((argv) => ["sh", "-c", batchScript([argv], "f12")]);
    expect(r.err).toMatch(/lvsh went away: .*keepalived\.conf left for lvsh recover/);
    expect(r.ms).toBeLessThan(5_000);
    expect(r).toMatchObject({ file: quiet("kill"), prev: false });
  }, 60_000);

  it.skipIf(run(["sh", "-c", "command -v python3"]).code !== 0)("the same under a subreaper (systemd --user, a desktop's terminal): the orphan goes to it, not to init", async () => {
    // python3 marks itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER) and becomes a shell that outlives lvsh
    const reaper = (argv: string[]) => ["python3", "-c", "import ctypes, os, sys; ctypes.CDLL(None).prctl(36, 1, 0, 0, 0); os.execvp(sys.argv[1], sys.argv[1:])", "sh", "-c", '"$@" & exec sleep 60', "sh", ...argv];
    const r = await killWhileWaiting((argv) => argv, reaper);
    expect(r.err).toMatch(/lvsh went away: .*keepalived\.conf left for lvsh recover/);
    expect(r.ms).toBeLessThan(5_000);
  }, 60_000);

  it.skipIf(run(["sh", "-c", "command -v unshare"]).code !== 0)("lvsh as pid 1 (a container's): the install it starts waits its time, it is no orphan", () => {
    const d = mkdtempSync(join(tmpdir(), "lvsh-ka-pid1-"));
    const p = join(d, "keepalived.conf");
    // a new pid namespace whose pid 1 is a shell standing for lvsh
    const r = lab.exec("d1", ["unshare", "-pf", "--mount-proc", "sh", "-c", '"$@"; echo "exit $?" >&2', "sh", ...keepalivedArgv("install", p, quiet("pid1"), "2", "", "192.0.2.98")]);
    expect(r.err).not.toMatch(/went away/);
    expect(r.err).toMatch(/after 2 s keepalived has not built: VIP 192\.0\.2\.98/);
    expect(r.err).toMatch(/put back as it was/);
    expect(r.err).toMatch(/exit 1/);
  }, 60_000);

  it("installs a file longer than one argument may be (221 kB): in pieces, written whole, directly and in a batch", async () => {
    const d = mkdtempSync(join(tmpdir(), "lvsh-ka-long-"));
    const p = join(d, "keepalived.conf");
    try {
      const long = `${quiet("long")}${Array.from({ length: 10_000 }, (_, i) => `# real server ${i} é 😀`).join("\n")}\n`;
      expect(Buffer.byteLength(long)).toBeGreaterThan(200_000);
      const check = await exec().run(keepalivedArgv("check", p, long));
      expect(check.exitCode, check.stderr).toBe(0);
      const r = await exec().run(keepalivedArgv("install", p, long, "5", "", ""));
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(p, "utf8")).toBe(long);
      // through runMany (over ssh the far side's shell would get it as one argument: it goes on a shell's stdin)
      const again = `${long}# again\n`;
      const [m] = await exec().runMany([keepalivedArgv("install", p, again, "5", "", "")]);
      expect(m!.exitCode, m!.stderr).toBe(0);
      expect(readFileSync(p, "utf8")).toBe(again);
      // over 2 MB (all of a process's arguments may not pass that): packed, then unpacked on the director
      const huge = `${quiet("huge")}${Array.from({ length: 100_000 }, (_, i) => `# real server ${i} é 😀`).join("\n")}\n`;
      expect(Buffer.byteLength(huge)).toBeGreaterThan(2_500_000);
      const [h] = await exec().runMany([keepalivedArgv("install", p, huge, "5", "", "")]);
      expect(h!.exitCode, h!.stderr).toBe(0);
      expect(readFileSync(p, "utf8")).toBe(huge);
    } finally {
      // a failed assertion must not leave keepalived running
      expect((await op("stop", p)).exitCode).toBe(0);
    }
  }, 60_000);

  it("stop: keepalived ends (its VIP goes), the file moves aside", async () => {
    const r = await op("stop", path);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await read()).toEqual({ path, running: false, text: null });
    expect(readFileSync(`${path}.lvsh-prev`, "utf8")).toBe(vrrpOnly("192.0.2.11"));
    expect(vips()).not.toContain("192.0.2.11/32");
  }, 60_000);

  it("a stale pid file naming another process: that process is left alone, keepalived is started", async () => {
    const { spawn } = await import("node:child_process");
    const other = spawn("sleep", ["100"], { stdio: "ignore", detached: true });
    try {
      (await import("node:fs")).writeFileSync(join(dir, "keepalived.pid"), `${other.pid}\n`);
      expect(await read()).toMatchObject({ running: false });
      const r = await op("install", path, vrrpOnly("192.0.2.13"), "20", "", "192.0.2.13");
      expect(r.exitCode, r.stderr).toBe(0);
      expect(other.exitCode).toBeNull();
      expect(other.signalCode).toBeNull();
      expect(pid()).not.toBe(other.pid);
      expect(await read()).toMatchObject({ running: true });
      expect((await op("stop", path)).exitCode).toBe(0);
    } finally {
      other.kill();
    }
  }, 60_000);

  it("keepalived not installed on the director: said as such, nothing changed", async () => {
    const r = await exec().run(["env", "PATH=/nonexistent", "/bin/sh", "-c", 'PATH=/bin:/usr/bin; exec sh "$@"', "sh", ...keepalivedArgv("check", path, vrrpOnly("192.0.2.10")).slice(1)]);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/keepalived is not installed on this host \(not in PATH\); nothing was changed/);
  });
});
