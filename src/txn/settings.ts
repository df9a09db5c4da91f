/**
 * The state directory's `settings` file: what an administrator sets once for
 * every lvsh on this machine, one `NAME = VALUE` a line, `#` comments.
 *
 *   parallel = 16   # hosts of a real-server phase that run at once (1: one after another)
 *   revisions = 100 # keep the last 100 revisions; a commit removes older ones (default: all)
 *
 * lvsh never writes it. A line it cannot read is a located error, never a
 * guess (the state is damaged, or the file was written for another lvsh).
 */
import { readStateFile, StateFileError } from "../util/index.js";

export interface Settings {
  readonly parallel?: number;
  readonly revisions?: number;
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

/** A `revisions` value: how many revisions to keep, at least 2 (`rollback` and `commit confirmed` go back to the one before the last), or why not. */
export function revisionsValue(text: string): number | string {
  if (!/^\d+$/.test(text.trim())) return `\`${text}\` is not a whole number of revisions`;
  const n = Number(text);
  if (n < MIN_REVISIONS || n > MAX_REVISIONS) return `${n} is out of range (${MIN_REVISIONS} to ${MAX_REVISIONS})`;
  return n;
}

export const MIN_REVISIONS = 2;
export const MAX_REVISIONS = 1_000_000;

const known: Record<keyof Settings, { value: (text: string) => number | string; hint: string }> = {
  parallel: { value: parallelValue, hint: "parallel = N, how many hosts run at once (default 16)" },
  revisions: { value: revisionsValue, hint: `revisions = N, how many revisions to keep (${MIN_REVISIONS} or more; default: all)` },
};

export function readSettings(path: string): Settings {
  const text = readStateFile(path);
  if (text === undefined) return {};
  const out: { -readonly [K in keyof Settings]: Settings[K] } = {};
  const names = Object.keys(known).join(", ");
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const m = /^([a-z][\w-]*)\s*=\s*(.*)$/.exec(line);
    const where = `line ${i + 1}`;
    if (!m) throw new StateFileError(path, `${where}: \`${line}\` is not \`NAME = VALUE\``, `fix or remove the line (settings: ${Object.values(known).map((k) => k.hint.split(",")[0]).join("; ")})`);
    const name = m[1]! as keyof Settings;
    const setting = Object.hasOwn(known, name) ? known[name] : undefined;
    if (!setting) throw new StateFileError(path, `${where}: unknown setting \`${m[1]}\``, `the settings lvsh knows: ${names}`);
    const v = setting.value(m[2]!);
    if (typeof v === "string") throw new StateFileError(path, `${where}: ${name}: ${v}`, setting.hint);
    if (out[name] !== undefined) throw new StateFileError(path, `${where}: ${name} is set a second time`, "one line per setting: remove one of them");
    out[name] = v;
  }
  return out;
}
