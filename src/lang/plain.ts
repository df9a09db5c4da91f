/**
 * The commonest statement of a long script, `add rs ADDR... [dr|nat|tun]
 * [weight N] [min N] [max N]`, read straight from its tokens into the AST
 * that the parser and cstToAst would give it: a script of 10,000 real
 * servers spends most of its parse there. Anything else, or anything they
 * would say a word about (a bad address, a number out of range, an option
 * given twice, a real server named twice), is left to them (undefined).
 * test/lang/plain.test.ts holds it against them.
 */
import type { IToken } from "chevrotain";
import type * as A from "./ast.js";
import type { Span } from "./diagnostic.js";
import type { LineMap } from "./lines.js";
import * as T from "./tokens.js";
import { keywordsInRule } from "./grammar-info.js";
import { typoKind } from "./typo.js";
import * as val from "./values.js";

const METHODS: ReadonlyMap<unknown, A.Method> = new Map([
  [T.Dr, "dr"],
  [T.Nat, "nat"],
  [T.Tun, "tun"],
]);
const NUMBERS: ReadonlyMap<unknown, { key: "weight" | "min" | "max"; min: number; max: number }> = new Map([
  [T.Weight, { key: "weight", ...val.limits.weight }],
  [T.Min, { key: "min", ...val.limits.threshold }],
  [T.Max, { key: "max", ...val.limits.threshold }],
] as const);

export function plainAddRs(stmt: readonly IToken[], file: string, lines: LineMap, span: Span): A.AddRsStmt | undefined {
  if (stmt.length < 3 || stmt[0]!.tokenType !== T.Add || stmt[1]!.tokenType !== T.Rs) return undefined;
  const spanOf = (t: IToken) => lines.span(file, t.startOffset, t.startOffset + t.image.length);
  const targets: A.RsTarget[] = [];
  let i = 2;
  for (; i < stmt.length; i++) {
    const t = stmt[i]!;
    if (t.tokenType !== T.Word && t.tokenType !== T.NumberLiteral) break;
    const r = val.parseRsTarget(val.unquote(t.image), spanOf(t), keywordsInRule("addStatement"), (g) => typoKind(g, "addStatement"));
    if (!r.ok) return undefined;
    targets.push(r.value);
  }
  if (targets.length === 0) return undefined;
  if (targets.length > 1) {
    const seen = new Set<string>();
    for (const t of targets) {
      const key = `${t.addr.kind === "ip" ? t.addr.addr : "." + t.addr.octets.join(".")}|${t.port ?? ""}`;
      if (seen.has(key)) return undefined;
      seen.add(key);
    }
  }
  const opts: { -readonly [K in keyof A.RsOpts]: A.RsOpts[K] } = {};
  while (i < stmt.length) {
    const t = stmt[i]!;
    const method = METHODS.get(t.tokenType);
    if (method !== undefined) {
      if (opts.method) return undefined;
      opts.method = { value: method, span: spanOf(t) };
      i++;
      continue;
    }
    const num = NUMBERS.get(t.tokenType);
    const v = stmt[i + 1];
    if (!num || !v || v.tokenType !== T.NumberLiteral || opts[num.key]) return undefined;
    const n = Number(v.image);
    if (n < num.min || n > num.max) return undefined;
    opts[num.key] = { value: n, span: spanOf(v) };
    i += 2;
  }
  return { kind: "add-rs", span, targets, opts };
}
