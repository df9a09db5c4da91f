/**
 * Every diagnostic code is registered (the type system sees to that) and
 * asserted by a test: its name in an assertion (`expect(...)`, `toEqual`,
 * `toContain`, `code: "..."`, also over several lines), in a row of an
 * `it.each` table whose test asserts the codes it gets, or in a `! CODE`
 * line of the grammar table. A mention in prose or in a script does not
 * count.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticCodes } from "../../src/lang/index.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|t\.txt)$/.test(p) && !p.endsWith("codes.test.ts") && !p.includes("/kernel/") ? [p] : [];
  });
}

const ASSERTS = /\bexpect\(|\.to(Be|Equal|StrictEqual|Contain|ContainEqual|MatchObject)\(|\bcode:\s*"/;

/** Whether line i is inside an assertion that began on an earlier line (`expect(x).toEqual([\n  ["code", 1, 2],\n])`). */
function inMultilineAssertion(lines: readonly string[], i: number): boolean {
  for (let j = i - 1; j >= Math.max(0, i - 30); j--) {
    const l = lines[j]!;
    if (/;\s*$/.test(l) || /^\s*(it|describe|test)(\.\w+)?\(/.test(l)) return false;
    if (ASSERTS.test(l)) return true;
  }
  return false;
}

/** Whether the table row at line i is in an `it.each([...])` whose test asserts diagnostic codes. */
function inAssertedTable(lines: readonly string[], i: number): boolean {
  let j = i;
  while (j >= 0 && !/\.each\(\s*\[?\s*$|\.each\(\[/.test(lines[j]!)) {
    if (/^\s*(it|describe|test)\(/.test(lines[j]!)) return false;
    j--;
  }
  if (j < 0) return false;
  // the callback: from the end of the table to the end of the test
  let k = i;
  while (k < lines.length && !/\]\)\(/.test(lines[k]!)) k++;
  const body = lines.slice(k, k + 12).join("\n");
  return /expect\([^\n]*\b(code|codes|errors|diagnostics)\b[^\n]*\)\.to(Contain|Equal|Be)\(\s*code\b|toContain\(code\)|toEqual\(\[code\]\)|\.code\)\.toBe\(code\)/.test(body);
}

describe("diagnostic codes", () => {
  const sources = files(new URL("..", import.meta.url).pathname).map((f) => ({ f, lines: readFileSync(f, "utf8").split("\n") }));

  it.each(Object.keys(diagnosticCodes))("%s is asserted by a test", (code) => {
    const quoted = new RegExp(`["'\` ]${code}["'\` :]`);
    const asserted = sources.some(({ f, lines }) =>
      f.endsWith(".t.txt")
        ? lines.some((l) => l.startsWith(`! ${code} `))
        : lines.some((l, i) => quoted.test(l) && (ASSERTS.test(l) || inMultilineAssertion(lines, i) || inAssertedTable(lines, i))),
    );
    expect(asserted, `no test asserts \`${code}\` (a mention outside an assertion does not count)`).toBe(true);
  });

  it("are kebab-case and described", () => {
    for (const [code, what] of Object.entries(diagnosticCodes)) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(what.length).toBeGreaterThan(10);
    }
  });
});
