/**
 * The grammar as data for content assist (assist.ts): the parser's
 * productions, which token matches which category, and the keywords with
 * their docs. The shell's Tab reads it from the parser it has; the build
 * writes it into Tab's light completer (dist/lvsh-words.cjs), which then
 * needs neither Chevrotain nor the parser.
 */
import {
  Alternation,
  Alternative,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
  tokenMatcher,
  type IProduction,
  type IToken,
} from "chevrotain";
import type { AssistTable, Prod } from "./assist.js";
import { getParser, MAX_LOOKAHEAD } from "./parser.js";
import { allTokens, keywordsInOrder } from "./tokens.js";

function prod(p: IProduction): Prod {
  if (p instanceof Terminal) return { k: "t", n: p.terminalType.name };
  if (p instanceof NonTerminal) return { k: "nt", n: p.nonTerminalName };
  if (p instanceof Alternation) return { k: "or", d: (p.definition as Alternative[]).map((a) => a.definition.map(prod)) };
  if (p instanceof Option) return { k: "opt", d: p.definition.map(prod) };
  if (p instanceof RepetitionMandatoryWithSeparator) return { k: "rep1-sep", d: p.definition.map(prod), sep: p.separator.name };
  if (p instanceof RepetitionWithSeparator) return { k: "rep-sep", d: p.definition.map(prod), sep: p.separator.name };
  if (p instanceof RepetitionMandatory) return { k: "rep1", d: p.definition.map(prod) };
  if (p instanceof Repetition) return { k: "rep", d: p.definition.map(prod) };
  if (p instanceof Alternative) return { k: "alt", d: p.definition.map(prod) };
  throw new Error(`a production content assist does not know: ${p.constructor.name}`);
}

let table: AssistTable | undefined;

export function assistTable(): AssistTable {
  if (table) return table;
  const rules: Record<string, Prod[]> = {};
  for (const [name, rule] of Object.entries(getParser().getGAstProductions())) rules[name] = rule.definition.map(prod);
  const matches: Record<string, string[]> = {};
  for (const t of allTokens) {
    const m = allTokens.filter((c) => c !== t && tokenMatcher({ tokenTypeIdx: t.tokenTypeIdx } as IToken, c)).map((c) => c.name);
    if (m.length) matches[t.name] = m;
  }
  const keywords = keywordsInOrder.map((k) => ({ word: k.word, name: k.token.name, doc: k.doc, categories: k.categories.map((c) => c.name) }));
  table = { rules, matches, keywords, maxLookahead: MAX_LOOKAHEAD };
  return table;
}
