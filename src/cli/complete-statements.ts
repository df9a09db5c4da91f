/**
 * Statements inside `lvsh -c '...'` (and what `lvsh show TOPIC` takes) for
 * shell completion: the same engine as the interactive shell, on the last
 * committed configuration and the revisions of the state directory (the
 * target's, when the command line names one; else the one committed to
 * last). No host is contacted on a Tab.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { complete } from "../complete/index.js";
import { emptyConfig, emptyContext, type Config } from "../model/index.js";
import { configOf, latestRevision, revisionFile, revisionNumbers, stateDirFrom } from "../txn/index.js";
import { StateFileError } from "../util/index.js";

/** The revisions directory completion reads: the target's, or the one written to last (its newest file's time: nothing is parsed). */
function revisionsDir(target?: "sim" | "local"): string | undefined {
  const root = stateDirFrom(process.env, process.getuid?.());
  const dirs = target === "sim" ? [join(root, "sim", "revisions")] : target === "local" ? [join(root, "revisions")] : [join(root, "revisions"), join(root, "sim", "revisions")];
  const latest = dirs
    .map((d) => ({ d, n: existsSync(d) ? revisionNumbers(d) : [] }))
    .filter((x) => x.n.length)
    .map(({ d, n }) => ({ d, t: mtimeMs(revisionFile(d, n[n.length - 1]!)) }))
    .sort((a, b) => b.t - a.t);
  return latest[0]?.d;
}

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
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
      const last = dir ? latestRevision(dir) : undefined;
      config = last ? configOf(last.config) : emptyConfig();
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
    revisions: dir ? revisionNumbers(dir) : [],
  });
  return { partial: c.partial, items: c.items.map((i) => ({ word: i.value, ...(i.doc ? { doc: i.doc } : {}) })) };
}
