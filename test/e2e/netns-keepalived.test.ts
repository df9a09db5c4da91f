/**
 * lvsh's keepalived commands (plan/keepalived.ts) on the real keepalived,
 * inside a network namespace (this kernel has no IPVS: a VRRP-only file;
 * the IPVS side is the lab's, test/kernel/ha.test.ts). Check, install and
 * reload, the wait and its restore, stop, read.
 */
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { netnsExecutor } from "../../src/exec/index.js";
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
