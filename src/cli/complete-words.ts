/**
 * `lvsh __complete` for command-line words (`lvsh comp<Tab>`, `lvsh commit
 * --<Tab>`): dist/lvsh-words.cjs, a few kB that plain node runs without a
 * startup snapshot. Reading and deserializing a snapshot costs node about
 * as much again as `node -e 0`; this file costs a few ms. The launcher
 * sends a Tab here unless its line looks like one for statements (an open
 * quote, `-c`, `show`, `doctor`, `watch`); when it was wrong, the line needs
 * the statement engine after all, and this asks the launcher again, told
 * to use the engine (LVSH_COMPLETE_ENGINE=1): the answer is the same, only
 * slower.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { answerComplete } from "./complete-args.js";

/** Thrown when the line needs the statement engine, which this file does not hold. */
class NeedsEngine extends Error {}

// node FILE __complete LINE CUR [SHELL [TYPE]]
const argv = process.argv.slice(2);

function viaEngine(): number {
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

answerComplete(argv.slice(1), () => Promise.reject(new NeedsEngine())).then(
  (out) => {
    process.stdout.write(out);
  },
  (e: unknown) => {
    if (e instanceof NeedsEngine) process.exitCode = viaEngine();
    else {
      process.stderr.write(`lvsh: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
