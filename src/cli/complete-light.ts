/**
 * Tab's light completer for statements (inside `-c '...'`, and what `show`,
 * `doctor` and `watch` take), in dist/lvsh-words.cjs: the grammar as data
 * (the table the build wrote from the parser), the plain lexer, no
 * Chevrotain -- plain node answers in a few ms where the parser's snapshot
 * costs node as much again as `node -e 0`. Where it cannot answer alone (a
 * value is asked for: it comes from the last revision; a line the plain
 * lexer leaves to Chevrotain's) it throws NeedsEngine, and the caller asks
 * the engine: the answer is the same, only slower.
 */
import type { AssistTable } from "../lang/assist.js";
import { lexPlainAs, type PlainKinds } from "../lang/lex-plain.js";
import { candidatesOf, completeStatement, type Tok } from "../complete/statement.js";
import type { StatementCompleter } from "./complete-args.js";

/** Thrown when the line needs the statement engine. */
export class NeedsEngine extends Error {}

const needsEngine = (): never => {
  throw new NeedsEngine();
};

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
  return (text) => Promise.resolve().then(() => candidatesOf(completeStatement(text, text.length, { table, lex, values: needsEngine })));
}
