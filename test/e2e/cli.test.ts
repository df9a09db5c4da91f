/** The built lvsh, run as a user runs it. */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const LVSH = resolve("dist/lvsh");
const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs";

/** lvsh on a fresh state directory each time (never this machine's /var/lib/lvsh). */
function lvsh(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const env = { ...process.env, LVSH_STATE_DIR: mkdtempSync(join(tmpdir(), "lvsh-state-")), ...opts.env };
  const r = spawnSync(LVSH, [...args], { encoding: "utf8", ...opts, env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface JsonStep {
  id: number;
  host: string;
  argv: string[];
  undo: string[] | null;
  ready?: { addr: string };
}

describe("lvsh --dry-run --json (acceptance)", () => {
  const r = lvsh(["--dry-run", "--json", "-c", SEED]);
  const steps = (JSON.parse(r.out) as { steps: JsonStep[] }).steps;
  const line = (s: JsonStep) => s.argv.join(" ");
  const at = (host: string, text: string) => steps.findIndex((s) => s.host === host && line(s).startsWith(text));

  it("exits 0 with a JSON plan on stdout", () => {
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
  });

  it("gives the director the service, its real servers, then the VIP", () => {
    const svc = at("director", "ipvsadm -A -t 172.25.254.10:80 -s rr");
    const rs2 = at("director", "ipvsadm -a -t 172.25.254.10:80 -r 172.25.254.2:80 -g");
    const rs3 = at("director", "ipvsadm -a -t 172.25.254.10:80 -r 172.25.254.3:80 -g");
    const vip = at("director", "ip addr add 172.25.254.10/32 dev eth0");
    expect(Math.min(svc, rs2, rs3, vip)).toBeGreaterThanOrEqual(0);
    expect(svc).toBeLessThan(rs2);
    expect(svc).toBeLessThan(rs3);
    expect(vip).toBeGreaterThan(Math.max(rs2, rs3));
  });

  it("gives each real server its two arptables rules, then the VIP, before the director adds it", () => {
    for (const rs of ["172.25.254.2", "172.25.254.3"]) {
      const drop = at(rs, "arptables -A INPUT -d 172.25.254.10 -j DROP");
      const mangle = at(rs, `arptables -A OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s ${rs}`);
      const bind = at(rs, "ip addr add 172.25.254.10/32 dev eth0");
      const ready = steps.findIndex((s) => s.host === rs && s.ready?.addr === rs);
      const added = at("director", `ipvsadm -a -t 172.25.254.10:80 -r ${rs}:80`);
      expect(Math.min(drop, mangle, bind)).toBeGreaterThanOrEqual(0);
      expect(Math.max(drop, mangle)).toBeLessThan(bind);
      // the real server is checked ready once its own steps ran, before the director adds it
      expect(bind).toBeLessThan(ready);
      expect(ready).toBeLessThan(added);
    }
  });

  it("gives every step an undo (a readiness check: nothing to undo, it only reads)", () => {
    // the seed's 10 changes and the check of each of its 2 real servers
    expect(steps).toHaveLength(12);
    for (const s of steps) expect(s.undo, line(s)).toEqual(s.ready ? [] : expect.arrayContaining([expect.any(String)]));
    expect(steps.filter((s) => s.ready).map((s) => s.ready!.addr)).toEqual(["172.25.254.2", "172.25.254.3"]);
  });
});

describe("errors", () => {
  it("a misspelt scheduler: exit 1, 1:COL, did you mean rr", () => {
    const r = lvsh(["--dry-run", "-c", "vip 172.25.254.10 on eth0; service :80 rrr"]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("-c:1:40: error: unknown scheduler `rrr`");
    expect(r.err).toContain("did you mean rr");
    expect(r.err).toContain("nothing was applied");
  });

  it("an error on a script's last line: no plan, nothing run, every error reported", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-"));
    const file = join(dir, "bad.lvsh");
    writeFileSync(file, `${SEED.replace(/; /g, "\n")}\nservice :443 wlc persistent\nadd rs .2 weight 70000\n`);
    for (const args of [["--dry-run", file], ["--dry-run", "--json", file], [file]]) {
      const r = lvsh(args);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toContain(`${file}:6:18: error: a weight must be from 0 to 65535, not 70000`);
      expect(r.err).not.toMatch(/ipvsadm|arptables/);
    }
  });

  it("a plan refused at plan time (an interface the director lacks): exit 1 with the located error, every way it is run", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-"));
    const file = join(dir, "bond.lvsh");
    writeFileSync(file, "# imported\n\nvip 10.40.0.1 on bond0\nservice :80 rr\nadd rs .11 nat\n");
    const runs: [string[], string][] = [
      [["--sim", "--dry-run", file], file],
      [["--sim", "--dry-run", "--json", file], file],
      [["--sim", file], file],
      [["--sim", "--dry-run", "-c", `load ${file}`], "-c"],
    ];
    for (const [args, name] of runs) {
      const r = lvsh(args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.out).not.toMatch(/ipvsadm|"steps"/);
      expect(r.err, args.join(" ")).toContain(`${file}:3:1: error: director has no interface bond0`);
      expect(r.err).toContain(`lvsh: 1 error in ${name}; nothing was applied`);
    }
  });

  it("usage errors exit 2", () => {
    expect(lvsh(["--frobnicate"]).code).toBe(2);
    expect(lvsh(["/nonexistent/x.lvsh"]).code).toBe(2);
    expect(lvsh(["/nonexistent/x.lvsh"]).err).toContain("cannot read /nonexistent/x.lvsh: ENOENT");
  });
});

describe("scripts", () => {
  it("runs as #!/usr/bin/env lvsh, stages and says how to see the plan", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-"));
    symlinkSync(LVSH, join(dir, "lvsh"));
    const file = join(dir, "seed.lvsh");
    writeFileSync(file, `#!/usr/bin/env lvsh\n${SEED}\n`);
    chmodSync(file, 0o755);
    const r = spawnSync(file, [], { encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("10 to add, 0 to change, 0 to destroy");
    expect(r.stderr).toContain("Nothing was applied");
    expect(r.stderr).toContain(`lvsh --dry-run ${file}`);
  });

  it("`lvsh check` validates every file, prints ok or the errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-"));
    writeFileSync(join(dir, "good.lvsh"), SEED);
    writeFileSync(join(dir, "bad.lvsh"), "vip 172.25.254.10\nservice :80 rrr\nadd rs .2 .2");
    const r = lvsh(["check", "good.lvsh", "bad.lvsh"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toBe("good.lvsh: ok\nbad.lvsh: 2 errors\n");
    expect(r.err).toContain("bad.lvsh:2:13: error");
    expect(r.err).toContain("bad.lvsh:3:11: error");
    expect(lvsh(["check", "good.lvsh"], { cwd: dir }).code).toBe(0);
  });

  it("prints warnings but still plans", () => {
    const r = lvsh(["--dry-run", "-c", "vip 192.0.2.10 on eth0; service :80; add rs .2"]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("warning: dr real servers of 192.0.2.10 must accept it without answering ARP");
    expect(r.out).toContain("ipvsadm -a -t 192.0.2.10:80 -r 192.0.2.2:80 -g -w 1");
  });

  it("runs show and help statements, and refuses to save what is not committed", () => {
    const r = lvsh(["-c", `${SEED}; show candidate; help arp`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("arp hide on rs\n");
    expect(r.out).toContain("arp syntax:");
    const c = lvsh(["--sim", "-c", `${SEED}; save`]);
    expect(c.code).toBe(1);
    expect(c.err).toContain("error: there is nothing to save: nothing has been committed on this target");
  });

  it("--help and --version", () => {
    expect(lvsh(["--help"]).out).toMatch(/Usage:[\s\S]*--dry-run/);
    expect(lvsh(["--version"]).out).toMatch(/^lvsh \d+\.\d+\.\d+\n$/);
  });
});

describe("lvsh check", () => {
  it("checks a script from the last revision (read offline), as running it would", () => {
    const state = mkdtempSync(join(tmpdir(), "lvsh-state-"));
    const env = { LVSH_STATE_DIR: state };
    const file = join(mkdtempSync(join(tmpdir(), "lvsh-check-")), "more.lvsh");
    writeFileSync(file, "use service 172.25.254.10:80\nadd rs .40\n");
    expect(lvsh(["--sim", "check", file], { env }).code).toBe(1); // nothing committed: there is no such service
    expect(lvsh(["--sim", "-y", "-c", `${SEED}; commit`], { env }).code).toBe(0);
    const r = lvsh(["--sim", "check", file], { env });
    expect(r.out).toBe(`${file}: ok\n`);
    expect(r.code).toBe(0);
  });
});


describe("output to a reader that goes away (`lvsh ... | head`)", () => {
  const big = ["vip 10.0.0.1 on eth0", "arp hide on rs", ...Array.from({ length: 100 }, (_, s) => `service :${s + 1} rr; add rs ${Array.from({ length: 40 }, (_, i) => `.${i + 2}`).join(" ")}`)].join("\n") + "\n";

  it("ends quietly, as it would have, with the same bytes to a pipe as to a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-pipe-"));
    const file = join(dir, "big.lvsh");
    writeFileSync(file, big);
    const env = { ...process.env, LVSH_STATE_DIR: join(dir, "state") };
    // node's stream threw an unhandled EPIPE here, with a stack trace, exit 1
    const cut = spawnSync("bash", ["-c", `set -o pipefail; "${LVSH}" --sim --dry-run "${file}" | head -c 10 >/dev/null`], { encoding: "utf8", env });
    expect(cut.stderr).not.toMatch(/EPIPE|Unhandled|node:/);
    expect(cut.status).toBe(0);
    const whole = spawnSync("bash", ["-c", `"${LVSH}" --sim --dry-run "${file}" | cat`], { encoding: "utf8", env, maxBuffer: 1 << 26 });
    const toFile = join(dir, "plan.txt");
    spawnSync("bash", ["-c", `"${LVSH}" --sim --dry-run "${file}" > "${toFile}"`], { env });
    expect(whole.stdout.length).toBeGreaterThan(200_000);
    expect(whole.stdout).toBe(readFileSync(toFile, "utf8"));
  });

  it("still completes a commit whose output nobody reads any more", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-pipe-"));
    const file = join(dir, "big.lvsh");
    writeFileSync(file, `${big}show plan\ncommit\n`);
    const env = { ...process.env, LVSH_STATE_DIR: join(dir, "state") };
    const cut = spawnSync("bash", ["-c", `set -o pipefail; "${LVSH}" --sim --yes "${file}" | head -c 10 >/dev/null`], { encoding: "utf8", env });
    expect(cut.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(cut.status).toBe(0);
    expect(spawnSync(LVSH, ["--sim", "recover"], { encoding: "utf8", env }).stdout).toMatch(/nothing to recover/);
    expect(spawnSync(LVSH, ["--sim", "-c", "show history"], { encoding: "utf8", env }).stdout).toMatch(/│ 1 /);
  });

  it("says once that stdout cannot be written (/dev/full), and keeps the exit status of what it did", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-full-"));
    const env = { ...process.env, LVSH_STATE_DIR: dir };
    const r = spawnSync("bash", ["-c", `"${LVSH}" --sim --yes -c "${SEED}; show plan; commit" >/dev/full`], { encoding: "utf8", env });
    expect(r.stderr).toMatch(/^lvsh: cannot write to standard output \(ENOSPC\): the rest of it is lost$/m);
    expect(r.stderr).not.toMatch(/internal error|at writeSync/);
    expect(r.status).toBe(0);
    expect(spawnSync(LVSH, ["--sim", "-c", "show history"], { encoding: "utf8", env }).stdout).toMatch(/│ 1 /);
  });

  it("keeps stdout and stderr whole and in order on one non-blocking pipe that a slow reader empties (2>&1)", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-nb-"));
    const file = join(dir, "big.lvsh");
    // warnings (stderr) between plan lines (stdout): each vip without arp hiding warns
    writeFileSync(file, Array.from({ length: 6 }, (_, v) => `vip 10.${v}.0.1 on eth0; service :80 rr; add rs ${Array.from({ length: 200 }, (_, i) => `10.${v}.${1 + (i >> 7)}.${1 + (i & 127)}`).join(" ")}; show plan`).join("\n") + "\n");
    const py = join(dir, "nb.py");
    writeFileSync(
      py,
      [
        "import os, fcntl, subprocess, sys, time",
        "r, w = os.pipe()",
        "fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)",
        "p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=w, stdin=subprocess.DEVNULL)",
        "os.close(w)",
        "time.sleep(1)",
        "data = b''",
        "while True:",
        "    c = os.read(r, 4096)",
        "    if not c: break",
        "    data += c",
        "    time.sleep(0.0005)",
        "sys.stdout.buffer.write(data)",
        "sys.exit(p.wait())",
      ].join("\n"),
    );
    const env = { ...process.env, LVSH_STATE_DIR: join(dir, "state") };
    const r = spawnSync("python3", [py, LVSH, "--sim", file], { encoding: "utf8", env, maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    // the same lines as to a file, in the same order; none cut by another
    const toFile = join(dir, "out.txt");
    spawnSync("bash", ["-c", `"${LVSH}" --sim "${file}" > "${toFile}" 2>&1`], { env });
    const want = readFileSync(toFile, "utf8");
    expect(want.length).toBeGreaterThan(100_000);
    expect(want).toMatch(/warning: /);
    expect(r.stdout).toBe(want);
  });

  it("the shell reading a script from a pipe ends quietly when its reader goes (its prompts go out as the rest does)", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-sh-"));
    const script = ["vip 10.1.1.1 on eth0", "service :80 rr", `add rs ${Array.from({ length: 300 }, (_, i) => `10.1.${2 + (i >> 8)}.${1 + (i & 255)}`).join(" ")}`, "show candidate", "show plan", "commit"].join("\n") + "\n";
    const file = join(dir, "in.txt");
    writeFileSync(file, script);
    const env = { ...process.env, LVSH_STATE_DIR: join(dir, "state") };
    const r = spawnSync("bash", ["-c", `set -o pipefail; "${LVSH}" --sim --yes < "${file}" | head -c 100 >/dev/null`], { encoding: "utf8", env });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(r.status).toBe(0);
  });
});

