/**
 * lang/assist.ts walks the grammar as Chevrotain 11's computeContentAssist
 * does (it is gone in Chevrotain 12): on the same tokens, the same next
 * tokens with the same rule stacks, in the same order -- on every prefix of
 * the examples' statements, on random walks through the grammar, and on
 * random token soup (Tab is pressed on half-written, wrong statements).
 */
import type { IToken, TokenType } from "chevrotain";
import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assistTable, getLexer, getParser, nextTokens, tokens as T, type AssistTable } from "../../src/lang/index.js";
import type { Prod } from "../../src/lang/assist.js";

const table = assistTable();
const concrete = T.allTokens.filter((t) => t.PATTERN !== undefined && typeof t.PATTERN !== "string" && String(t.PATTERN) !== String(/NOT_APPLICABLE/) && t.GROUP === undefined);
const byName = new Map(T.allTokens.map((t) => [t.name, t]));

function chevrotain(names: readonly string[]) {
  const toks = names.map((n) => ({ image: n, tokenType: byName.get(n)!, tokenTypeIdx: byName.get(n)!.tokenTypeIdx! }) as IToken);
  return getParser()
    .computeContentAssist("statement", toks)
    .map((p) => ({ next: p.nextTokenType.name, ruleStack: p.ruleStack }));
}

function same(names: readonly string[]) {
  expect(nextTokens(table, "statement", names), names.join(" ")).toEqual(chevrotain(names));
}

/** A random path through the grammar from `statement`: concrete token names (a category becomes a token of it). */
function walk(t: AssistTable, pick: (n: number) => number, limit = 30): string[] {
  const out: string[] = [];
  const members = (cat: string) => concrete.map((c) => c.name).filter((c) => c === cat || t.matches[c]?.includes(cat));
  const go = (def: readonly Prod[], depth: number) => {
    for (const p of def) {
      if (out.length >= limit || depth > 12) return;
      switch (p.k) {
        case "t": {
          const m = members(p.n);
          out.push(m[pick(m.length)]!);
          break;
        }
        case "nt":
          go(t.rules[p.n]!, depth + 1);
          break;
        case "opt":
          if (pick(2)) go(p.d, depth);
          break;
        case "rep":
        case "rep-sep":
          for (let i = pick(3); i > 0; i--) go(p.d, depth);
          break;
        case "rep1":
        case "rep1-sep":
          for (let i = 1 + pick(3); i > 0; i--) go(p.d, depth);
          break;
        case "or":
          go(p.d[pick(p.d.length)]!, depth);
          break;
        case "alt":
          go(p.d, depth);
          break;
      }
    }
  };
  go(t.rules.statement!, 0);
  return out;
}

describe("content assist without Chevrotain", () => {
  it("matches computeContentAssist on every prefix of the examples' statements", () => {
    const files = readdirSync("examples").map((f) => `examples/${f}`).concat("test/fixtures/interop/every-option.lvsh");
    let prefixes = 0;
    for (const f of files) {
      const toks = getLexer().tokenize(readFileSync(f, "utf8")).tokens;
      let stmt: TokenType[] = [];
      for (const tok of [...toks, { tokenType: T.Newline } as IToken]) {
        if (tok.tokenType === T.Newline || tok.tokenType === T.Semicolon) {
          for (let i = 0; i <= stmt.length; i++, prefixes++) same(stmt.slice(0, i).map((x) => x.name));
          stmt = [];
        } else stmt.push(tok.tokenType);
      }
    }
    expect(prefixes).toBeGreaterThan(200);
  });

  it("matches it on random walks through the grammar, at every prefix", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), (seed) => {
        let i = 0;
        const names = walk(table, (n) => seed[i++ % seed.length]! % n);
        for (let k = 0; k <= names.length; k++) same(names.slice(0, k));
      }),
      { numRuns: 300 },
    );
  });

  it("matches it on random token soup", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...concrete.map((c) => c.name)), { maxLength: 8 }), (names) => same(names)),
      { numRuns: 2000 },
    );
  });

  it("knows every production of the grammar and every keyword", () => {
    expect(Object.keys(table.rules).sort()).toEqual(Object.keys(getParser().getGAstProductions()).sort());
    expect(table.keywords.map((k) => k.word)).toEqual(T.keywordsInOrder.map((k) => k.word));
    // a category's match: Word is a Value, AnyWord; rr is a Scheduler, Keyword
    expect(table.matches.Word).toEqual(expect.arrayContaining(["Value", "AnyWord"]));
    expect(table.matches.Kw_rr).toEqual(expect.arrayContaining(["Scheduler", "Keyword", "AnyWord"]));
    // JSON-safe: the build writes it into the light completer
    expect(JSON.parse(JSON.stringify(table))).toEqual(table);
  });
});
