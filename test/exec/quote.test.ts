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
import { NOT_RUN, PrefixExecutor, SshExecutor, sshArgv } from "../../src/exec/index.js";
import { makePlan } from "../../src/plan/index.js";
import { shellJoin, shellQuote } from "../../src/util/index.js";
import { compile } from "../../src/model/index.js";
import fc from "fast-check";
import { load } from "../helpers/load.js";

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

  it("leaves plain words readable; quotes what a shell would glob or assign", () => {
    expect(shellJoin(["ipvsadm", "-a", "-t", "192.0.2.10:80", "-r", "192.0.2.2:80", "-w", "1"])).toBe("ipvsadm -a -t 192.0.2.10:80 -r 192.0.2.2:80 -w 1");
    // [2001:db8::1]:80 is a glob: with a file named `1:80` (or `:`, `d`, ...) there, the shell would run ipvsadm on that file's name
    expect(shellJoin(["ipvsadm", "-r", "[2001:db8::1]:80"])).toBe("ipvsadm -r '[2001:db8::1]:80'");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellJoin(["sysctl", "-w", "net.ipv4.ip_forward=1"])).toBe("sysctl -w net.ipv4.ip_forward=1");
    expect(shellJoin(["A=b", "x=y"])).toBe("'A=b' x=y");
  });
});

/** An ssh executor whose ssh (first on PATH meanwhile) is the far side's shell: the last argument is the command string, run by `sh -c`. */
async function withFakeSsh(f: (ex: SshExecutor, bin: string) => Promise<void>): Promise<void> {
  const bin = mkdtempSync(join(tmpdir(), "lvsh-fakessh-"));
  writeFileSync(join(bin, "ssh"), '#!/bin/sh\nfor a; do last="$a"; done\nexec sh -c "$last"\n');
  chmodSync(join(bin, "ssh"), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  try {
    await f(new SshExecutor("rs1", { kind: "ssh", host: "192.0.2.2" }, bin), bin);
  } finally {
    process.env.PATH = path;
  }
}

describe("the ssh executor", () => {
  it("runs ssh in batch mode with connection reuse, the command as one quoted string", () => {
    const a = sshArgv({ kind: "ssh", user: "admin", host: "192.0.2.2", port: 2222 }, "/run/lvsh", ["ip", "addr", "add", "192.0.2.10/32", "dev", "eth0"]);
    expect(a.slice(0, 1)).toEqual(["ssh"]);
    expect(a).toEqual(expect.arrayContaining(["BatchMode=yes", "ControlMaster=auto", "ControlPath=/run/lvsh/ssh-%C", "ControlPersist=60"]));
    expect(a.slice(-3)).toEqual(["--", "192.0.2.2", "ip addr add 192.0.2.10/32 dev eth0"]);
    expect(a).toEqual(expect.arrayContaining(["-p", "2222", "-l", "admin"]));
  });

  it("delivers hostile arguments intact through ssh's remote shell", async () => {
    await withFakeSsh(async (ex, bin) => {
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
    });
  });
});

describe("a round trip longer than one argument may be (Linux: 128 kB)", () => {
  // 10,000 lines of an ipvsadm -R: 500 kB in a here-document
  const big = Array.from({ length: 10_000 }, (_, i) => `-a -t 192.0.2.10:80 -r 10.0.${i >> 8}.${i & 255}:80 -g -w 1`).join("\n") + "\n";
  const trip = [["cat"], { argv: ["wc", "-l"], stdin: big }, ["echo", "after"]];
  const expected = [
    [0, ""],
    [0, "10000\n"],
    [0, "after\n"],
  ];

  it("runs locally: the longest input is the shell's own stdin, and a command without input reads none of it", async () => {
    const local = new PrefixExecutor("d", "local", []);
    const many = await local.runMany(trip, { stopAtFailure: true });
    expect(many.map((m) => [m.exitCode, m.stdout.replace(/^ +/, "")])).toEqual(expected);
    // as from a file: byte for byte (a here-document would end it with a newline)
    const cut = big.slice(0, -1);
    const [, exact] = await local.runMany([["true"], { argv: ["wc", "-c"], stdin: cut }]);
    expect(exact!.stdout.trim()).toBe(String(Buffer.byteLength(cut)));
    // long command lines too: the script itself on the shell's stdin, the input in it
    const args = Array.from({ length: 30_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const both = await local.runMany([["sh", "-c", 'echo "$#"', "sh", ...args], { argv: ["wc", "-l"], stdin: big }, ["cat"]]);
    expect(both.map((m) => [m.exitCode, m.stdout.replace(/^ +/, "")])).toEqual([
      [0, "30000\n"],
      [0, "10000\n"],
      [0, ""],
    ]);
  });

  it("gives each command its input byte for byte, a last line without its newline too, as a command run alone gets it", async () => {
    const local = new PrefixExecutor("d", "local", []);
    const inputs = ["abc", "\r", "a'b \"$(id)\" `x` \\", "one\ntwo", "", "line\n"];
    const many = await local.runMany([...inputs.map((stdin) => ({ argv: ["cat"], stdin })), ["echo", "x"]]);
    expect(many.map((m) => m.stdout)).toEqual([...inputs, "x\n"]);
    for (const stdin of inputs) expect((await local.run(["cat"], { stdin })).stdout).toBe(stdin);
  });

  it("keeps what ran when the batch's shell is killed: the commands before say how they ended, the one running says it was killed", async () => {
    const r = await new PrefixExecutor("d", "local", []).runMany([["echo", "ran"], ["sh", "-c", "kill -9 $PPID"], ["echo", "never"]]);
    expect(r[0]).toMatchObject({ exitCode: 0, stdout: "ran\n" });
    expect(r[1]!.exitCode).not.toBe(0);
    expect(r[1]!.stderr).toMatch(/killed by SIGKILL/);
    expect(r[2]!.exitCode).not.toBe(0);
  });

  it("runs over ssh (the far side's shell gets the command as one argument too)", async () => {
    await withFakeSsh(async (ssh) => {
      const many = await ssh.runMany(trip, { stopAtFailure: true });
      expect(many.map((m) => [m.exitCode, m.stdout.replace(/^ +/, "")])).toEqual(expected);
      // one command with 30,000 short arguments (doctor's probes of 10,000 real servers): 300 kB on the command line
      const args = Array.from({ length: 30_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
      const [one] = await ssh.runMany([["sh", "-c", 'echo "$#"', "sh", ...args]]);
      expect([one!.exitCode, one!.stdout]).toEqual([0, "30000\n"]);
    });
  });
});

describe("every command lvsh can generate, through a real sh, among planted files", () => {
  // a directory full of files named like what a glob in an argument could match
  const planted = mkdtempSync(join(tmpdir(), "lvsh-planted-"));
  const ports = [80, 443, 8080];
  // `[2001:db8::1]:80` unquoted is a glob that matches a file named `1:80` (or `d:80` ...)
  const names = ["1", "0", "a", "d", "b", "8", ":", "db8", "-", "=", "x=y", "*", "?", "[", "]", "a b", "~"];
  for (const c of "0123456789abcdef:") for (const p of ports) names.push(`${c}:${p}`);
  for (const f of names) writeFileSync(join(planted, f), "");
  const args = fc.constantFrom(...["rr", "wlc", "sh", "mh"]);
  const addr = fc.oneof(
    fc.integer({ min: 2, max: 250 }).map((n) => `192.0.2.${n}`),
    fc.integer({ min: 1, max: 0xffff }).map((n) => `2001:db8::${n.toString(16)}`),
  );
  const balancer = fc.record({
    vip: fc.constantFrom("192.0.2.10", "2001:db8::10"),
    port: fc.constantFrom(...ports),
    sched: args,
    reals: fc.uniqueArray(addr, { minLength: 1, maxLength: 4 }),
    method: fc.constantFrom("dr", "nat", "tun"),
    udp: fc.boolean(),
    hide: fc.constantFrom("", "arp hide on rs", "arp hide on rs via sysctl"),
  });

  it("reads every argv and undo of a plan back exactly as lvsh meant it (fast-check, 150 balancers)", () => {
    fc.assert(
      fc.property(balancer, (b) => {
        const v6 = b.vip.includes(":");
        const reals = b.reals.filter((r) => r.includes(":") === v6);
        if (!reals.length) return;
        const src = [
          `vip ${b.vip} on eth0`,
          `service ${b.udp ? "udp " : ""}:${b.port} ${b.sched}`,
          `add rs ${reals.map((r) => (b.method === "nat" ? (v6 ? `[${r}]:${b.port}` : `${r}:${b.port}`) : r)).join(" ")} ${b.method}`,
          ...(b.method !== "nat" && b.hide && !v6 ? [b.hide] : []),
        ].join("\n");
        const l = load(src);
        if (l.errors.length) return;
        const plan = makePlan({ hosts: {} }, compile(l.config));
        // a readiness check's undo is nothing (an empty argv: no command)
        const argvs = plan.steps.flatMap((s) => [s.argv, ...(s.undo?.length ? [s.undo] : [])]);
        // one sh for the whole plan: each argv printed back as NUL-separated words, one line each
        const script = argvs.map((a) => `printf '%s\\0' ${shellJoin(a)}; printf '\\n'`).join("\n");
        const r = spawnSync("sh", ["-c", script], { cwd: planted, encoding: "utf8" });
        expect(r.status, r.stderr).toBe(0);
        const back = r.stdout.split("\n").slice(0, -1).map((line) => line.split("\0").slice(0, -1));
        expect(back).toEqual(argvs.map((a) => [...a]));
      }),
      { numRuns: 150 },
    );
  });
});
