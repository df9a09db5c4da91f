/**
 * Statements inside `lvsh -c '...'` (and what `lvsh show TOPIC` takes) for
 * shell completion: the same engine as the interactive shell, on the last
 * committed configuration and the revisions of the state directory (the
 * target's, when the command line names one; else the one committed to
 * last). No host is contacted on a Tab.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import v8 from "node:v8";
import { candidatesOf, complete } from "../complete/index.js";
import { emptyConfig, emptyContext, type Config } from "../model/index.js";
import { configOf, readRevision, revisionFile, revisionNumbers, stateDirFrom } from "../txn/index.js";
import { StateFileError } from "../util/index.js";

/** The revisions directory completion reads, and its revision numbers: the target's, or the one written to last (its newest file's time: nothing is parsed). */
function revisionsDir(target?: "sim" | "local"): { d: string; n: number[] } | undefined {
  const root = stateDirFrom(process.env, process.getuid?.());
  const dirs = target === "sim" ? [join(root, "sim", "revisions")] : target === "local" ? [join(root, "revisions")] : [join(root, "revisions"), join(root, "sim", "revisions")];
  const latest = dirs
    .map((d) => ({ d, n: existsSync(d) ? revisionNumbers(d) : [] }))
    .filter((x) => x.n.length)
    .map(({ d, n }) => ({ d, n, t: mtimeMs(revisionFile(d, n[n.length - 1]!)) }))
    .sort((a, b) => b.t - a.t);
  return latest[0];
}

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The last revision's configuration, from the state directory's cache
 * (cache/complete-*.v8, v8.serialize) when it was made from that very file
 * (its number, size and time): parsing 10,000 real servers took a value's
 * Tab 0.3 s, the cache 0.04 s. Else the revision is read (and checked, as
 * everywhere) and parsed, and the cache written for the next Tab, if it can
 * be (it is only ever read by completion).
 */
function lastConfig(dir: string, ns: readonly number[]): Config {
  if (!ns.length) return emptyConfig();
  const n = ns[ns.length - 1]!;
  const st = statSync(revisionFile(dir, n));
  const key = `${dir}\n${n}\n${st.size}\n${st.mtimeMs}`;
  const cacheDir = join(stateDirFrom(process.env, process.getuid?.()), "cache");
  const cache = join(cacheDir, `complete-${createHash("sha256").update(dir).digest("hex").slice(0, 12)}.v8`);
  try {
    const kept = v8.deserialize(readFileSync(cache)) as { key?: unknown; config?: Config };
    if (kept.key === key && kept.config) return kept.config;
  } catch {
    // none yet, or not one lvsh can read: made again below
  }
  const last = readRevision(dir, n);
  const config = last ? configOf(last.config) : emptyConfig();
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    const tmp = `${cache}.${process.pid}.tmp`;
    writeFileSync(tmp, v8.serialize({ key, config }), { mode: 0o600 });
    renameSync(tmp, cache);
  } catch {
    // a state directory this user may not write: no cache, the next Tab parses again
  }
  return config;
}

/**
 * Completion of statements on the last revision's configuration, read only
 * when a value is asked for (a keyword needs none: parsing 10,000 real
 * servers took a Tab 0.3 s); one that does not read back offers no value,
 * quietly (a Tab has no room for the error; the next command says it).
 */
export async function completeStatements(text: string, opts: { readonly target?: "sim" | "local" } = {}): Promise<{ partial: string; items: { word: string; doc?: string }[] }> {
  const dir = revisionsDir(opts.target);
  let config: Config | undefined;
  const configured = () => {
    if (config) return config;
    try {
      config = dir ? lastConfig(dir.d, dir.n) : emptyConfig();
    } catch (e) {
      if (!(e instanceof StateFileError)) throw e;
      config = emptyConfig();
    }
    return config;
  };
  const c = complete(text, text.length, {
    get config() {
      return configured();
    },
    context: emptyContext,
    revisions: dir?.n ?? [],
  });
  return candidatesOf(c);
}
