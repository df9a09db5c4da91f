/** Tab in the shell with 10,000 real servers loaded, and `lvsh __complete` against `node -e 0`. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { complete } from "../src/complete/index.js";
import { parse, type ConfigStatement } from "../src/lang/index.js";
import { emptyConfig, emptyContext, evaluate } from "../src/model/index.js";
import { generateScript } from "./lang.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function benchTab(log: (line: string) => void): void {
  const e = evaluate(parse(generateScript(100, 100), "b").statements as ConfigStatement[], emptyConfig(), emptyContext);
  const ctx = { config: e.config, context: { vip: "10.0.0.1", service: "tcp 10.0.0.1:10050" }, links: { director: ["lo", "eth0"] }, revisions: [1, 2, 3] };
  const texts = ["service :80 w", "add rs .2 ", "del rs ", "set rs 10.0.1.1", "use service ", "vip 10.0.0.1 on ", "show "];
  const worst: number[] = [];
  for (const text of texts) {
    for (let i = 0; i < 20; i++) complete(text, text.length, ctx);
    const ts = Array.from({ length: 200 }, () => {
      const t = performance.now();
      complete(text, text.length, ctx);
      return performance.now() - t;
    });
    worst.push(median(ts));
  }
  log(`Tab in the shell with 10,000 real servers loaded: median per Tab ${Math.max(...worst).toFixed(2)} ms at worst over ${texts.length} kinds of line (${worst.map((w) => w.toFixed(2)).join(", ")}); goal < 5 ms -> ${Math.max(...worst) < 5 ? "met" : "NOT met"}`);
}

export function benchCompleteProcess(log: (line: string) => void, lvsh: string): void {
  // what bash and zsh run on each Tab: the lvsh on PATH (the launcher), once per Tab, its answer read
  // through a pipe (as bash's command substitution reads it), with the seed committed in its state directory
  const state = mkdtempSync(join(tmpdir(), "lvsh-bench-tab-"));
  const env = { ...process.env, LVSH_STATE_DIR: state };
  spawnSync(lvsh, ["--sim", "--yes", "-c", "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs; commit"], { env, stdio: "ignore" });
  const wall = (argv: string[]) => {
    const t = performance.now();
    spawnSync(argv[0]!, argv.slice(1), { env, stdio: ["ignore", "pipe", "ignore"] });
    return performance.now() - t;
  };
  const node = [process.execPath, "-e", "0"];
  const value = [lvsh, "__complete", "lvsh -c 'use service ", "'use service "];
  const cases: [string, string[]][] = [
    ["command-line words (lvsh comp<Tab>)", [lvsh, "__complete", "lvsh comp", "comp"]],
    ["a statement inside -c (lvsh -c 'service :80 w<Tab>)", [lvsh, "__complete", "lvsh -c 'service :80 w", "'service :80 w"]],
    ["a value inside -c (lvsh -c 'use service <Tab>)", value],
  ];
  // the first value Tab after a commit makes Tab's copy of the revision: timed once, on its own
  const first = wall(value);
  for (let i = 0; i < 3; i++) for (const argv of [node, ...cases.map((c) => c[1])]) wall(argv);
  const node0: number[] = [];
  const times = cases.map(() => [] as number[]);
  for (let i = 0; i < 20; i++) {
    node0.push(wall(node));
    cases.forEach(([, argv], k) => times[k]!.push(wall(argv)));
  }
  cases.forEach(([what], k) => {
    const ratio = median(times[k]!) / median(node0);
    log(`lvsh __complete, ${what}: ${median(times[k]!).toFixed(1)} ms wall, node -e 0: ${median(node0).toFixed(1)} ms; ratio ${ratio.toFixed(2)} (goal <= 1.3 -> ${ratio <= 1.3 ? "met" : "NOT met"})`);
  });
  log(`lvsh __complete, the first value after a commit (it makes Tab's copy of the revision, through the parser's snapshot): ${first.toFixed(1)} ms once`);
  rmSync(state, { recursive: true, force: true });
}
