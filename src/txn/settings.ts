/**
 * The state directory's `settings` file: what an administrator sets once for
 * every lvsh on this machine, one `NAME = VALUE` a line, `#` comments.
 *
 *   parallel = 16   # hosts of a real-server phase that run at once (1: one after another)
 *
 * lvsh never writes it. A line it cannot read is a located error, never a
 * guess (the state is damaged, or the file was written for another lvsh).
 */
import { readStateFile, StateFileError } from "../util/index.js";

export interface Settings {
  readonly parallel?: number;
}

/** The most hosts side by side: past a few hundred, ssh's own limits (MaxStartups, file descriptors) come first. */
export const MAX_PARALLEL = 1024;

/** A `parallel` value (the setting, `--parallel`): an integer 1..MAX_PARALLEL, or why not. */
export function parallelValue(text: string): number | string {
  if (!/^\d+$/.test(text.trim())) return `\`${text}\` is not a whole number of hosts`;
  const n = Number(text);
  if (n < 1 || n > MAX_PARALLEL) return `${n} is out of range (1 to ${MAX_PARALLEL})`;
  return n;
}

export function readSettings(path: string): Settings {
  const text = readStateFile(path);
  if (text === undefined) return {};
  const out: { parallel?: number } = {};
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const m = /^([a-z][\w-]*)\s*=\s*(.*)$/.exec(line);
    const where = `line ${i + 1}`;
    if (!m) throw new StateFileError(path, `${where}: \`${line}\` is not \`NAME = VALUE\``, "fix or remove the line (settings: parallel = N)");
    if (m[1] !== "parallel") throw new StateFileError(path, `${where}: unknown setting \`${m[1]}\``, "the settings lvsh knows: parallel");
    const v = parallelValue(m[2]!);
    if (typeof v === "string") throw new StateFileError(path, `${where}: parallel: ${v}`, "parallel = N, how many hosts run at once (default 16)");
    out.parallel = v;
  }
  return out;
}
