/**
 * Parser error messages in the user's words ("expected a scheduler: rr,
 * wrr, ..."), never token names.
 */
import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";

const categoryWords: [TokenType, string][] = [
  [T.Scheduler, "a scheduler"],
  [T.Protocol, "a protocol"],
  [T.TunType, "a tunnel type"],
  [T.ShowTopic, "a topic"],
  [T.ArpVia, "a means"],
  [T.CsumMode, "a checksum mode"],
  [T.CheckType, "a check type"],
];

/** What a value after this keyword is, in the user's words. */
const valueAfterKeyword: Record<string, string> = {
  vip: "an address",
  weight: "a weight (0..65535)",
  min: "a number of connections",
  max: "a number of connections",
  port: "a port (1..65535)",
  netmask: "a netmask",
  flags: "scheduler flags (sh-fallback, sh-port, mh-fallback, mh-port)",
  fwmark: "a firewall mark (a number above 0)",
  ssh: "an ssh target [USER@]HOST[:PORT]",
  netns: "a network namespace name",
  on: "an interface name",
  dev: "an interface name",
  comment: "a comment",
  confirmed: "a duration, e.g. 5m",
  to: "a path",
  load: "a file name",
  format: "a format",
  help: "a topic",
  persistent: "a number of seconds",
  rollback: "a revision number",
  http: "a URL path, e.g. /health",
  https: "a URL path, e.g. /health",
  expect: "HTTP status codes, e.g. 200 or 200-299",
  every: "a number of seconds",
  timeout: "a number of seconds",
  retry: "a number of retries",
  server: "a sorry server ADDR[:PORT]",
  quorum: "a total weight",
  priority: "a VRRP priority (1..254)",
  vrid: "a VRRP router id (1..255)",
  interface: "an interface name",
  pair: "the address of a director",
};

const valueInRule: Record<string, string> = {
  address: "an address",
  iface: "an interface name",
  realServer: "a real server address ADDR[:PORT]",
  serviceSpec: "a service address, e.g. :80, tcp 192.0.2.10:80 or fwmark 7",
  hostStatement: "`director`, a real server's address or a host name",
};

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
  if (t === T.NumberLiteral) {
    const prev = previous?.image;
    return (prev && valueAfterKeyword[prev]) || "a number";
  }
  const prev = previous?.image;
  if (prev && valueAfterKeyword[prev] && ruleName !== "serviceSpec") return valueAfterKeyword[prev]!;
  return valueInRule[ruleName] ?? "a value";
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
    const what = inner && firsts.every((t) => t === T.Value) ? valueInRule.realServer! : alternatives(firsts, ruleName, previous);
    return `expected ${what}, found ${found(actual[0]!)}`;
  },
};
