/**
 * Parser error messages in the user's words ("expected a scheduler: rr,
 * wrr, ..."), never token names.
 */
import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";
import { slotAfter, slotOfRule } from "./slots.js";

const categoryWords: [TokenType, string][] = [
  [T.Scheduler, "a scheduler"],
  [T.Protocol, "a protocol"],
  [T.TunType, "a tunnel type"],
  [T.ShowTopic, "a topic"],
  [T.ArpVia, "a means"],
  [T.CsumMode, "a checksum mode"],
  [T.CheckType, "a check type"],
];

function list(words: string[], max = 6): string {
  const shown = words.slice(0, max).join(", ");
  return words.length > max ? `${shown}, ...` : shown;
}

export function describeToken(t: TokenType, ruleName: string, previous?: IToken): string {
  for (const [cat, what] of categoryWords) {
    if (t === cat) return `${what}: ${list(T.wordsOf(cat))}`;
  }
  const kw = T.keywords.find((k) => k.token === t);
  if (kw) return `\`${kw.word}\``;
  if (t === T.Newline || t === T.Semicolon || t === EOF) return "the end of the statement";
  const after = previous ? slotAfter(previous.image) : undefined;
  if (t === T.NumberLiteral) return after?.what ?? "a number";
  if (after && ruleName !== "serviceSpec") return after.what;
  return slotOfRule(ruleName)?.what ?? "a value";
}

/** A readable "a, b or c" of what could come next, without duplicates. */
function alternatives(types: TokenType[], ruleName: string, previous?: IToken): string {
  const seen = new Set<string>();
  for (const t of types) seen.add(describeToken(t, ruleName, previous));
  const all = [...seen];
  if (all.length <= 1) return all[0] ?? "nothing";
  if (all.length > 8) return `${all.slice(0, 8).join(", ")}, ...`;
  return `${all.slice(0, -1).join(", ")} or ${all[all.length - 1]}`;
}

export function found(token: IToken): string {
  if (tokenMatcher(token, EOF)) return "the end of the statement";
  return `\`${token.image}\``;
}

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    return `expected ${describeToken(expected, ruleName, previous)}, found ${found(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${found(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    if (ruleName === "statement") {
      return `expected a statement, found ${found(actual[0]!)}`;
    }
    const firsts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0]!)).filter(Boolean);
    return `expected ${alternatives(firsts, ruleName, previous)}, found ${found(actual[0]!)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, previous, ruleName }) {
    const firsts = expectedIterationPaths.map((p) => p[0]!).filter(Boolean);
    const inner = ["addStatement", "setStatement", "delStatement", "checkStatement"].includes(ruleName);
    const what = inner && firsts.every((t) => t === T.Value) ? slotOfRule("realServer")!.what : alternatives(firsts, ruleName, previous);
    return `expected ${what}, found ${found(actual[0]!)}`;
  },
};
