/**
 * Boots the lab VM once for the whole kernel suite: `lab.sh run
 * guest/suite.sh DIR` (fetches the kernel and builds the initramfs first if
 * the cache lacks them), then hands DIR to the tests as `inject("lab")`.
 * lab.sh prints the boot and run times. DIR is removed afterwards unless
 * LVSH_LAB_RESULTS_DIR names it. A non-zero exit of the suite itself is only
 * information: the tests judge what the guest wrote.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { labUnavailable, type LabRun } from "./lab.js";

const here = dirname(fileURLToPath(import.meta.url));

function run(argv: string[]): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", fail);
    child.on("exit", (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

export default async function setup(project: TestProject): Promise<() => void> {
  const skip = labUnavailable();
  if (skip !== undefined) {
    process.stderr.write(`lab: the kernel tests are skipped: ${skip}\n`);
    project.provide("lab", { skip });
    return () => {};
  }
  const keep = process.env.LVSH_LAB_RESULTS_DIR;
  const dir = keep ? resolve(keep) : mkdtempSync(join(tmpdir(), "lvsh-lab-"));
  mkdirSync(dir, { recursive: true });
  const exitCode = await run(["bash", join(here, "lab.sh"), "run", join(here, "guest", "suite.sh"), dir]);
  const lab: LabRun = { dir, exitCode };
  if (exitCode === 124) lab.error = `the VM timed out (LVSH_LAB_TIMEOUT); console: ${join(dir, "console.log")}`;
  else if (exitCode === 125) lab.error = "lab.sh failed before the guest suite finished; see its output above";
  else if (!existsSync(join(dir, "exit"))) lab.error = `lab.sh exited ${exitCode} without a result`;
  project.provide("lab", lab);
  return () => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
}
