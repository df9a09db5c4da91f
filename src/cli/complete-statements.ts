/**
 * Statements inside `lvsh -c '...'` (and what `lvsh show TOPIC` takes) for
 * shell completion: the same engine as the interactive shell, on the last
 * committed configuration and the revisions of the state directory (the
 * target's, when the command line names one; else the one committed to
 * last). No host is contacted on a Tab.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { complete } from "../complete/index.js";
import { emptyConfig, emptyContext } from "../model/index.js";
import { configOf, latestRevision, revisionNumbers, stateDirFrom } from "../txn/index.js";

/** The revisions directory completion reads: the target's, or the one with the latest revision. */
function revisionsDir(target?: "sim" | "local"): string | undefined {
  const root = stateDirFrom(process.env, process.getuid?.());
  const dirs = target === "sim" ? [join(root, "sim", "revisions")] : target === "local" ? [join(root, "revisions")] : [join(root, "revisions"), join(root, "sim", "revisions")];
  const latest = dirs
    .filter((d) => existsSync(d) && readdirSync(d).length)
    .map((d) => ({ d, r: latestRevision(d) }))
    .filter((x) => x.r)
    .sort((a, b) => b.r!.time.localeCompare(a.r!.time));
  return latest[0]?.d;
}

export async function completeStatements(text: string, opts: { readonly target?: "sim" | "local" } = {}): Promise<{ partial: string; items: { word: string; doc?: string }[] }> {
  const dir = revisionsDir(opts.target);
  const last = dir ? latestRevision(dir) : undefined;
  const c = complete(text, text.length, { config: last ? configOf(last.config) : emptyConfig(), context: emptyContext, revisions: dir ? revisionNumbers(dir) : [] });
  return { partial: c.partial, items: c.items.map((i) => ({ word: i.value, ...(i.doc ? { doc: i.doc } : {}) })) };
}
