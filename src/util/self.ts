/**
 * How to start this lvsh again (the commit-confirmed timer, the boot unit):
 * the launcher `dist/lvsh` when lvsh runs from its startup snapshot, else
 * node with the bundle it was started from.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export function selfCommand(): string[] {
  const i = process.execArgv.indexOf("--snapshot-blob");
  const blob = i >= 0 ? process.execArgv[i + 1] : undefined;
  if (blob) {
    const launcher = join(dirname(resolve(blob)), "lvsh");
    return existsSync(launcher) ? [launcher] : [process.execPath, "--snapshot-blob", resolve(blob), "--"];
  }
  return [process.execPath, resolve(process.argv[1]!)];
}
