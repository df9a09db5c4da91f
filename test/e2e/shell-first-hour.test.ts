/**
 * The shell's first hour (issue 11), as a new user meets it in a terminal:
 * one test per defect they hit, each typed as a person types, read off the
 * screen. Each failed before its fix.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freshStateDir } from "../helpers/sim.js";
import { Tmux, tmuxUnavailable } from "../helpers/tmux.js";

const why = tmuxUnavailable();
const BIN = resolve("dist/lvsh");
const LVSH = `${BIN} --sim`;
const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs";

let term: Tmux | undefined;
afterEach(() => term?.kill());

async function shell(dir = freshStateDir(), size?: { cols: number; rows: number }): Promise<Tmux> {
  term = new Tmux(LVSH, { LVSH_STATE_DIR: dir, NO_COLOR: "1" }, size);
  await term.waitFor(/lvsh\(sim\)[^\n]*>\s*$/m);
  return term;
}

/** A state directory with the seed committed (revision 1), as a script would leave it. */
function committed(): string {
  const dir = freshStateDir();
  const r = spawnSync(BIN, ["--sim", "--yes", "-c", `${SEED}; commit`], { env: { ...process.env, LVSH_STATE_DIR: dir }, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

/** What the screen shows after the last time `text` was typed at a prompt. */
function after(screen: string, text: string): string {
  return screen.slice(screen.lastIndexOf(`> ${text}`));
}

/** Waits until what follows the last `text` typed matches, and returns that part. */
async function waitAfter(t: Tmux, text: string, re: RegExp): Promise<string> {
  const whole = new RegExp(`> ${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[^]*(?:${re.source})`, re.flags.replace("g", ""));
  return after(await t.waitFor(whole), text);
}

/** Types a command, waits until it has printed everything (the prompt is back), and returns what it printed. */
async function cmd(t: Tmux, text: string): Promise<string> {
  t.type(text, "Enter");
  return waitAfter(t, text, /\n[^\n]*lvsh\(sim\)[^\n]*>\s*$/);
}

/** The terminal's new size, once the shell has had its SIGWINCH. */
async function resize(t: Tmux, cols: number): Promise<void> {
  t.resize(cols);
  await new Promise((r) => setTimeout(r, 300));
}

const count = (s: string, re: RegExp) => s.match(new RegExp(re.source, "g"))?.length ?? 0;

describe.skipIf(why !== undefined)(`the shell's first hour${why ? ` (skipped: ${why})` : ""}`, () => {
  it("1: a commit confirmed that expires is noticed, said, and the session follows it; the prompt counts down", async () => {
    const t = await shell(committed());
    t.type("service 172.25.254.10:80; add rs .5", "Enter");
    t.type("commit confirmed 3s", "Enter");
    await t.waitFor(/apply \d+ steps? on \d+ hosts?\?/);
    t.type("y", "Enter");
    expect(await t.waitFor(/\[confirm 0:0\d\]>\s*$/m)).toMatch(/commit complete: revision 2/);
    // nothing typed: the shell says it when the timer rolls back
    const s = await t.waitFor(/revision 3/, 15000);
    expect(s).toMatch(/rolled back|reverted/);
    t.type("show plan", "Enter");
    expect(await waitAfter(t, "show plan", /No changes|Plan:/)).toMatch(/No changes/);
    t.type("show rs .5", "Enter");
    expect(await waitAfter(t, "show rs .5", /no real server matches|172\.25\.254\.5/)).toMatch(/no real server matches/);
    expect(t.screen()).not.toMatch(/\[confirm[^\]]*\]>\s*$/m);
  });

  it("2: `clear` with staged changes says what it stages and asks; no keeps the candidate; Ctrl-L is in help", async () => {
    const t = await shell(committed());
    t.type("clear", "Enter");
    const q = await t.waitFor(/\(y\/N\)/);
    expect(q).toMatch(/`clear` stages removing everything lvsh manages: 10 steps to destroy, applied by `commit`/);
    t.type("n", "Enter");
    await t.waitFor(/not staged\./);
    t.type("show candidate", "Enter");
    expect(after(await t.waitFor(/arp hide on rs\n/), "show candidate")).toMatch(/vip 172\.25\.254\.10 on eth0/);
    t.type("help", "Enter");
    expect(await t.waitFor(/Ctrl-L/)).toMatch(/Ctrl-L clears the screen/);
  });

  it("3: `service :80` alone selects the service and keeps its scheduler", async () => {
    const t = await shell(committed());
    await cmd(t, "service 172.25.254.10:80; set rs .2 weight 0");
    t.type("show candidate", "Enter");
    expect(after(await t.waitFor(/arp hide on rs\n/), "show candidate")).toMatch(/service :80 rr\n/);
  });

  it("4: the prompt's count is the plan's step count", async () => {
    const t = await shell(committed());
    t.type("service 172.25.254.10:80; del rs .2; add rs .4 .6 dr; set rs .3 weight 2", "Enter");
    const prompt = await t.waitFor(/\[(\d+)\]>\s*$/m);
    const n = Number(/\[(\d+)\]>\s*$/m.exec(prompt)![1]);
    t.type("show plan", "Enter");
    expect(after(await t.waitFor(/steps? on \d+ hosts?\./), "show plan")).toMatch(new RegExp(`\\. ${n} steps on \\d+ hosts\\.`));
  });

  it("5: `show rs` shows running values with the staged change marked, and where the counters come from", async () => {
    const t = await shell(committed());
    await cmd(t, "service 172.25.254.10:80; set rs .2 weight 0");
    t.type("show rs", "Enter");
    // its last line: the footers wrap to the terminal's width between words
    const s = after(await t.waitFor(/staged in the candidate,\s+not\s+committed/), "show rs");
    expect(s).toMatch(/172\.25\.254\.2:80 │ dr\s+│ 1 -> 0\s+│/);
    expect(s).toMatch(/172\.25\.254\.3:80 │ dr\s+│ 1\s+│/);
    expect(s).toMatch(/the\s+last\s+commit\s+is\s+revision\s+1/);
    for (const line of s.split("\n")) expect(line.length, line).toBeLessThanOrEqual(160);
  });

  it("6: `show plan` is in execution order, numbered, host named where it changes; `show plan commands` has the argv", async () => {
    const t = await shell(committed());
    await cmd(t, "service 172.25.254.10:80; del rs .2");
    t.type("show plan", "Enter");
    const s = after(await t.waitFor(/Plan: .*\n/), "show plan");
    const steps = [...s.matchAll(/^\s+(\d+)\s+([-+~])\s+(.*)$/gm)].map((m) => [Number(m[1]), m[3]!] as const);
    expect(steps.map(([n]) => n)).toEqual(steps.map((_, i) => i + 1));
    // the director stops sending first; the address goes before the ARP rules that hid it
    const at = (re: RegExp) => steps.findIndex(([, d]) => re.test(d));
    expect(at(/real server 172\.25\.254\.2/)).toBe(0);
    expect(at(/address 172\.25\.254\.10/)).toBeLessThan(at(/ARP rule: drop/));
    expect(s).toMatch(/^172\.25\.254\.2 \(ssh root@172\.25\.254\.2\)$/m);
    t.type("show plan commands", "Enter");
    const c = after(await t.waitFor(/undo: ipvsadm -a/), "show plan commands");
    expect(c).toMatch(/1\s+ipvsadm -d -t 172\.25\.254\.10:80 -r 172\.25\.254\.2:80\n\s+undo: ipvsadm -a/);
  });

  it("7: an interface typo is found by `commit check`, with the interface meant", async () => {
    const t = await shell();
    await cmd(t, "vip 172.25.254.10 on eht0; service :80 rr; add rs .2 dr; arp hide on rs");
    t.type("commit check", "Enter");
    const s = after(await t.waitFor(/did you mean eth0\?/), "commit check");
    expect(s).toMatch(/director has no interface eht0 \(it has lo, eth0, tunl0\)/);
    expect(s).not.toMatch(/step \d+ failed/);
  });

  it("8: the plan says which staged statements lvsh does not apply (keepalived does)", async () => {
    const t = await shell(committed());
    await cmd(t, "service 172.25.254.10:80; check http /health");
    t.type("show plan", "Enter");
    const s = after(await t.waitFor(/keepalived/), "show plan");
    expect(s).toMatch(/not applied by lvsh/);
    expect(s).toMatch(/check http/);
  });

  it("9 and 11: a line ending in `\\` continues; Up recalls the whole statement, not a fragment", async () => {
    const t = await shell();
    t.type("vip 172.25.254.10 on eth0; service :80 rr; add rs .2 \\", "Enter");
    t.type(".8", "Enter");
    await t.waitFor(/\[\d+\]>\s*$/m);
    t.type("show candidate", "Enter");
    // the answer, not the statement typed above it (which also says `add rs`): a busy machine draws it later
    expect(after(await t.waitFor(/show candidate[\s\S]*^add rs \.2 \.8 dr$/m), "show candidate")).toMatch(/^add rs \.2 \.8 dr$/m);
    t.keys("Up", "Up");
    const recalled = await t.waitFor(/> vip 172\.25\.254\.10 on eth0; service :80 rr; add rs \.2 \\?\s*\.8\s*$/);
    expect(recalled.trimEnd().split("\n").pop()).toMatch(/^lvsh\(sim\) 172\.25\.254\.10:80 \[4\]> vip .* add rs \.2 +\.8$/);
  });

  it("10: a double Tab lists the candidates once, like bash; another double Tab once more", async () => {
    const t = await shell();
    t.type("vip 172.25.254.10; service :80 ", "Tab", "Tab");
    await t.waitFor(/wrr/);
    await new Promise((r) => setTimeout(r, 500));
    expect(count(t.screen(), /\bwrr\b/)).toBe(1);
    // as in bash, a further Tab lists them again, once
    t.keys("Tab");
    await new Promise((r) => setTimeout(r, 500));
    expect(count(t.screen(), /\bwrr\b/)).toBe(2);
  });

  it("12: tables follow a resize, never split an address, and turn vertical when too narrow", async () => {
    const t = await shell(committed());
    await resize(t, 60);
    t.type("show rs", "Enter");
    const narrow = after(await t.waitFor(/read from the director/), "show rs");
    for (const line of narrow.split("\n")) expect(line.length, line).toBeLessThanOrEqual(60);
    expect(narrow).toMatch(/172\.25\.254\.2:80/);
    expect(narrow).toMatch(/172\.25\.254\.3:80/);
    await resize(t, 30);
    t.type("show services", "Enter");
    const vertical = after(await t.waitFor(/-\[ 1 \]-/), "show services");
    for (const line of vertical.split("\n")) expect(line.length, line).toBeLessThanOrEqual(30);
    expect(vertical).toMatch(/^service\s+tcp\n\s+172\.25\.254\.10:80$/m);
    await resize(t, 160);
    t.type("show services", "Enter");
    expect(after(await t.waitFor(/│ tcp 172\.25\.254\.10:80 │ rr/), "show services")).toMatch(/┌─/);
  });

  it("13: help is wrapped to the terminal between words; `help show` lists the topics", async () => {
    const t = await shell(freshStateDir(), { cols: 50, rows: 60 });
    t.type("help commit", "Enter");
    const s = after(await t.waitFor(/lvsh\(sim\)>\s*$/m), "help commit");
    for (const line of s.split("\n")) expect(line.length, line).toBeLessThanOrEqual(50);
    expect(s).toMatch(/confirmed/);
    // the same words as unwrapped help: none broken across lines
    const whole = spawnSync(BIN, ["--sim", "-c", "help commit"], { encoding: "utf8" }).stdout;
    const wordsOf = (x: string) => x.split(/\s+/).filter(Boolean);
    expect(wordsOf(s.replace(/^> help commit/, "").replace(/lvsh\(sim\)>\s*$/, ""))).toEqual(wordsOf(whole));
    t.type("help show", "Enter");
    expect(after(await t.waitFor(/show history/), "help show")).toMatch(/show rs \[ADDR \.\.\.\] \[json\]/);
  });

  it("14: messages in the shell's words: `line N`, singular counts, a plain no", async () => {
    const t = await shell(committed());
    // one line at a time: a line typed ahead of the prompt is echoed without it
    await cmd(t, "service 172.25.254.10:80 rr");
    await cmd(t, "set rs .3 weight 7");
    t.type("add rs .2:81 dr", "Enter");
    const e = await waitAfter(t, "add rs .2:81 dr", /error: /);
    expect(e).toMatch(/^line 3: error/m);
    expect(e).not.toMatch(/<input/);
    t.type("commit", "Enter");
    const q = await t.waitFor(/\(y\/N\)|Yes|No/);
    expect(q).toMatch(/apply 1 step on 1 host\?/);
    expect(q).not.toMatch(/\[y\/N\]/);
    t.type("n", "Enter");
    expect(after(await t.waitFor(/not committed\./), "commit")).not.toMatch(/error/);
  });

  it("15 and 16: hints and warnings an LVS admin needs, and no follow-on warning after an error", async () => {
    const t = await shell();
    t.type("vip 172.25.254.10/24 on eth0; service :8080 roundrobin; add rs .2", "Enter");
    const s = await t.waitFor(/write `rr`/);
    expect(s).not.toMatch(/has no real servers|no current service/);
    t.type("vip 172.25.254.10/24 on eth0; service :80 rr; add rs .2 10.9.9.9 dr", "Enter");
    const w = await cmd(t, "show plan");
    expect(w).toMatch(/warning: dr real servers of 172\.25\.254\.10 must accept it without answering ARP/);
    expect(w).toMatch(/warning: dr real server 10\.9\.9\.9 is outside 172\.25\.254\.10\/24/);
  });

  it("17: Ctrl-C in `setup` says it was cancelled, stages nothing, and gives the prompt back clean", async () => {
    const t = await shell();
    t.type("setup", "Enter");
    await t.waitFor(/Virtual IP/);
    t.type("172.25", "C-c");
    const s = await t.waitFor(/setup cancelled: nothing staged\.\n.*lvsh\(sim\)>\s*$/m);
    expect(s).not.toMatch(/\[\d+\]>/);
    t.type("show candidate", "Enter");
    // the answer itself (a blank line of the screen matched at once, before it came)
    expect(after(await t.waitFor(/show candidate\n# the candidate is empty/), "show candidate")).not.toMatch(/vip/);
  });
});
