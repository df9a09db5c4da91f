/**
 * Statements inside `lvsh -c '...'` (and what `lvsh show TOPIC` takes) for
 * shell completion: the same engine as the interactive shell, on the last
 * committed configuration and the revisions of the state directory (the
 * target's, when the command line names one; else the one committed to
 * last). No host is contacted on a Tab.
 */
import { candidatesOf, complete } from "../complete/index.js";
import { emptyConfig, emptyContext, type Config } from "../model/index.js";
import { configOf, readRevision } from "../txn/index.js";
import { cacheSlot, cachedConfig, keepConfig, revisionsDir, type TabTarget } from "./complete-revision.js";
import { StateFileError } from "../util/index.js";

/**
 * The last revision's configuration, from the state directory's cache when
 * it was made from that very file (parsing 10,000 real servers took a
 * value's Tab 0.3 s, the cache 0.04 s). Else the revision is read (and
 * checked, as everywhere) and parsed, and the cache written for the next Tab.
 */
function lastConfig(dir: string, ns: readonly number[]): Config {
  if (!ns.length) return emptyConfig();
  const n = ns[ns.length - 1]!;
  const slot = cacheSlot(dir, n);
  const kept = cachedConfig(slot);
  if (kept) return kept;
  const last = readRevision(dir, n);
  const config = last ? configOf(last.config) : emptyConfig();
  keepConfig(slot, config);
  return config;
}

/**
 * Completion of statements on the last revision's configuration, read only
 * when a value is asked for (a keyword needs none: parsing 10,000 real
 * servers took a Tab 0.3 s); one that does not read back offers no value,
 * quietly (a Tab has no room for the error; the next command says it).
 */
export async function completeStatements(text: string, opts: { readonly target?: TabTarget } = {}): Promise<{ partial: string; items: { word: string; doc?: string }[] }> {
  const dir = revisionsDir(opts.target);
  let config: Config | undefined;
  const configured = () => {
    if (config) return config;
    try {
      config = dir ? lastConfig(dir.d, dir.n) : emptyConfig();
    } catch (e) {
      // damaged state (a revision lvsh cannot read, a file gone since the listing): no value
      if (!(e instanceof StateFileError) && (e as NodeJS.ErrnoException).code === undefined) throw e;
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
