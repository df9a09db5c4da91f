/**
 * What the startup snapshots (snapshot.ts, snapshot-complete.ts) run once
 * while they are made, so that they hold it compiled and the lazily loaded
 * parts of node it needs: pure code on examples, no I/O. And how a
 * snapshot's main function ends.
 */
import { complete } from "../complete/index.js";
import { parse, type ConfigStatement } from "../lang/index.js";
import { emptyConfig, emptyContext, evaluate } from "../model/index.js";
import { answerComplete } from "./complete-args.js";

/** Tab on statements and on command-line words: the parser's content assist, values from a configuration, the command-line tables, the answer's format. */
export async function warmCompletion(): Promise<void> {
  const r = evaluate(parse("vip 172.25.254.10 on eth0\nservice :80 rr\nadd rs .2 .3 dr", "warm").statements as ConfigStatement[], emptyConfig(), emptyContext);
  const start = { config: r.config, context: r.context, revisions: [1, 2] };
  for (const t of ["", "vip 1.2.3.4 on ", "service :80 w", "add rs .2 ", "del rs ", "use service ", "show "]) complete(t, t.length, start);
  const statements = async (text: string) => {
    const c = complete(text, text.length, start);
    return { partial: c.partial, items: c.items.map((i) => ({ word: i.value, ...(i.doc ? { doc: i.doc } : {}) })) };
  };
  for (const [line, cur] of [
    ["lvsh comp", "comp"],
    ["lvsh --", "--"],
    ["lvsh -c 'service :80 w", "'service :80 w"],
    ["lvsh show ", ""],
  ] as const) {
    await answerComplete([line, cur], statements);
    await answerComplete([line, cur, "zsh"], statements);
  }
}

/** A snapshot's main function ends with this: the exit code, or an internal error's. */
export function settle(done: Promise<number>): void {
  done.then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`lvsh: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
