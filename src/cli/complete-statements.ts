/**
 * Statements inside `lvsh -c '...'` for shell completion: the same engine
 * as the interactive shell, on the last committed configuration (read from
 * the state directory; no host is contacted on a Tab).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { complete } from "../complete/index.js";
import { emptyConfig, emptyContext } from "../model/index.js";
import { configOf, latestRevision, stateDirFrom } from "../txn/index.js";

function lastConfig() {
  const root = stateDirFrom(process.env, process.getuid?.());
  const revs = [join(root, "revisions"), join(root, "sim", "revisions")]
    .filter((d) => existsSync(d) && readdirSync(d).length)
    .map((d) => latestRevision(d)!)
    .sort((a, b) => b.time.localeCompare(a.time));
  return revs[0] ? configOf(revs[0].config) : emptyConfig();
}

export async function completeStatements(text: string): Promise<{ partial: string; values: string[] }> {
  const c = complete(text, text.length, { config: lastConfig(), context: emptyContext });
  return { partial: c.partial, values: c.items.map((i) => i.value) };
}
