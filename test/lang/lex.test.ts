/**
 * The hand-written lexer (lexPlain) against Chevrotain's: where it answers,
 * the same tokens (image, offset, type) and comments; where the lexer would
 * report an error, it leaves the source to the lexer. And the parse of a
 * statement taken from the parse of another of the same shape (the cache)
 * is the parse of its own.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CstNode, ILexingResult, IToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getLexer, lexPlain } from "../../src/lang/tokens.js";
import { parse } from "../../src/lang/index.js";
import { generateScript } from "../../bench/lang.js";

const simple = (ts: readonly IToken[]) => ts.map((t) => [t.image, t.startOffset, t.tokenType.name, t.tokenTypeIdx]);
const same = (a: ILexingResult, b: ILexingResult) => {
  expect(simple(a.tokens)).toEqual(simple(b.tokens));
  expect(simple(a.groups.comments ?? [])).toEqual(simple(b.groups.comments ?? []));
  expect(a.errors).toEqual([]);
  expect(b.errors).toEqual([]);
};

const examples = join(import.meta.dirname, "../../examples");

describe("lexPlain", () => {
  it("lexes the examples, the grammar table and a 10,000-line script as the lexer does", () => {
    const sources = [
      ...readdirSync(examples).map((f) => readFileSync(join(examples, f), "utf8")),
      // each case of the grammar table on its own (some are the lexer's errors)
      ...readFileSync(new URL("./grammar.t.txt", import.meta.url), "utf8")
        .split("\n")
        .filter((l) => !l.startsWith("#") && !l.startsWith("=> ") && !l.startsWith("! ")),
      generateScript(100, 100),
    ];
    let plain = 0;
    for (const src of sources) {
      const fast = lexPlain(src);
      const slow = getLexer().tokenize(src);
      if (slow.errors.length) expect(fast).toBeUndefined();
      else if (fast) {
        same(fast, slow);
        plain++;
      }
    }
    // all but the few with characters left to the lexer
    expect(plain).toBeGreaterThan(sources.length * 0.9);
  });

  it("answers as the lexer does, or leaves it to the lexer (random sources)", () => {
    const pieces = [
      "add", "rs", "weight", "on", "one-packet", "onx", "rr1", "10", "10.0.0.1", "[2001:db8::1]:80", ":80", ".2",
      " ", "\t", "\f", "\v", "\n", "\r\n", "\r", ";", "#", "# c\r", "\\\n", "\\\r\n", "\\", "\\x",
      '"', '"a b"', '"a\\"b"', '"\\\n"', "'", "'x y'", "'\n'", "it's", "é", "\u00a0", "\u2028", "\x00", "\x7f", "json", "-", "$", "~",
    ];
    let answered = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const src = parts.join("");
        const slow = getLexer().tokenize(src);
        const fast = lexPlain(src);
        if (fast === undefined) return;
        answered++;
        same(fast, slow);
      }),
      { numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  it("leaves nothing plain to the lexer: a script without oddities is lexed by hand", () => {
    expect(lexPlain('vip 10.0.0.1 on eth0 # c\nservice :80 rr; add rs .2 .3 weight 2 \\\n  max 9\ncommit comment "a \\" b"\n')).toBeDefined();
  });
});

/** A CST with its tokens as [image, offset]: what the AST is built from. */
function plainCst(n: CstNode): unknown {
  return {
    name: n.name,
    children: Object.fromEntries(
      Object.entries(n.children).map(([k, list]) => [k, list.map((x) => ("image" in x ? [x.image, x.startOffset, x.tokenType.name] : plainCst(x)))]),
    ),
  };
}

describe("the parse of statements of one shape", () => {
  it("gives each statement the statements and diagnostics of a parse without the cache", async () => {
    const { parseStatementTokens, clearStatementCache } = await import("../../src/lang/parser.js");
    const src = [
      generateScript(3, 5),
      "service :81 wrr persistent 60; add rs .4 .5 weight 3 max 9 min 2; add rs .6 .7 weight 4 max 8 min 1",
      "watch json; watch :80; watch json; watch :81 interval 3; doctor json; doctor :80; doctor json",
      "show plan; show rs json; show rs :80; commit comment x; commit comment y force",
      "add rs .2 weight x; add rs .3 weight 2; add rs .2 weight x",
    ].join("\n");
    clearStatementCache();
    const cached = parse(src, "a");
    clearStatementCache(0);
    const fresh = parse(src, "a");
    clearStatementCache();
    expect(cached.statements).toEqual(fresh.statements);
    expect(cached.diagnostics).toEqual(fresh.diagnostics);
    // and the CST itself, token for token
    const toks = lexPlain("add rs .2 weight 1; add rs .3 weight 2")!.tokens;
    const a = parseStatementTokens(toks.slice(0, 5));
    const b = parseStatementTokens(toks.slice(6));
    clearStatementCache(0);
    const c = parseStatementTokens(toks.slice(6));
    clearStatementCache();
    expect(a.errors).toEqual([]);
    expect(plainCst(b.cst)).toEqual(plainCst(c.cst));
    expect(plainCst(b.cst)).not.toEqual(plainCst(a.cst));
  });
});
