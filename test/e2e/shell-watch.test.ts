/**
 * `watch` in the interactive shell, in a 60-column terminal as a person
 * uses it: the view is redrawn in place (one title, one table on the
 * screen however many samples), fits the terminal, and `q` leaves it back
 * to the prompt with nothing typed into the line; `show rs` then has the
 * last minute as a sparkline. Traffic is the simulator's (sim/traffic.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freshStateDir } from "../helpers/sim.js";
import { Tmux, tmuxUnavailable } from "../helpers/tmux.js";
import { simTraffic } from "../helpers/traffic.js";

const why = tmuxUnavailable();
const BIN = resolve("dist/lvsh");
const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 .4 dr; set rs .3 weight 3; set rs .4 weight 0; arp hide on rs; commit";
const PROMPT = /\n[^\n]*lvsh\(sim\)[^\n]*>\s*$/;

let term: Tmux | undefined;
afterEach(() => term?.kill());

function busy(): string {
  const dir = freshStateDir();
  const r = spawnSync(BIN, ["--sim", "--yes", "-c", SEED], { env: { ...process.env, LVSH_STATE_DIR: dir }, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  simTraffic(dir, "tcp 172.25.254.10:80", 40);
  return dir;
}

async function shell(dir: string, rows = 40): Promise<Tmux> {
  term = new Tmux(`${BIN} --sim`, { LVSH_STATE_DIR: dir, NO_COLOR: "1" }, { cols: 60, rows });
  await term.waitFor(/lvsh\(sim\)[^\n]*>\s*$/m);
  return term;
}

/** A file's text once something is written in it. */
async function written(path: string, ms = 5000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const text = existsSync(path) ? readFileSync(path, "utf8") : "";
    if (text || Date.now() > end) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const count = (s: string, re: RegExp) => s.match(new RegExp(re.source, "g"))?.length ?? 0;

/** The frame's table: every line whole (a border at each end), none wrapped by the terminal. */
function tableLines(screen: string): string[] {
  return screen.split("\n").filter((l) => /^[┌├│└]/.test(l));
}

describe.skipIf(why !== undefined)(`watch in the shell${why ? ` (skipped: ${why})` : ""}`, () => {
  it("redraws in place: after 4 samples one title and one table are on the screen, within 60 columns; the prompt is back", async () => {
    const t = await shell(busy());
    t.clearHistory();
    t.type("watch interval 0.2 count 4", "Enter");
    const s = await t.waitFor(/4 of 4 \(q leaves\)[^]*lvsh\(sim\)[^\n]*>\s*$/);
    expect(count(s, /watch: \d\d:\d\d:\d\d UTC/)).toBe(1);
    expect(count(s, /┌/)).toBe(1);
    const table = tableLines(s);
    expect(table.length).toBe(7); // top, header, rule, 3 real servers, bottom
    for (const l of table) {
      expect(l.length, l).toBeLessThanOrEqual(60);
      expect(l, l).toMatch(/[┐┤│┘]$/);
    }
    // the figures of the traffic: 40 conn/s split 1:3:0, the weight-0 one marked
    expect(s).toMatch(/│ 172\.25\.254\.2:80 +│ 1 +│[^\n]*│ 10 +│ [▁-█]+ *│/);
    expect(s).toMatch(/│ 172\.25\.254\.3:80 +│ 3 +│[^\n]*│ 30 +│ █+ *│/);
    expect(s).toMatch(/│ ~\s172\.25\.254\.4:80 │ 0 +│/);
    expect(s).toContain("~ weight 0: no new connections");
    expect(s).toMatch(PROMPT);
  });

  it("in a terminal shorter than the view, the frame is cut to fit and still redrawn in place", async () => {
    const t = await shell(busy(), 8);
    t.clearHistory();
    t.type("watch interval 0.2 count 4", "Enter");
    const s = await t.waitFor(/4 of 4 \(q leaves\)[^]*lvsh\(sim\)[^\n]*>\s*$/);
    expect(count(s, /watch: \d\d:\d\d:\d\d UTC/)).toBe(1);
    expect(s).toMatch(/… \d+ more lines than the terminal/);
  });

  it("q leaves back to the prompt, the keys typed meanwhile not in the line; show rs then has the sparkline", async () => {
    const t = await shell(busy());
    t.type("watch interval 0.2", "Enter");
    await t.waitFor(/│ 172\.25\.254\.3:80 [^\n]*██/);
    t.type("xyz");
    t.type("q");
    const s = await t.waitFor(PROMPT);
    // the prompt's line is empty: what was typed went to the view, not into it
    expect(s.trimEnd().split("\n").pop()).toBe("lvsh(sim)>");
    expect(s).not.toContain("xyz");
    t.type("show rs", "Enter");
    const rs = await t.waitFor(/> show rs[^]*last minute[^]*lvsh\(sim\)[^\n]*>\s*$/);
    expect(rs.slice(rs.lastIndexOf("> show rs"))).toMatch(/172\.25\.254\.3:80[^]*█{2,}/);
  });

  it("Ctrl-C leaves too, and the shell stays", async () => {
    const t = await shell(busy());
    t.type("watch :80 interval 0.2", "Enter");
    await t.waitFor(/│ 172\.25\.254\.3:80 [^\n]*█/);
    t.keys("C-c");
    await t.waitFor(PROMPT);
    t.type("show rs .3", "Enter");
    expect(await t.waitFor(/> show rs \.3[^]*172\.25\.254\.3:80[^]*lvsh\(sim\)[^\n]*>\s*$/)).toBeTruthy();
    expect(t.alive()).toBe(true);
  });

  // Node also resets the terminal's mode when it exits, so this guards the whole path (q, exit 0, the
  // terminal as before) rather than watch's own restore alone; in the shell, where lvsh goes on, the
  // test above shows the line editor working after q
  it("lvsh watch on a terminal: q leaves, exit 0, the terminal's mode as it was before", async () => {
    const dir = busy();
    const tmp = mkdtempSync(join(tmpdir(), "lvsh-tty-"));
    // sh, unlike an interactive shell, does not reset the terminal between commands
    term = new Tmux(`sh -c 'stty -g > ${tmp}/before; ${BIN} --sim watch --interval 0.2; echo "exit=$?"; stty -g > ${tmp}/after; sleep 30'`, { LVSH_STATE_DIR: dir, NO_COLOR: "1" }, { cols: 60, rows: 30 });
    await term.waitFor(/│ 172\.25\.254\.3:80 [^\n]*█/);
    term.type("q");
    const s = await term.waitFor(/exit=\d+/);
    expect(s).toMatch(/exit=0/);
    expect(count(s, /┌/)).toBe(1);
    const after = await written(join(tmp, "after"));
    expect(after).toBe(readFileSync(join(tmp, "before"), "utf8"));
  });
});
