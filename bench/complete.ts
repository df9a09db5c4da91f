/** Tab in the shell with 10,000 real servers loaded, and `lvsh __complete` against `node -e 0`. */
import { spawnSync } from "node:child_process";
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
  const wall = (args: string[]) => {
    const t = performance.now();
    spawnSync(process.execPath, args, { stdio: "ignore" });
    return performance.now() - t;
  };
  for (let i = 0; i < 3; i++) {
    wall(["-e", "0"]);
    wall([lvsh, "__complete", "lvsh comp", "comp"]);
  }
  const node0: number[] = [];
  const comp: number[] = [];
  for (let i = 0; i < 20; i++) {
    node0.push(wall(["-e", "0"]));
    comp.push(wall([lvsh, "__complete", "lvsh comp", "comp"]));
  }
  const ratio = median(comp) / median(node0);
  log(`lvsh __complete (bash/zsh Tab): ${median(comp).toFixed(1)} ms wall, node -e 0: ${median(node0).toFixed(1)} ms; ratio ${ratio.toFixed(2)} (goal <= 1.3 -> ${ratio <= 1.3 ? "met" : "NOT met"})`);
}
