/**
 * Facts read off the grammar itself (never a hand-copied list): which
 * keyword starts which statement, and which keywords a statement can use.
 * Used for "did you mean" hints and for help.
 */
import type { TokenType } from "chevrotain";
import type { Prod } from "./assist.js";
import { assistTable } from "./assist-table.js";
import { keywords } from "./tokens.js";

/** The keyword words a token type stands for (itself, or every keyword of a category). */
export function wordsForToken(t: TokenType): string[] {
  return keywords.filter((k) => k.token === t || k.categories.includes(t)).map((k) => k.word);
}

/** The keyword words a token name stands for, as wordsForToken. */
function wordsForName(name: string): string[] {
  return keywords.filter((k) => k.token.name === name || k.categories.some((c) => c.name === name)).map((k) => k.word);
}

/** The keywords of RULE and its sub-rules, on the grammar as data (assist-table.ts). */
function collect(rules: Readonly<Record<string, readonly Prod[]>>, rule: string, out: Set<string>, seen: Set<string>): void {
  if (seen.has(rule)) return;
  seen.add(rule);
  const walk = (p: Prod): void => {
    if (p.k === "t") for (const w of wordsForName(p.n)) out.add(w);
    else if (p.k === "nt") collect(rules, p.n, out, seen);
    else if (p.k === "or") p.d.forEach((alt) => alt.forEach(walk));
    else {
      if (p.k === "rep-sep" || p.k === "rep1-sep") for (const w of wordsForName(p.sep)) out.add(w);
      p.d.forEach(walk);
    }
  };
  rules[rule]?.forEach(walk);
}

let cache: { byKeyword: Map<string, string>; inRule: Map<string, Set<string>> } | undefined;

function info() {
  if (cache) return cache;
  const { rules } = assistTable();
  const byKeyword = new Map<string, string>();
  // statement: one alternation of sub-rules, each starting with its keyword
  const top = rules.statement![0]!;
  if (top.k !== "or") throw new Error("the statement rule is not an alternation of statements");
  for (const alt of top.d) {
    const nt = alt[0]!;
    const first = nt.k === "nt" ? rules[nt.n]?.[0] : undefined;
    if (nt.k !== "nt" || first?.k !== "t") throw new Error("a statement that does not start with its keyword");
    for (const w of wordsForName(first.n)) byKeyword.set(w, nt.n);
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
    collect(assistTable().rules, rule, s, new Set());
    c.inRule.set(rule, s);
  }
  return s;
}
