/**
 * What crosses ssh is one string for the remote shell: every argument is
 * quoted so that the remote `sh -c` sees exactly the argv lvsh meant, even
 * for hostile strings. Proven by running them through a real sh, and
 * through the ssh executor with a stand-in `ssh` that does what sshd does
 * with the command string (hands it to `sh -c`).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOT_RUN, SshExecutor, sshArgv } from "../../src/exec/index.js";
import { shellJoin, shellQuote } from "../../src/plan/index.js";

const hostile = [
  "",
  " ",
  "a b",
  "'",
  "''",
  '"',
  "\\",
  "$HOME",
  "$(touch /tmp/lvsh-pwned)",
  "`touch /tmp/lvsh-pwned`",
  "; rm -rf /",
  "&& echo pwned",
  "| cat",
  "a\nb",
  "tab\there",
  "*",
  "~",
  "#comment",
  "-n",
  "--",
  "x=y",
  "é ünïcödé",
  "it's \"quoted\" $x `y` \\z",
];

function viaSh(argv: readonly string[]): string[] {
  const r = spawnSync("sh", ["-c", shellJoin(["printf", "%s\\0", ...argv])], { encoding: "utf8" });
  expect(r.status).toBe(0);
  return r.stdout.split("\0").slice(0, -1);
}

describe("shell quoting", () => {
  it.each(hostile.map((h) => [JSON.stringify(h), h]))("%s reaches sh -c unchanged", (_name, s) => {
    expect(viaSh([s])).toEqual([s]);
  });

  it("keeps every argument of a mixed argv apart", () => {
    expect(viaSh(hostile)).toEqual(hostile);
  });

  it("leaves plain words readable", () => {
    expect(shellJoin(["ipvsadm", "-a", "-t", "192.0.2.10:80", "-r", "[2001:db8::1]:80", "-w", "1"])).toBe("ipvsadm -a -t 192.0.2.10:80 -r [2001:db8::1]:80 -w 1");
    expect(shellQuote("a b")).toBe("'a b'");
  });
});

describe("the ssh executor", () => {
  it("runs ssh in batch mode with connection reuse, the command as one quoted string", () => {
    const a = sshArgv({ kind: "ssh", user: "admin", host: "192.0.2.2", port: 2222 }, "/run/lvsh", ["ip", "addr", "add", "192.0.2.10/32", "dev", "eth0"]);
    expect(a.slice(0, 1)).toEqual(["ssh"]);
    expect(a).toEqual(expect.arrayContaining(["BatchMode=yes", "ControlMaster=auto", "ControlPath=/run/lvsh/ssh-%C", "ControlPersist=60"]));
    expect(a.slice(-3)).toEqual(["--", "192.0.2.2", "ip addr add 192.0.2.10/32 dev eth0"]);
    expect(a).toEqual(expect.arrayContaining(["-p", "2222", "-l", "admin"]));
  });

  it("delivers hostile arguments intact through ssh's remote shell", async () => {
    const bin = mkdtempSync(join(tmpdir(), "lvsh-fakessh-"));
    // the remote side of ssh: the last argument is the command string, run by the user's shell
    writeFileSync(join(bin, "ssh"), '#!/bin/sh\nfor a; do last="$a"; done\nexec sh -c "$last"\n');
    chmodSync(join(bin, "ssh"), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const ex = new SshExecutor("rs1", { kind: "ssh", host: "192.0.2.2" }, bin);
      const r = await ex.run(["printf", "%s\\0", ...hostile]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout.split("\0").slice(0, -1)).toEqual(hostile);
      const many = await ex.runMany([["printf", "%s", "one two"], ["sh", "-c", "echo err >&2; exit 3"], ["printf", "%s\\n", "$(id)"]]);
      expect(many.map((m) => [m.exitCode, m.stdout, m.stderr])).toEqual([
        [0, "one two", ""],
        [3, "", "err\n"],
        [0, "$(id)\n", ""],
      ]);
      // a plan's round trip: stdin in a here-document, and nothing after the first failure
      const trip = await ex.runMany(
        [{ argv: ["cat"], stdin: "-A -t 192.0.2.10:80 -s rr\n__LVSH_IN_x_0\n" }, ["sh", "-c", "exit 4"], ["touch", join(bin, "ran")]],
        { stopAtFailure: true },
      );
      expect(trip.map((m) => [m.exitCode, m.stdout])).toEqual([
        [0, "-A -t 192.0.2.10:80 -s rr\n__LVSH_IN_x_0\n"],
        [4, ""],
        [255, ""],
      ]);
      expect(trip[2]!.stderr).toBe(NOT_RUN);
      expect(existsSync(join(bin, "ran"))).toBe(false);
    } finally {
      process.env.PATH = path;
    }
  });
});
