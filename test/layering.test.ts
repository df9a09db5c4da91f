/**
 * The layering as a test (issue 10): dependency-cruiser's rules
 * (.dependency-cruiser.cjs, also run by `npm test` before vitest), no cycle
 * between folders, and nothing in the pure core reads the process.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { cruise } from "dependency-cruiser";
import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";

interface Rules {
  forbidden: unknown[];
  options: Record<string, unknown>;
}
const config = createRequire(import.meta.url)("../.dependency-cruiser.cjs") as Rules;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

describe("layering", async () => {
  const r = await cruise(["src"], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } } as Parameters<typeof cruise>[1]);
  const out = r.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] }; modules: { source: string; dependencies: { resolved: string; dependencyTypes: string[] }[] }[] };

  it("keeps every rule of .dependency-cruiser.cjs", () => {
    expect(out.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it("has no cycle between folders", () => {
    const folder = (p: string) => /^src\/([^/]+)\//.exec(p)?.[1];
    const edges = new Map<string, Set<string>>();
    for (const m of out.modules) {
      const a = folder(m.source);
      if (!a) continue;
      for (const d of m.dependencies) {
        const b = folder(d.resolved);
        if (b && b !== a && !d.dependencyTypes.includes("type-only")) edges.set(a, (edges.get(a) ?? new Set()).add(b));
      }
    }
    // a cycle is a folder reachable from itself
    const cycles: string[] = [];
    for (const start of edges.keys()) {
      const seen = new Set<string>();
      const stack = [...(edges.get(start) ?? [])];
      while (stack.length) {
        const f = stack.pop()!;
        if (f === start) {
          cycles.push(start);
          break;
        }
        if (seen.has(f)) continue;
        seen.add(f);
        stack.push(...(edges.get(f) ?? []));
      }
    }
    expect(cycles).toEqual([]);
  });

  it("leaves the process alone in lang, model and plan (no process.env, argv, exit ...)", () => {
    const uses = ["src/lang", "src/model", "src/plan"].flatMap(files).flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .map((l, i) => [l, i] as const)
        // Chevrotain's grammar self-checks: on in tests, skipped in the bundle (a constant esbuild inlines)
        .filter(([l]) => /\bprocess\.(?!env\.LVSH_BUNDLED\b)/.test(l) && !/^\s*(\/\/|\*)/.test(l))
        .map(([l, i]) => `${f}:${i + 1}: ${l.trim()}`),
    );
    expect(uses).toEqual([]);
  });
});
