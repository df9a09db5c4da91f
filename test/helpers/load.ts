/** Test helpers: source -> configuration, desired state, plan. */
import { isSessionStatement, parse, type ConfigStatement, type Diagnostic } from "../../src/lang/index.js";
import { compile, emptyConfig, emptyContext, evaluate, printConfig, validate, type Config, type State } from "../../src/model/index.js";
import { makePlan, type Plan } from "../../src/plan/index.js";
import { expect } from "vitest";

export interface Loaded {
  config: Config;
  diagnostics: Diagnostic[];
  codes: string[];
  errors: string[];
}

export function load(src: string, base: Config = emptyConfig()): Loaded {
  const p = parse(src, "t.lvsh");
  const statements = p.statements.filter((s): s is ConfigStatement => !isSessionStatement(s));
  const e = evaluate(statements, base, emptyContext);
  const diagnostics = [...p.diagnostics, ...e.diagnostics, ...validate(e.config)];
  return {
    config: e.config,
    diagnostics,
    codes: diagnostics.map((d) => d.code),
    errors: diagnostics.filter((d) => d.severity === "error").map((d) => d.code),
  };
}

/** A configuration as plain data without source positions, for equality. */
export function plain(c: Config): unknown {
  const strip = (v: unknown): unknown => {
    if (v instanceof Map) return [...v.entries()].map(([k, x]) => [k, strip(x)]);
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "span").map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return strip(c);
}

/**
 * printConfig round-trips `src`: the printed text loads without error into
 * the same configuration, and prints again as the same text.
 */
export function expectRoundTrip(src: string): void {
  const a = load(src);
  expect(a.errors).toEqual([]);
  const text = printConfig(a.config);
  const b = load(text);
  expect(b.errors, text).toEqual([]);
  expect(plain(b.config), text).toEqual(plain(a.config));
  expect(printConfig(b.config)).toBe(text);
}

export function planOf(src: string, running: State = { hosts: {} }): Plan {
  const l = load(src);
  if (l.errors.length) throw new Error(`errors: ${l.errors.join(", ")}`);
  return makePlan(running, compile(l.config));
}

export const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs";
