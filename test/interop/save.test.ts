/**
 * `lvsh save` and the `save` statement: the committed configuration and the
 * boot unit that applies it (run here for real, on the simulated target,
 * after a simulated reboot of the director), the real servers' own files
 * written through their executors, the ipvsadm format; `commit on director`.
 * Never this machine's /etc: `--to` a temporary directory, or the simulated
 * hosts' files.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { systemdSplit, systemdWord } from "../../src/interop/index.js";
import { SimExecutor } from "../../src/sim/index.js";
import { LVSH, sim } from "../helpers/cli.js";
import { SEED } from "../helpers/load.js";
import { freshStateDir, lvsh, simKernel } from "../helpers/sim.js";

const tmp = () => mkdtempSync(join(tmpdir(), "lvsh-save-"));

function seeded(extra = ""): string {
  const state = freshStateDir();
  const r = sim(state, ["-y", "-c", `${SEED}${extra}; commit`]);
  expect(r.code, r.err).toBe(0);
  return state;
}

/** A simulated host's files and enabled units. */
function hostFiles(state: string, host: string): { files: Record<string, string>; units: string[] } {
  const h = JSON.parse(readFileSync(join(state, "sim", "hosts", `${host}.json`), "utf8")) as { files?: Record<string, string>; units?: string[] };
  return { files: h.files ?? {}, units: h.units ?? [] };
}

const line = (unit: string, key: string) => unit.split("\n").find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);

describe("lvsh save --to DIR", () => {
  const state = seeded();
  const dir = tmp();
  const r = sim(state, ["save", "--to", dir]);
  const unit = readFileSync(join(dir, "lvsh-restore.service"), "utf8");

  it("writes the configuration and the unit, listing each file before writing", () => {
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(join(dir, "lvsh.conf"), "utf8")).toBe(`# revision 1, saved by \`lvsh save\`; lvsh-restore.service applies it at boot\n${SEED.replace(/; /g, "\n")}\n`);
    expect(r.out.indexOf(`  ${dir}/lvsh.conf: the configuration of revision 1 (lvsh)`)).toBeLessThan(r.out.indexOf(`wrote ${dir}/lvsh.conf`));
    expect(r.out).toContain(`note: to install: cp ${dir}/lvsh-restore.service /etc/systemd/system/ && systemctl enable lvsh-restore.service`);
  });

  it("orders the unit before the network, as a oneshot", () => {
    expect(line(unit, "DefaultDependencies")).toBe("no");
    expect(line(unit, "Before")).toBe("network-pre.target shutdown.target");
    expect(line(unit, "Wants")).toContain("network-pre.target");
    expect(line(unit, "Type")).toBe("oneshot");
    expect(line(unit, "RemainAfterExit")).toBe("yes");
    expect(line(unit, "WantedBy")).toBe("multi-user.target");
  });

  it("has an ExecStart that runs lvsh on that file", () => {
    const argv = systemdSplit(line(unit, "ExecStart")!);
    // the launcher: lvsh from its startup snapshot
    expect(argv[0]).toBe(LVSH);
    expect(argv.slice(1)).toEqual(["--target", "local", "--yes", "-c", `load ${dir}/lvsh.conf; commit on director comment lvsh-restore.service`]);
    expect(line(unit, "Environment")).toBe(`LVSH_STATE_DIR=${state}`);
  });

  it("restores the director after a reboot when that ExecStart runs (simulated target), leaving the real servers alone", () => {
    const before = simKernel(state);
    rmSync(join(state, "sim", "hosts", "director.json")); // the reboot: the director's kernel state is gone
    expect(Object.keys(simKernel(state))).not.toContain("director.json");
    const argv = systemdSplit(line(unit, "ExecStart")!).map((a) => (a === "local" ? "sim" : a));
    const boot = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: state } });
    expect(boot.status, boot.stderr).toBe(0);
    expect(boot.stdout).toContain("commit complete: revision 2, 4 steps on 1 host");
    expect(simKernel(state)).toEqual(before);
  });

  it("gives every real server its ARP rules and its unit, through its executor, enabled", () => {
    for (const rs of ["172.25.254.2", "172.25.254.3"]) {
      const h = hostFiles(state, rs);
      expect(h.files["/etc/lvsh/arptables.rules"]).toContain(`-A OUTPUT -j mangle -s 172.25.254.10 --mangle-ip-s ${rs}\n`);
      const u = h.files["/etc/systemd/system/lvsh-rs-restore.service"]!;
      expect(u).toContain("StandardInput=file:/etc/lvsh/arptables.rules\nExecStart=arptables-restore\nExecStart=ip addr replace 172.25.254.10/32 dev eth0\n");
      expect(line(u, "Before")).toBe("network-pre.target shutdown.target");
      expect(h.units).toEqual(["lvsh-rs-restore.service"]);
      expect(r.out).toContain(`  ${rs}:/etc/lvsh/arptables.rules: its ARP rules (arptables-restore format)\n`);
    }
  });

  const analyze = spawnSync("sh", ["-c", "command -v systemd-analyze"]).status === 0;
  it.skipIf(!analyze)(`passes systemd-analyze verify${analyze ? "" : " (skipped: systemd-analyze is not installed)"}`, () => {
    const rsUnit = join(tmp(), "lvsh-rs-restore.service");
    writeFileSync(rsUnit, hostFiles(state, "172.25.254.2").files["/etc/systemd/system/lvsh-rs-restore.service"]!);
    for (const u of [join(dir, "lvsh-restore.service"), rsUnit]) {
      const v = spawnSync("systemd-analyze", ["verify", u], { encoding: "utf8" });
      expect(v.stdout + v.stderr, u).toBe("");
      expect(v.status).toBe(0);
    }
  });
});

describe("lvsh save", () => {
  it("without --to writes into the director's /etc through its executor and enables the unit (simulated)", () => {
    const state = seeded();
    const r = sim(state, ["save"]);
    expect(r.code, r.err).toBe(0);
    const d = hostFiles(state, "director");
    expect(Object.keys(d.files).sort()).toEqual(["/etc/lvsh/lvsh.conf", "/etc/systemd/system/lvsh-restore.service"]);
    expect(d.files["/etc/systemd/system/lvsh-restore.service"]).toContain("load /etc/lvsh/lvsh.conf; commit on director");
    expect(d.units).toEqual(["lvsh-restore.service"]);
    expect(r.out).toContain("enabled lvsh-restore.service on director\n");
  });

  it("gives sysctl real servers a sysctl.d file, and a unit that only binds the VIP", () => {
    const state = seeded("; arp hide on rs via sysctl");
    expect(sim(state, ["save", "--to", tmp()]).code).toBe(0);
    const h = hostFiles(state, "172.25.254.2");
    expect(h.files["/etc/sysctl.d/90-lvsh-arp.conf"]).toContain("net.ipv4.conf.all.arp_ignore = 1\nnet.ipv4.conf.all.arp_announce = 2\nnet.ipv4.conf.lo.arp_ignore = 1\n");
    const u = h.files["/etc/systemd/system/lvsh-rs-restore.service"]!;
    expect(u).not.toContain("arptables");
    expect(u).toContain("ExecStart=ip addr replace 172.25.254.10/32 dev lo\n");
    expect(h.files["/etc/lvsh/arptables.rules"]).toBeUndefined();
  });

  it("--format ipvsadm --to FILE writes what the distribution's ipvsadm service restores", () => {
    const state = seeded();
    const file = join(tmp(), "ipvsadm.rules");
    const r = sim(state, ["save", "--format", "ipvsadm", "--to", file]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(sim(state, ["export", "--format", "ipvsadm"]).out);
    expect(r.out).toContain("note: ipvsadm rules hold no addresses: bind 172.25.254.10/32 on eth0");
  });

  it("refuses when nothing is committed, and says why a file cannot be written", () => {
    const none = sim(freshStateDir(), ["save", "--to", tmp()]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("error: there is nothing to save: nothing has been committed on this target");
    const bad = sim(seeded(), ["save", "--to", "/dev/null/x"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/error: cannot write \/dev\/null\/x\/lvsh\.conf: .*ENOTDIR/);
  });

  it("is all or nothing: a path that fails on one host writes nothing on any and enables no unit", async () => {
    const state = seeded();
    // the second real server has a file where its /etc/lvsh directory should be
    const rs3 = new SimExecutor("172.25.254.3", join(state, "sim", "hosts"));
    expect((await rs3.run(["tee", "/etc/lvsh"], { stdin: "not a directory" })).exitCode).toBe(0);
    const before = ["director", "172.25.254.2", "172.25.254.3"].map((h) => hostFiles(state, h));
    const r = sim(state, ["save"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: cannot write 172\.25\.254\.3:\/etc\/lvsh\/arptables\.rules: `mkdir -p \/etc\/lvsh` failed: .*File exists; nothing was saved/);
    expect(["director", "172.25.254.2", "172.25.254.3"].map((h) => hostFiles(state, h))).toEqual(before);
    // fixed, it saves (and replaces what a save left, keeping nothing of .lvsh-new / .lvsh-old)
    expect((await rs3.run(["rm", "-f", "/etc/lvsh"])).exitCode).toBe(0);
    expect(sim(state, ["save"]).code).toBe(0);
    expect(sim(state, ["save"]).code).toBe(0);
    for (const h of ["director", "172.25.254.2", "172.25.254.3"]) expect(Object.keys(hostFiles(state, h).files).filter((f) => /lvsh-(new|old)$/.test(f))).toEqual([]);
  });

  it("puts every file back and disables what it enabled when a unit cannot be enabled", async () => {
    const state = seeded();
    expect(sim(state, ["save"]).code).toBe(0);
    const old = ["director", "172.25.254.2", "172.25.254.3"].map((h) => hostFiles(state, h));
    // another revision, whose save fails at the last host's unit: a file where systemd's wants directory should be
    expect(sim(state, ["-y", "-c", "use service 172.25.254.10:80; set rs .2 weight 2; commit"]).code).toBe(0);
    const rs3 = new SimExecutor("172.25.254.3", join(state, "sim", "hosts"));
    await rs3.run(["systemctl", "disable", "lvsh-rs-restore.service"]);
    await rs3.run(["tee", "/etc/systemd/system/multi-user.target.wants"], { stdin: "" });
    const old3 = hostFiles(state, "172.25.254.3");
    const r = sim(state, ["save"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/`systemctl enable lvsh-rs-restore\.service` failed on 172\.25\.254\.3.*; nothing was saved/);
    const after = ["director", "172.25.254.2", "172.25.254.3"].map((h) => hostFiles(state, h));
    expect(after.map((h) => h.files)).toEqual([old[0]!.files, old[1]!.files, old3.files]);
    expect(after[2]!.units).toEqual([]);
  });
});

describe("the save statement", () => {
  it("saves what the script committed", async () => {
    const state = freshStateDir();
    const dir = tmp();
    const r = await lvsh(state, `${SEED}; commit; save to ${dir}`);
    expect(r.ok, r.rendered).toBe(true);
    expect(existsSync(join(dir, "lvsh-restore.service"))).toBe(true);
    expect(readFileSync(join(dir, "lvsh.conf"), "utf8")).toContain("add rs .2 .3 dr\n");
  });

  it("reports nothing-committed, unknown-format and save-failed with their places", async () => {
    const state = freshStateDir();
    expect((await lvsh(state, "save")).diagnostics.map((d) => [d.code, d.span?.col])).toEqual([["nothing-committed", 1]]);
    expect((await lvsh(state, `save to ${tmp()} format xml`)).diagnostics.map((d) => d.code)).toEqual(["unknown-format"]);
    const failed = await lvsh(seeded(), "save to /dev/null/x");
    // the first file that cannot be written stops the save: one error, nothing written
    expect(failed.diagnostics.map((d) => d.code)).toEqual(["save-failed"]);
  });

  it("in a dry run lists the files and writes none", () => {
    const dir = join(tmp(), "out");
    const r = sim(seeded(), ["--dry-run", "-c", `save to ${dir}`]);
    expect(r.out).toContain(`  ${dir}/lvsh.conf: the configuration of revision 1 (lvsh)`);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("commit on director", () => {
  it("changes the director only, and records the whole configuration", async () => {
    const state = freshStateDir();
    const r = await lvsh(state, `${SEED}; commit on director`);
    expect(r.ok, r.rendered).toBe(true);
    expect(r.out).toContain("4 steps on 1 host");
    expect(Object.keys(simKernel(state))).toEqual(["director.json"]);
    const rev = JSON.parse(readFileSync(join(state, "sim", "revisions", "000001.json"), "utf8")) as { hosts: Record<string, unknown>; config: string };
    expect(Object.keys(rev.hosts).sort()).toEqual(["172.25.254.2", "172.25.254.3", "director"]);
    // a plain commit then does the real servers' part
    const rest = await lvsh(state, "commit");
    expect(rest.out).toContain("6 steps on 2 hosts");
  });
});

describe("systemd quoting of the unit's ExecStart", () => {
  it.each([["plain/path.conf"], ["/my dir/lvsh.conf"], ["100%"], ["$HOME"], ["it's \"here\""], ["a\\b"]])("%j survives systemd's splitting", (w) => {
    expect(systemdSplit(["lvsh", systemdWord(w)].join(" "))).toEqual(["lvsh", w]);
  });
});
