/** Every diagnostic code is registered (the type system sees to that) and exercised by a test. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticCodes } from "../../src/lang/index.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|txt)$/.test(p) && !p.endsWith("codes.test.ts") ? [p] : [];
  });
}

describe("diagnostic codes", () => {
  const testText = files(new URL("..", import.meta.url).pathname)
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");

  it.each(Object.keys(diagnosticCodes))("%s is exercised by a test", (code) => {
    expect(testText).toMatch(new RegExp(`["! ]${code}["\\s]`));
  });

  it("are kebab-case and described", () => {
    for (const [code, what] of Object.entries(diagnosticCodes)) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(what.length).toBeGreaterThan(10);
    }
  });
});
