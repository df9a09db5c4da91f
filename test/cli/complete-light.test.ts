/**
 * Tab's light completer (dist/lvsh-words.cjs: the grammar as data, the
 * plain lexer, no parser) answers what the engine answers, or says it needs
 * the engine: on every prefix of the examples' statements (at each token,
 * and inside each word), on random statements walked from the grammar, and
 * on lines the plain lexer leaves to Chevrotain's.
 */
import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lightStatements, NeedsEngine } from "../../src/cli/complete-light.js";
import { completeStatements } from "../../src/cli/complete-statements.js";
import { assistTable } from "../../src/lang/index.js";

const table = assistTable();
const light = lightStatements(table);
let state: string;
const saved = process.env.LVSH_STATE_DIR;
beforeAll(() => {
  state = mkdtempSync(join(tmpdir(), "lvsh-light-"));
  process.env.LVSH_STATE_DIR = state;
});
afterAll(() => {
  if (saved === undefined) delete process.env.LVSH_STATE_DIR;
  else process.env.LVSH_STATE_DIR = saved;
  rmSync(state, { recursive: true, force: true });
});

/** The light answer, or "engine" when it needs the engine. */
async function lightOr(text: string) {
  try {
    return await light(text, {});
  } catch (e) {
    if (e instanceof NeedsEngine) return "engine" as const;
    throw e;
  }
}

const tally = { light: 0, engine: 0 };
async function same(text: string) {
  const l = await lightOr(text);
  if (l === "engine") {
    tally.engine++;
    return;
  }
  tally.light++;
  expect(l, JSON.stringify(text)).toEqual(await completeStatements(text));
}

/** Text for a token: a keyword's word, or a value of that kind. */
function image(name: string, n: number): string {
  const kw = table.keywords.find((k) => k.name === name);
  if (kw) return kw.word;
  return { NumberLiteral: "80", StringLiteral: '"a b"', Word: ["10.0.0.1", ".2", "eth0", ":80", "5m"][n % 5]! }[name] ?? "x";
}

describe("Tab's light completer", () => {
  it("answers as the engine on every prefix of the examples' statements, or asks the engine", async () => {
    const files = readdirSync("examples").map((f) => `examples/${f}`).concat("test/fixtures/interop/every-option.lvsh");
    for (const f of files) {
      const source = readFileSync(f, "utf8");
      for (const s of source.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"))) {
        for (let i = 0; i <= s.length; i++) await same(s.slice(0, i));
        await same(s + " ");
      }
    }
    // most Tabs are answered without the engine
    expect(tally.light).toBeGreaterThan(tally.engine);
  });

  it("answers as the engine on random statements and several statements on a line", async () => {
    const names = [...new Set([...table.keywords.map((k) => k.name), "NumberLiteral", "StringLiteral", "Word", "Semicolon"])];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(names.length - 1), { maxLength: 7 }), fc.boolean(), async (idx, space) => {
        const text = idx.map((i, n) => (names[i] === "Semicolon" ? ";" : image(names[i]!, n))).join(" ") + (space ? " " : "");
        await same(text);
      }),
      { numRuns: 1500 },
    );
  });

  it("leaves to the engine a line the plain lexer cannot read", async () => {
    for (const text of ['service "unfinished', "vip é", "add rs \\x"]) expect(await lightOr(text)).toBe("engine");
    // and a value, which comes from the last revision
    expect(await lightOr("use service ")).toBe("engine");
    expect(await lightOr("show rs ")).toBe("engine");
  });
});
