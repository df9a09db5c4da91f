/**
 * The interactive shell in a real terminal (tmux), as a person uses it:
 * type, press Tab, read the screen; commit with the confirmation; Ctrl-C;
 * Ctrl-D with uncommitted changes; the history shared across sessions;
 * the setup wizard.
 */
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freshStateDir } from "../helpers/sim.js";
import { Tmux, tmuxUnavailable } from "../helpers/tmux.js";

const why = tmuxUnavailable();
const LVSH = `${resolve("dist/lvsh")} --sim`;
const PROMPT = /lvsh\(sim\)[^\n]*>\s*$/m;

let term: Tmux | undefined;
afterEach(() => term?.kill());

async function shell(dir = freshStateDir()): Promise<Tmux> {
  term = new Tmux(LVSH, { LVSH_STATE_DIR: dir, NO_COLOR: "1" });
  await term.waitFor(PROMPT);
  return term;
}

/** The screen's last prompt line and what follows it. */
function tail(screen: string): string {
  const lines = screen.trimEnd().split("\n");
  return lines.slice(-8).join("\n");
}

describe.skipIf(why !== undefined)(`the shell in a terminal${why ? ` (skipped: ${why})` : ""}`, () => {
  it("completes with Tab: schedulers, real-server options, the director's interfaces, show topics", async () => {
    const t = await shell();
    t.type("vip 172.25.254.10 on eth0", "Enter");
    await t.waitFor(/172\.25\.254\.10 \[1\]>\s*$/m);
    // bash's way: a first Tab adds what all candidates share (nothing here), a second lists them, once
    t.type("service :80 w", "Tab", "Tab");
    const listed = await t.waitFor(/wrr\s+wlc/);
    expect(listed.match(/wrr\s+wlc/g)).toHaveLength(1);
    t.keys("C-u");
    t.type("service :80 rr", "Enter");
    t.type("add rs .2 ", "Tab", "Tab");
    const rs = await t.waitFor(/dr\s+nat\s+tun\s+type/);
    expect(rs).toMatch(/dr\s+nat\s+tun\s+type\s+port\s+csum\s+nocsum\s+remcsum\s+weight\s+min\s+max/);
    t.keys("C-u");
    t.type("vip 172.25.254.10 on ", "Tab", "Tab");
    expect(tail(await t.waitFor(/\nlo\s+eth0\s+tunl0\s*\n/))).toMatch(/\nlo\s+eth0\s+tunl0\s*\n/);
    t.keys("C-u");
    t.type("show ", "Tab", "Tab");
    expect(await t.waitFor(/rs\s+plan\s+diff\s+candidate\s+running\s+history\s+services\s+hosts/)).toMatch(/rs\s+plan\s+diff/);
    t.keys("C-u");
    t.type("arp h", "Tab");
    expect(await t.waitFor(/arp hide\s*$/m)).toMatch(/arp hide\s*$/m);
    t.keys("C-u");
    t.type("help sh", "Tab");
    expect(await t.waitFor(/> help show\s*$/m)).toMatch(/> help show\s*$/m);
    t.keys("C-u");
    t.type("help ", "Tab", "Tab");
    expect(await t.waitFor(/vip\s+service\s+add\s+set/)).toMatch(/IFACE/);
  });

  it("completes show diff with the committed revisions, show plan with its words", async () => {
    const t = await shell();
    t.type("vip 172.25.254.10 on eth0; commit", "Enter");
    await t.waitFor(/apply \d+ steps? on/);
    t.type("y", "Enter");
    await t.waitFor(/commit complete: revision 1/);
    await t.waitFor(PROMPT);
    t.type("show diff ", "Tab");
    expect(await t.waitFor(/> show diff 1\s*$/m)).toMatch(/> show diff 1\s*$/m);
    t.keys("C-u");
    t.type("show plan ", "Tab", "Tab");
    expect(await t.waitFor(/\ncommands\s+json\s*\n/)).toMatch(/commands\s+json/);
  });

  it("shows the context and the pending changes in the prompt, commits with a confirmation, draws tables", async () => {
    const t = await shell();
    t.type("vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs", "Enter");
    // the prompt counts the plan's steps: 10 changes and the readiness checks of the 2 real servers
    expect(await t.waitFor(/lvsh\(sim\) 172\.25\.254\.10:80 \[12\]>\s*$/m)).toMatch(/\[12\]>\s*$/m);
    t.type("commit", "Enter");
    // 10 changes and the readiness checks of the 2 real servers
    expect(await t.waitFor(/apply 12 steps on 3 hosts\?/)).toMatch(/Plan: 10 to add, 0 to change, 0 to destroy\./);
    t.type("y", "Enter");
    expect(await t.waitFor(/commit complete: revision 1/)).toMatch(/commit complete: revision 1, 12 steps on 3 hosts/);
    await t.waitFor(/172\.25\.254\.10:80>\s*$/m);
    t.type("show services", "Enter");
    const table = await t.waitFor(/│ tcp 172\.25\.254\.10:80 │ rr/);
    expect(table).toMatch(/┌─+┬─+/);
    expect(table).toMatch(/│ service\s+│ scheduler │ persistence │ flags │ real servers │/);
    t.type("show rs", "Enter");
    // its last line, not its first row: a busy machine draws the table before the footer
    const rs = await t.waitFor(/│ tcp 172\.25\.254\.10:80 │ 172\.25\.254\.2:80 │ dr[^]*the last commit is revision 1/);
    expect(rs).toMatch(/│ active │ inactive │/);
    // one service's real servers under its name, written once
    expect(rs).toMatch(/│\s+│ 172\.25\.254\.3:80 │ dr/);
    expect(rs).toMatch(/read from the director at \d\d:\d\d:\d\d UTC; the last commit is revision 1/);
  });

  it("answering no to the confirmation commits nothing", async () => {
    const t = await shell();
    t.type("vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3; arp hide on rs", "Enter");
    t.type("commit", "Enter");
    await t.waitFor(/apply 12 steps/);
    t.type("n", "Enter");
    const said = await t.waitFor(/commit-refused|not committed/);
    // declining is not a failure: said plainly, no error, no caret
    expect(said).toMatch(/\? No\nnot committed\.\n/);
    expect(said).not.toMatch(/error|\^/);
    t.type("show history", "Enter");
    expect(await t.waitFor(/nothing committed yet/)).toMatch(/nothing committed yet/);
  });

  it("Ctrl-C clears the line; Ctrl-D with uncommitted changes asks, and stays on no", async () => {
    const t = await shell();
    t.type("vip 192.0.2.10 on eth0", "Enter");
    await t.waitFor(/192\.0\.2\.10 \[1\]>\s*$/m);
    t.type("service :80 half typed", "C-c");
    await t.waitFor(/\^C\n.*192\.0\.2\.10 \[1\]>\s*$/m);
    t.type("show candidate", "Enter");
    const s = await t.waitFor(/> show candidate\n(?:.*\n)*?.*192\.0\.2\.10 \[1\]>\s*$/m);
    // what `show candidate` ran and printed: the line typed after Ctrl-C, alone; the candidate; no error
    const after = s.slice(s.lastIndexOf("show candidate"));
    expect(s).toMatch(/\[1\]> show candidate\n/);
    expect(after).toContain("vip 192.0.2.10 on eth0");
    expect(after).not.toContain("half typed");
    expect(after).not.toContain("error:");
    t.keys("C-d");
    expect(await t.waitFor(/discard 1 uncommitted change\?/)).toMatch(/discard 1 uncommitted change\? \(y\/N\)/);
    t.type("n", "Enter");
    await t.waitFor(/192\.0\.2\.10 \[1\]>\s*$/m);
    expect(t.alive()).toBe(true);
    t.keys("C-d");
    await t.waitFor(/discard 1 uncommitted change\? \(y\/N\)\s*$/);
    t.type("y", "Enter");
    // the shell leaves (and its terminal closes with it)
    expect(await t.gone()).toBe(true);
  });

  it("keeps the history across sessions", async () => {
    const dir = freshStateDir();
    const t = await shell(dir);
    t.type("help vip", "Enter");
    await t.waitFor(/vip syntax:/);
    t.type("exit", "Enter");
    // its history is written when it leaves
    expect(await t.gone()).toBe(true);
    const t2 = await shell(dir);
    t2.keys("Up");
    t2.keys("Up");
    expect(await t2.waitFor(/> help vip$/m)).toMatch(/> help vip$/m);
  });

  it("guides a set-up and prints the statements it stages", async () => {
    const t = await shell();
    t.type("setup", "Enter");
    await t.waitFor(/Virtual IP/);
    t.type("172.25.254.10", "Enter");
    await t.waitFor(/Bind it on the director's interface/);
    t.keys("Enter"); // eth0
    await t.waitFor(/Port/);
    t.keys("Enter"); // 80
    await t.waitFor(/Protocol/);
    t.keys("Enter"); // tcp
    await t.waitFor(/Scheduler/);
    t.keys("Up", "Up", "Up", "Enter"); // from wlc up to rr
    await t.waitFor(/Forwarding method/);
    t.keys("Enter"); // dr
    await t.waitFor(/Real servers/);
    // a port dr cannot give is refused as it is typed, with why
    t.type(".52:8080", "Enter");
    expect(await t.waitFor(/receives the service.s own port 80; it cannot be sent to port 8080/)).toMatch(/\? Real servers.*: \.52:8080\n> a dr real server/);
    t.keys("C-u");
    t.type(".2 .3", "Enter");
    await t.waitFor(/Hide the VIP from ARP/);
    t.keys("Enter"); // arptables
    const s = await t.waitFor(/arp hide on rs\n/);
    expect(s).toMatch(/vip 172\.25\.254\.10 on eth0\nservice :80 rr\nadd rs \.2 \.3 dr\narp hide on rs\n/);
    expect(await t.waitFor(/172\.25\.254\.10:80 \[12\]>\s*$/m)).toMatch(/\[12\]>\s*$/m);
  });
});
