/**
 * The entry of lvsh's V8 startup snapshot (`dist/lvsh.blob`, made by
 * scripts/build.mjs with `node --build-snapshot`; `dist/lvsh` starts it).
 * At build time every module is loaded and the hot paths run once on
 * examples (the parser is built, its functions compiled), with no I/O; the
 * heap is then saved. At run time lvsh starts from that heap: no module to
 * load, no grammar to analyse. What depends on the process (argv, env, the
 * terminal, the clock) is read at run time, never at module load.
 */
import v8 from "node:v8";
import { complete } from "../complete/index.js";
import { compile, emptyConfig, emptyContext, evaluate, validate } from "../model/index.js";
import { makePlan, planToJson, renderPlanShell, renderPlanText } from "../plan/index.js";
import { parse, renderDiagnostics, type ConfigStatement } from "../lang/index.js";
import { answerComplete } from "./complete-args.js";
import { completeStatements } from "./complete-statements.js";
import { main } from "./main.js";
import { settle, warmCompletion } from "./warm.js";
import "./interop.js";
import "./completion.js";
import "./watch.js";

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
  for (const t of ["", "vip 1.2.3.4 on ", "service :80 w", "add rs .2 "]) complete(t, t.length, { config: r.config, context: r.context });
}

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  warm();
  void warmCompletion();
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    // node took its own options and the `--` the launcher puts before lvsh's
    const argv = process.argv.slice(1);
    // `__complete` has a snapshot of its own (snapshot-complete.ts); this one answers it too
    settle(argv[0] === "__complete" ? answerComplete(argv.slice(1), completeStatements).then((out) => (process.stdout.write(out), 0)) : main(argv));
  });
}
