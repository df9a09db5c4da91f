/**
 * `add rs` read straight from its tokens (plain.ts) against the parser and
 * cstToAst: where it answers, the same statement; where they have a word to
 * say, it leaves the statement to them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/lang/index.js";
import { parse } from "../../src/lang/index.js";
import { LineMap } from "../../src/lang/lines.js";
import { splitStatements } from "../../src/lang/parse.js";
import { parseStatementTokens } from "../../src/lang/parser.js";
import { plainAddRs } from "../../src/lang/plain.js";
import { cstToAst } from "../../src/lang/to-ast.js";
import { getLexer } from "../../src/lang/tokens.js";

/** Each statement of a source: plain's reading and the parser's (with what it said). */
function both(src: string) {
  const lexed = getLexer().tokenize(src);
  const lines = new LineMap(src);
  return splitStatements(lexed.tokens, src.length).map(({ tokens }) => {
    const last = tokens[tokens.length - 1]!;
    const span = lines.span("f", tokens[0]!.startOffset, last.startOffset + last.image.length);
    const plain = plainAddRs(tokens, "f", lines, span);
    const { cst, errors } = parseStatementTokens(tokens);
    const said: Diagnostic[] = [];
    const node = errors.length ? undefined : cstToAst(cst, "f", lines, span, said);
    return { plain, node, clean: errors.length === 0 && said.length === 0 && node !== undefined };
  });
}

describe("add rs read without the parser", () => {
  it("reads what the parser reads, and leaves to it whatever it has a word to say about (random statements)", () => {
    const target = fc.constantFrom(".2", ".3", ".2:80", ".1.2", ".300", "10.0.0.1", "10.0.0.1:8080", "10.0.0.1:0", "10.0.0.1:99999", "[2001:db8::1]:80", "2001:db8::1", "1.2.3", "drr", "x", "'.4'", '".5"', "010.0.0.1");
    const word = fc.constantFrom("dr", "nat", "tun", "weight", "min", "max", "type", "ipip", "gue", "port", "csum", "0", "1", "65535", "65536", "007", "2147483647", "2147483648", "x", ".9");
    let answered = 0;
    fc.assert(
      fc.property(fc.array(target, { minLength: 0, maxLength: 4 }), fc.array(word, { maxLength: 8 }), fc.constantFrom(" ", "  ", " \\\n "), (ts, ws, sep) => {
        const src = ["add", "rs", ...ts, ...ws].join(sep);
        for (const r of both(src)) {
          if (r.plain) {
            answered++;
            expect(r.clean, src).toBe(true);
            expect(r.plain, src).toEqual(r.node);
          } else if (r.clean && r.node?.kind === "add-rs") {
            // the parser read it without a word: plain leaves only what it is not written for
            expect(src, "plain leaves a clean add rs").toMatch(/type|port|csum|'|"/);
          }
        }
      }),
      { numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(50);
  });

  it("is what parse() gives a long script, statement for statement", () => {
    const lines = ["vip 10.0.0.1"];
    for (let s = 0; s < 5; s++) {
      lines.push(`service :${80 + s} wrr`);
      for (let r = 0; r < 20; r++) lines.push(`add rs .${1 + r} weight ${r % 5} ${r % 3 ? "dr" : "nat"}${r % 4 ? "" : " max 9 min 2"}`);
    }
    const src = lines.join("\n");
    const p = parse(src, "f");
    expect(p.diagnostics).toEqual([]);
    const adds = both(src).filter((r) => r.node?.kind === "add-rs");
    expect(adds).toHaveLength(100);
    for (const a of adds) expect(a.plain).toEqual(a.node);
    expect(p.statements.filter((s) => s.kind === "add-rs")).toEqual(adds.map((a) => a.node));
  });
});
