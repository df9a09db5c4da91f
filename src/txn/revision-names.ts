/**
 * The names of revision files (no crypto here, unlike revisions.ts: Tab's
 * light completer lists revisions, and node:crypto costs node ~3 ms to load).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { StateFileError } from "../util/files.js";

const NAME = /^(\d+)\.json$/;

/** The file name of revision n. */
export function revisionFile(dir: string, n: number): string {
  return join(dir, `${String(n).padStart(6, "0")}.json`);
}

export function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new StateFileError(dir, `cannot be listed: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The revision numbers, in order: every `N.json` whose name is the number written as lvsh writes it. */
export function revisionNumbers(dir: string): number[] {
  return entries(dir)
    .map((f) => NAME.exec(f))
    .filter((m): m is RegExpExecArray => !!m && `${String(Number(m[1])).padStart(6, "0")}.json` === m[0])
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

