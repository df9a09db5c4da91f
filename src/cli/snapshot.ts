/**
 * The entry of lvsh's V8 startup snapshot (`dist/lvsh.blob`, made by
 * scripts/build.mjs with `node --build-snapshot`; `dist/lvsh` starts it).
 * At build time every module is loaded and the hot paths run once on
 * examples (the parser is built, its functions compiled), with no I/O; the
 * heap is then saved. At run time lvsh starts from that heap: no module to
 * load, no grammar to analyse. What depends on the process (argv, env, the
 * terminal, the clock) is read at run time, never at module load.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import v8 from "node:v8";
import { compile, emptyConfig, emptyContext, evaluate, validate } from "../model/index.js";
import { makePlan, planToJson, renderPlanShell, renderPlanText } from "../plan/index.js";
import { parse, renderDiagnostics, type ConfigStatement } from "../lang/index.js";
import type { FrontIO } from "../session/index.js";
import { answerComplete } from "./complete-args.js";
import { completeStatements } from "./complete-statements.js";
import { parseCli } from "./args.js";
import { main } from "./main.js";
import { writeNow } from "../util/index.js";
import { settle, warmCompletion } from "./warm.js";
import "./interop.js";
import "./completion.js";
import "./watch.js";

const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs";

/** Runs the pure hot paths once, so that the snapshot holds them compiled. */
function warm(): void {
  const text = [
    "host .2 via netns rs1",
    "vip 172.25.254.10 on eth0",
    "service :80 rr",
    "add rs .2 .3 dr weight 2",
    "arp hide on rs",
    "service udp [2001:db8::10]:53 wlc persistent 60",
    "add rs [2001:db8::2]:53 nat",
    "check http / expect 200",
    "director pair .251 .252",
    "service :8080 rrr",
  ].join("\n");
  const p = parse(text, "warm");
  const r = evaluate(p.statements as ConfigStatement[], emptyConfig(), emptyContext);
  renderDiagnostics([...p.diagnostics, ...r.diagnostics, ...validate(r.config)], () => text);
  const plan = makePlan({ hosts: {} }, compile(r.config), { vips: new Set() });
  renderPlanText(plan);
  renderPlanShell(plan);
  JSON.stringify(planToJson(plan));
  // a commit compares its two reads (txn/commit.ts): node loads that comparison lazily, from source
  // (the snapshot keeps no code cache of node's own modules), 0.1 s under the lab's emulated CPU
  isDeepStrictEqual({ hosts: { director: { ipvs: [], arp: [], addrs: [] } } }, { hosts: { director: { ipvs: [], arp: [], addrs: [] } } });
  // the command line's parser (and node's util.parseArgs, loaded lazily)
  for (const argv of [["--sim", "--dry-run", "-c", "service :80 rr"], ["--json", "show", "history"], ["--bogus"]]) parseCli(argv);
}

/**
 * The command line end to end on the simulated target -- a script planned
 * (`lvsh --sim --dry-run -c`), staged, checked -- as a script starts:
 * opening the session, reading the hosts, planning, which no pure example
 * reaches. In a state directory of its own, removed after, and with
 * output dropped: nothing of it stays but compiled code.
 */
async function warmCommandLine(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lvsh-snapshot-"));
  const before = process.env.LVSH_STATE_DIR;
  process.env.LVSH_STATE_DIR = dir;
  let said = "";
  const io: FrontIO = { stdout: () => {}, stderr: (t) => void (said += t), readFile: async () => SEED, tty: false };
  try {
    for (const argv of [
      ["--sim", "--dry-run", "-c", SEED],
      ["--sim", "--dry-run", "--json", "-c", SEED],
      ["--sim", "-c", SEED],
      ["--sim", "check", "seed.lvsh"],
    ]) {
      // a failure here fails the snapshot (the tests see it missing)
      if ((await main(argv, io)) !== 0) throw new Error(`warming the snapshot: lvsh ${argv.join(" ")} failed: ${said}`);
    }
  } finally {
    if (before === undefined) delete process.env.LVSH_STATE_DIR;
    else process.env.LVSH_STATE_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  warm();
  void warmCompletion().then(warmCommandLine);
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    // node took its own options and the `--` the launcher puts before lvsh's
    const argv = process.argv.slice(1);
    // `__complete` has a snapshot of its own (snapshot-complete.ts); this one answers it too
    settle(argv[0] === "__complete" ? answerComplete(argv.slice(1), completeStatements).then((out) => (writeNow(1, out), 0)) : main(argv));
  });
}
