/**
 * Completion of lvsh statements, for the shell's Tab and for bash/zsh
 * (through `lvsh __complete`). What may come next is Chevrotain's content
 * assist on the statement's tokens (this is the only module that calls it:
 * it is gone in Chevrotain 12); values come from the candidate, the running
 * state, the hosts' interfaces and the revisions.
 */
import type { IToken, TokenType } from "chevrotain";
import { getLexer, getParser, keywordsInOrder as keywords, tokens as T } from "../lang/index.js";
import type { Config, Context, State } from "../model/index.js";
import { valueItems, type ValueSources } from "./values.js";

export interface Item {
  /** The text to insert. */
  readonly value: string;
  readonly kind: "keyword" | "value";
  /** One line for menus. */
  readonly doc?: string;
}

export interface Completion {
  /** Where the word being completed starts in the text. */
  readonly start: number;
  /** The partial word (text[start, cursor]). */
  readonly partial: string;
  readonly items: readonly Item[];
}

export interface CompletionContext extends ValueSources {
  readonly config: Config;
  readonly context: Context;
  readonly running?: State;
}

/** Groups of keywords of which a statement takes one: once one is there, none is offered again. */
const exclusive: TokenType[][] = [[T.Dr, T.Nat, T.Tun], keywords.filter((k) => k.categories.includes(T.Scheduler)).map((k) => k.token), [T.Csum, T.Nocsum, T.Remcsum]];

/** The start of the statement the cursor is in: after the last `;` or newline outside quotes. */
function statementStart(text: string): number {
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ";" || (c === "\n" && text[i - 1] !== "\\")) start = i + 1;
    else if (c === "#") return -1;
  }
  return start;
}

function wordsFor(t: TokenType): { word: string; doc: string }[] {
  return keywords.filter((k) => k.token === t || k.categories.includes(t)).map((k) => ({ word: k.word, doc: k.doc }));
}

function used(preceding: readonly IToken[]): Set<TokenType> {
  const out = new Set<TokenType>();
  for (const tok of preceding) {
    out.add(tok.tokenType);
    for (const group of exclusive) if (group.includes(tok.tokenType)) for (const g of group) out.add(g);
  }
  return out;
}

export function complete(text: string, cursor: number, ctx: CompletionContext): Completion {
  const before = text.slice(0, cursor);
  const stmtStart = statementStart(before);
  if (stmtStart < 0) return { start: cursor, partial: "", items: [] };
  const stmt = before.slice(stmtStart);
  const partialMatch = /[^\s;#]*$/.exec(stmt)!;
  const partial = partialMatch[0];
  const start = stmtStart + partialMatch.index;
  const lexed = getLexer().tokenize(stmt.slice(0, partialMatch.index));
  const preceding = lexed.tokens.filter((t) => t.tokenType !== T.Newline);
  const paths = getParser().computeContentAssist("statement", preceding);
  const seen = new Set<string>();
  const items: Item[] = [];
  const add = (item: Item) => {
    if (seen.has(item.value) || !item.value.startsWith(partial)) return;
    seen.add(item.value);
    items.push(item);
  };
  const taken = used(preceding.slice(1));
  for (const p of paths) {
    const t = p.nextTokenType;
    const kws = wordsFor(t);
    if (kws.length && !(preceding.length && taken.has(t))) {
      for (const k of kws) if (!taken.has(keywords.find((x) => x.word === k.word)!.token)) add({ value: k.word, kind: "keyword", doc: k.doc });
    }
    if (t === T.Value || t === T.AnyWord || t === T.NumberLiteral || t === T.Word) {
      for (const v of valueItems(p.ruleStack, preceding, partial, ctx)) add(v);
    }
  }
  return { start, partial, items };
}
