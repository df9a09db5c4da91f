/**
 * `lvsh __complete` without the parser: dist/lvsh-words.cjs, which plain
 * node runs without a startup snapshot (reading and deserializing one
 * costs node about as much again as `node -e 0`). It answers command-line
 * words (`lvsh comp<Tab>`, `lvsh commit --<Tab>`) from the command-line
 * tables, and keywords of statements (`lvsh -c 'service :80 w<Tab>'`) from
 * the grammar table the build wrote into it (complete-light.ts). When the
 * line needs the statement engine -- a value, which comes from the last
 * revision -- it asks the launcher again, told to use the engine
 * (LVSH_COMPLETE_ENGINE=1): the answer is the same, only slower.
 */
import { dirname, join } from "node:path";
import type { AssistTable } from "../lang/assist.js";
import { writeNow } from "../util/out.js";
import { answerComplete } from "./complete-args.js";
import { lightStatements, NeedsEngine } from "./complete-light.js";

/** The grammar table, written here by the build as JSON (scripts/build.mjs); none when run from the sources. */
declare const __LVSH_ASSIST_JSON__: string | undefined;
const table = typeof __LVSH_ASSIST_JSON__ === "undefined" ? undefined : (JSON.parse(__LVSH_ASSIST_JSON__) as AssistTable);

// node FILE __complete LINE CUR [SHELL [TYPE]]
const argv = process.argv.slice(2);

async function viaEngine(): Promise<number> {
  // loaded only here: child_process costs node a few ms at start, on every Tab
  const { spawnSync } = await import("node:child_process");
  // the launcher beside this file (node was given its path), through sh: as it was started (it may lack its x bit)
  const launcher = join(dirname(process.argv[1]!), "lvsh");
  let error: Error | undefined;
  let status: number | null = null;
  try {
    ({ error, status } = spawnSync("sh", [launcher, ...argv], { env: { ...process.env, LVSH_COMPLETE_ENGINE: "1" }, stdio: ["ignore", "inherit", "inherit"] }));
  } catch (e) {
    // node's permission model refuses child processes by throwing
    error = e as Error;
  }
  if (error) {
    process.stderr.write(`lvsh: cannot run ${launcher}: ${error.message}\n`);
    return 70;
  }
  return status ?? 70;
}

answerComplete(argv.slice(1), table ? lightStatements(table) : () => Promise.reject(new NeedsEngine())).then(
  (out) => {
    writeNow(1, out);
  },
  (e: unknown) => {
    if (e instanceof NeedsEngine) return viaEngine().then((code) => void (process.exitCode = code));
    else {
      process.stderr.write(`lvsh: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
