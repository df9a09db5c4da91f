/**
 * Facts read off the grammar itself (never a hand-copied list): which
 * keyword starts which statement, and which keywords a statement can use.
 * Used for "did you mean" hints and for help.
 */
import {
  Alternation,
  Alternative,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  Rule,
  Terminal,
  type IProduction,
  type TokenType,
} from "chevrotain";
import { getParser } from "./parser.js";
import { keywords } from "./tokens.js";

type Productions = ReturnType<ReturnType<typeof getParser>["getGAstProductions"]>;

function children(p: IProduction): IProduction[] {
  if (
    p instanceof Rule ||
    p instanceof Alternative ||
    p instanceof Alternation ||
    p instanceof Option ||
    p instanceof Repetition ||
    p instanceof RepetitionMandatory
  ) {
    return p.definition;
  }
  return [];
}

/** The keyword words a token type stands for (itself, or every keyword of a category). */
export function wordsForToken(t: TokenType): string[] {
  return keywords.filter((k) => k.token === t || k.categories.includes(t)).map((k) => k.word);
}

function collect(prods: Productions, rule: string, out: Set<string>, seen: Set<string>): void {
  if (seen.has(rule)) return;
  seen.add(rule);
  const walk = (p: IProduction): void => {
    if (p instanceof Terminal) for (const w of wordsForToken(p.terminalType)) out.add(w);
    else if (p instanceof NonTerminal) collect(prods, p.nonTerminalName, out, seen);
    else children(p).forEach(walk);
  };
  const r = prods[rule];
  if (r) walk(r);
}

let cache: { byKeyword: Map<string, string>; inRule: Map<string, Set<string>> } | undefined;

function info() {
  if (cache) return cache;
  const prods = getParser().getGAstProductions();
  const byKeyword = new Map<string, string>();
  const top = prods["statement"]!;
  const alternation = top.definition[0] as Alternation;
  for (const alt of alternation.definition) {
    const nt = (alt as Alternative).definition[0] as NonTerminal;
    const rule = prods[nt.nonTerminalName]!;
    const first = rule.definition[0] as Terminal;
    for (const w of wordsForToken(first.terminalType)) byKeyword.set(w, nt.nonTerminalName);
  }
  cache = { byKeyword, inRule: new Map() };
  return cache;
}

/** `vip` -> `vipStatement`, in grammar order. */
export function statementKeywords(): Map<string, string> {
  return info().byKeyword;
}

/** Every keyword a rule can use, through its sub-rules. */
export function keywordsInRule(rule: string): Set<string> {
  const c = info();
  let s = c.inRule.get(rule);
  if (!s) {
    s = new Set();
    collect(getParser().getGAstProductions(), rule, s, new Set());
    c.inRule.set(rule, s);
  }
  return s;
}
