/**
 * Tab's light completer for statements (inside `-c '...'`, and what `show`,
 * `doctor` and `watch` take), in dist/lvsh-words.cjs: the grammar as data
 * (the table the build wrote from the parser), the plain lexer, no
 * Chevrotain -- plain node answers in a few ms where the parser's snapshot
 * costs node as much again as `node -e 0`. Values come from the same code
 * as the engine's (complete/values.ts), on the copy of the last revision's
 * configuration the engine keeps in the state directory's cache. Where it
 * cannot answer alone (no such copy yet, or a stale one; `help`'s topics,
 * read off the grammar; a line the plain lexer leaves to Chevrotain's) it
 * throws NeedsEngine, and the caller asks the engine: the answer is the
 * same, only slower.
 */
import type { AssistTable } from "../lang/assist.js";
import { lexPlainAs, type PlainKinds } from "../lang/lex-plain.js";
import { candidatesOf, completeStatement, type Tok } from "../complete/statement.js";
import { valueItems } from "../complete/values.js";
import { emptyConfig, emptyContext, type Config } from "../model/types.js";
import type { StatementCompleter } from "./complete-args.js";
import { cacheSlot, cachedConfig, revisionsDir } from "./complete-revision.js";

/** Thrown when the line needs the statement engine. */
export class NeedsEngine extends Error {}

const needsEngine = (): never => {
  throw new NeedsEngine();
};

function orEngine<T>(f: () => T): T {
  try {
    return f();
  } catch {
    return needsEngine();
  }
}

export function lightStatements(table: AssistTable): StatementCompleter {
  const byWord = new Map(table.keywords.map((k) => [k.word, k.name]));
  const kinds: PlainKinds<string> = {
    newline: "Newline",
    semicolon: "Semicolon",
    comment: "Comment",
    string: "StringLiteral",
    number: "NumberLiteral",
    word: "Word",
    keyword: (image) => byWord.get(image),
  };
  const lex = (text: string): Tok[] => lexPlainAs(text, kinds, (image, _offset, type): Tok => ({ image, type }))?.tokens ?? needsEngine();
  return (text, opts) =>
    Promise.resolve().then(() => {
      // read as the engine reads them, only when a value is asked for
      let dir: ReturnType<typeof revisionsDir> | null = null;
      const revisions = () => (dir === null ? (dir = revisionsDir(opts.target)) : dir);
      let config: Config | undefined;
      const ctx = {
        get config(): Config {
          const r = revisions();
          // a revision gone since the listing: the engine says what it says of it
          config ??= r ? (cachedConfig(orEngine(() => cacheSlot(r.d, r.n[r.n.length - 1]!))) ?? needsEngine()) : emptyConfig();
          return config;
        },
        context: emptyContext,
        get revisions() {
          return revisions()?.n ?? [];
        },
        helpTopics: needsEngine,
      };
      return candidatesOf(completeStatement(text, text.length, { table, lex, values: (ruleStack, preceding, partial) => valueItems(ruleStack, preceding, partial, ctx) }));
    });
}
