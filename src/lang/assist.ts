/**
 * Content assist without Chevrotain: what token may come next after some
 * tokens of a statement, read from the grammar as data (an AssistTable,
 * assist-table.ts makes it from the parser; the build puts one in Tab's
 * light completer, which then answers without loading the parser).
 *
 * The walk is Chevrotain 11's `nextPossibleTokensAfter` (its
 * `computeContentAssist`, which Chevrotain 12 drops), on this table: the
 * same paths in the same order, the same pruning of alternatives once a
 * complete path is found (a deterministic grammar with fixed lookahead).
 * Tokens are matched by name, a token matching its categories too.
 */

/** A grammar production, as data. */
export type Prod =
  | { readonly k: "t"; readonly n: string }
  | { readonly k: "nt"; readonly n: string }
  | { readonly k: "opt" | "rep" | "rep1" | "alt"; readonly d: readonly Prod[] }
  | { readonly k: "rep-sep" | "rep1-sep"; readonly d: readonly Prod[]; readonly sep: string }
  | { readonly k: "or"; readonly d: readonly (readonly Prod[])[] };

export interface KeywordEntry {
  readonly word: string;
  /** The token's name. */
  readonly name: string;
  readonly doc: string;
  /** The names of its own categories (Scheduler, Protocol ...: not Keyword or AnyWord). */
  readonly categories: readonly string[];
}

export interface AssistTable {
  /** Each rule's definition. */
  readonly rules: Readonly<Record<string, readonly Prod[]>>;
  /** For each token name: every name it matches (itself and its categories, transitively). */
  readonly matches: Readonly<Record<string, readonly string[]>>;
  /** The keywords in the order they are declared. */
  readonly keywords: readonly KeywordEntry[];
  readonly maxLookahead: number;
}

export interface NextToken {
  /** The name of a token that may come next. */
  readonly next: string;
  /** The rules the path is in, outermost first (the start rule's name first). */
  readonly ruleStack: readonly string[];
}

type Item = Prod | typeof EXIT_RULE;
interface Path {
  readonly idx: number;
  readonly def: readonly Item[];
  readonly ruleStack: readonly string[];
}
const EXIT_RULE = 0;
const EXIT_ALTERNATIVE = 1;

/** The tokens that may follow TOKENS (names) at the start of rule START, each with its path's rule stack. */
export function nextTokens(table: AssistTable, start: string, tokens: readonly string[]): NextToken[] {
  const startDef = table.rules[start];
  if (!startDef) throw new Error(`no rule ${start} in the grammar`);
  const matches = (token: string, type: string) => token === type || (table.matches[token]?.includes(type) ?? false);
  const n = tokens.length;
  const minimalAlternativesIndex = n - table.maxLookahead - 1;
  let foundCompletePath = false;
  const result: NextToken[] = [];
  const paths: (Path | typeof EXIT_ALTERNATIVE)[] = [{ idx: -1, def: startDef, ruleStack: [start] }];
  while (paths.length) {
    const path = paths.pop()!;
    if (path === EXIT_ALTERNATIVE) {
      const top = paths[paths.length - 1];
      if (foundCompletePath && top !== undefined && top !== EXIT_ALTERNATIVE && top.idx <= minimalAlternativesIndex) paths.pop();
      continue;
    }
    const { idx, def, ruleStack } = path;
    if (!def.length) continue;
    const prod = def[0]!;
    const rest = def.slice(1);
    const go = (d: readonly Item[], i = idx, rs = ruleStack) => paths.push({ idx: i, def: d, ruleStack: rs });
    if (prod === EXIT_RULE) {
      go(rest, idx, ruleStack.slice(0, -1));
      continue;
    }
    switch (prod.k) {
      case "t":
        if (idx < n - 1) {
          if (matches(tokens[idx + 1]!, prod.n)) go(rest, idx + 1);
        } else {
          result.push({ next: prod.n, ruleStack });
          foundCompletePath = true;
        }
        break;
      case "nt": {
        const body = table.rules[prod.n];
        if (!body) throw new Error(`no rule ${prod.n} in the grammar`);
        go([...body, EXIT_RULE, ...rest], idx, [...ruleStack, prod.n]);
        break;
      }
      case "opt":
        go(rest);
        paths.push(EXIT_ALTERNATIVE);
        go([...prod.d, ...rest]);
        break;
      case "rep1":
        go([...prod.d, { k: "rep", d: prod.d }, ...rest]);
        break;
      case "rep1-sep":
        go([...prod.d, { k: "rep", d: [{ k: "t", n: prod.sep }, ...prod.d] }, ...rest]);
        break;
      case "rep-sep":
        go(rest);
        paths.push(EXIT_ALTERNATIVE);
        go([...prod.d, { k: "rep", d: [{ k: "t", n: prod.sep }, ...prod.d] }, ...rest]);
        break;
      case "rep":
        go(rest);
        paths.push(EXIT_ALTERNATIVE);
        go([...prod.d, prod, ...rest]);
        break;
      case "or":
        for (let i = prod.d.length - 1; i >= 0; i--) {
          go([...prod.d[i]!, ...rest]);
          paths.push(EXIT_ALTERNATIVE);
        }
        break;
      case "alt":
        go([...prod.d, ...rest]);
        break;
    }
  }
  return result;
}
