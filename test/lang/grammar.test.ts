/** The grammar table (grammar.t.txt): every statement, every syntax error code, with places. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse, printStatements } from "../../src/lang/index.js";

interface Case {
  input: string;
  print?: string;
  code?: string;
  at?: string;
  line: number;
}

function loadCases(): Case[] {
  const text = readFileSync(new URL("./grammar.t.txt", import.meta.url), "utf8");
  const cases: Case[] = [];
  let cur: Case | undefined;
  text.split("\n").forEach((raw, i) => {
    if (raw.startsWith("#") || raw.trim() === "") {
      if (cur) cases.push(cur);
      cur = undefined;
      return;
    }
    if (raw.startsWith("=> ")) cur!.print = raw.slice(3);
    else if (raw.startsWith("! ")) [cur!.code, cur!.at] = raw.slice(2).split(" ");
    else cur = { input: raw, line: i + 1 };
  });
  if (cur) cases.push(cur);
  return cases;
}

const cases = loadCases();

describe("grammar table", () => {
  it("has cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    for (const c of cases) expect(c.print !== undefined || c.code !== undefined, `case at line ${c.line}`).toBe(true);
  });

  for (const c of cases) {
    it(`${c.input}`, () => {
      const r = parse(c.input, "t.lvsh");
      if (c.print !== undefined) {
        expect(r.diagnostics).toEqual([]);
        const printed = printStatements(r.statements).trimEnd();
        expect(printed).toBe(c.print);
        // stable: parsing the canonical form prints it again
        const again = parse(printed, "t.lvsh");
        expect(again.diagnostics).toEqual([]);
        expect(printStatements(again.statements).trimEnd()).toBe(printed);
      } else {
        const errors = r.diagnostics.filter((d) => d.severity === "error");
        expect(errors.map((d) => d.code)).toContain(c.code);
        const d = errors.find((x) => x.code === c.code)!;
        expect(`${d.span!.line}:${d.span!.col}`).toBe(c.at);
        // the bad statement yields no AST node (the others still may)
        const at = d.span!.start;
        expect(r.statements.some((st) => st.span.start <= at && at < st.span.end)).toBe(false);
      }
    });
  }
});
