/**
 * Source text -> statements + diagnostics. Lexes once, splits the tokens at
 * `;` and newlines and parses each statement on its own, so that one bad
 * statement never hides the next (every bad statement is reported).
 */
import { EOF, type IRecognitionException, type IToken } from "chevrotain";
import type { HelpStmt, Statement } from "./ast.js";
import { error, joinSpans, type Diagnostic, type Span } from "./diagnostic.js";
import { keywordsInRule, statementKeywords } from "./grammar-info.js";
import { parseStatementTokens } from "./parser.js";
import { plainAddRs } from "./plain.js";
import { closest, didYouMean } from "./suggest.js";
import { foreignScheduler, typoKind } from "./typo.js";
import { statementHelp } from "./help-text.js";
import { LineMap } from "./lines.js";
import { cstToAst, tokenSpan } from "./to-ast.js";
import * as T from "./tokens.js";

export interface ParseResult {
  readonly statements: Statement[];
  readonly diagnostics: Diagnostic[];
  /**
   * Statements that come after one that failed and would have chosen the
   * current VIP or service (`service :80 roundrobin; add rs .2`): the context
   * they run in is not the one the script meant, so what they find wrong
   * there is only a consequence of that error (evaluate says nothing of it).
   */
  readonly contextLost: ReadonlySet<Statement>;
}

/** Statements whose failure leaves the following ones in another context than meant; and any unknown first word. */
const CONTEXT_FREE = new Set(["add", "set", "arp", "check", "sorry", "quorum", "inhibit", "director", "engine", "sync", "host", "show", "commit", "confirm", "save", "help"]);

export interface StatementTokens {
  readonly tokens: IToken[];
  /** Offset of the separator that ends the statement (or the end of the source). */
  readonly end: number;
}

/** Splits a token stream into statements at `;` and newlines. */
export function splitStatements(tokens: readonly IToken[], sourceLength = Infinity): StatementTokens[] {
  const out: StatementTokens[] = [];
  let cur: IToken[] = [];
  for (const t of tokens) {
    if (t.tokenType === T.Newline || t.tokenType === T.Semicolon) {
      if (cur.length) out.push({ tokens: cur, end: t.startOffset });
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) out.push({ tokens: cur, end: sourceLength });
  return out;
}

function endSpan(file: string, lines: LineMap, last: IToken): Span {
  const s = tokenSpan(file, lines, last);
  return { ...s, start: s.end, col: s.endCol, line: s.endLine, endCol: s.endCol + 1, end: s.end + 1 };
}

/** Hints for unknown statement words, by word: a script of one typo repeated costs one suggestion. */
const statementHints = new Map<string, string>();

function unknownStatement(head: IToken, file: string, lines: LineMap): Diagnostic {
  let hint = statementHints.get(head.image);
  if (hint === undefined) {
    const words = [...statementKeywords().keys()];
    hint = didYouMean(head.image, words) ?? `statements are: ${words.join(", ")}`;
    if (statementHints.size < 1000) statementHints.set(head.image, hint);
  }
  return error("unknown-statement", `\`${head.image}\` is not an lvsh statement`, tokenSpan(file, lines, head), { hint });
}

function parseErrorToDiagnostic(e: IRecognitionException, stmt: IToken[], file: string, lines: LineMap): Diagnostic {
  const atEnd = e.token.tokenType === EOF;
  const span = atEnd ? endSpan(file, lines, stmt[stmt.length - 1]!) : tokenSpan(file, lines, e.token);
  const head = stmt[0]!;
  const ruleStack = e.context?.ruleStack ?? [];
  const statementRule = statementKeywords().get(head.image);
  if (!statementRule && ruleStack.length <= 1) return unknownStatement(head, file, lines);
  if (atEnd) return error("incomplete-statement", e.message, span);
  const words = keywordsInRule(statementRule ?? "statement");
  const instead = declareInstead(stmt, e.token, file, lines);
  if (instead) return instead;
  const foreign = statementRule === "serviceStatement" ? foreignScheduler(e.token.image) : undefined;
  if (foreign) {
    return error("unknown-scheduler", `\`${e.token.image}\` is not an IPVS scheduler`, span, { hint: foreign.hint });
  }
  // a misspelt keyword taken as a value makes the next word the unexpected one (`service udpp :53`)
  const i = stmt.indexOf(e.token);
  const prev = i > 0 ? stmt[i - 1]! : undefined;
  if (prev && prev.tokenType === T.Word && /^[a-z-]+$/.test(prev.image)) {
    const g = closest(prev.image, words);
    const k = g === undefined ? undefined : typoKind(g, statementRule);
    if (g !== undefined && k) {
      return error(k.code, `unknown ${k.what} \`${prev.image}\``, tokenSpan(file, lines, prev), {
        hint: `did you mean ${g}? ${k.what}s: ${k.words.join(", ")}`,
      });
    }
  }
  const guess = closest(e.token.image, words);
  const kind = guess === undefined ? undefined : typoKind(guess, statementRule);
  if (guess !== undefined && kind) {
    return error(kind.code, `unknown ${kind.what} \`${e.token.image}\``, span, {
      hint: `did you mean ${guess}? ${kind.what}s: ${kind.words.join(", ")}`,
    });
  }
  return error("unexpected-word", e.message, span, guess !== undefined ? { hint: `did you mean ${guess}?` } : {});
}

/** Declarative statements: `set service` means declaring the service again with what changes. */
const DECLARED: Readonly<Record<string, string>> = { service: "a service", vip: "a VIP", arp: "ARP hiding", host: "a host" };

/** `set service :80 wrr`, `add vip ...`: there is no such statement; declaring it (again) is how. */
function declareInstead(stmt: IToken[], at: IToken, file: string, lines: LineMap): Diagnostic | undefined {
  const [head, what] = stmt;
  if (!head || !what || at !== what || !(head.image === "set" || head.image === "add") || !(what.image in DECLARED)) return undefined;
  const set = head.image === "set";
  const written = stmt.length > 2 ? `write \`${stmt.slice(1).map((t) => t.image).join(" ")}\`` : `write \`${what.image} ...\`${set ? " with what changes" : ""}, e.g. \`${statementHelp[what.image]?.examples[0] ?? what.image}\``;
  return error("declare-instead", `there is no \`${head.image} ${what.image}\`: ${DECLARED[what.image]} is ${set ? "changed by declaring it again" : "made by declaring it"}`, joinSpans(tokenSpan(file, lines, head), tokenSpan(file, lines, what)), {
    hint: set ? `${written}; an existing one keeps what the statement does not say` : written,
  });
}

/**
 * `service ?`, `?`: what can be written there, as Junos and VyOS answer a
 * `?` -- the statement's help (`help service`), the statement not run.
 */
function question(stmt: IToken[], span: Span, file: string, lines: LineMap): HelpStmt | undefined {
  const last = stmt[stmt.length - 1]!;
  if (last.image !== "?" || last.tokenType !== T.Word) return undefined;
  const head = stmt[0]!;
  if (stmt.length === 1 || head.image === "help" || !statementKeywords().has(head.image)) return { kind: "help", span };
  return { kind: "help", span, topic: { value: head.image, span: tokenSpan(file, lines, head) } };
}

function lexErrorToDiagnostic(file: string, source: string, lines: LineMap, e: { offset: number; length: number }): Diagnostic {
  const ch = source[e.offset] ?? "";
  const span = lines.span(file, e.offset, e.offset + e.length);
  if (ch === '"') return error("unterminated-string", "this string has no closing quote", span);
  return error("invalid-character", `unexpected character ${JSON.stringify(source.slice(e.offset, e.offset + e.length))}`, span);
}

export function parse(text: string, file = "<input>"): ParseResult {
  // a UTF-8 byte-order mark (an editor's) is not a statement: a space keeps every offset where it was
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const lexed = T.lex(source);
  const lines = new LineMap(source);
  const diagnostics: Diagnostic[] = lexed.errors.map((e) => lexErrorToDiagnostic(file, source, lines, e));
  const statements: Statement[] = [];
  const contextLost = new Set<Statement>();
  let lost = false;
  const failed = (head: IToken) => {
    if (!CONTEXT_FREE.has(head.image)) lost = true;
  };
  const add = (node: Statement) => {
    if (lost) contextLost.add(node);
    lost = false;
    statements.push(node);
  };
  // lexer errors come in order of their offsets, as statements do: one pass over both
  const lexErrorAt = lexed.errors.map((e) => e.offset).sort((a, b) => a - b);
  let le = 0;
  for (const { tokens: stmt, end } of splitStatements(lexed.tokens, source.length)) {
    // a statement with a character the lexer refused is reported once, by the lexer
    const start = stmt[0]!.startOffset;
    while (le < lexErrorAt.length && lexErrorAt[le]! < start) le++;
    if (le < lexErrorAt.length && lexErrorAt[le]! < end) {
      failed(stmt[0]!);
      continue;
    }
    const last = stmt[stmt.length - 1]!;
    const span = lines.span(file, start, last.startOffset + last.image.length);
    const asked = question(stmt, span, file, lines);
    if (asked) {
      add(asked);
      continue;
    }
    // not a statement's keyword: said without asking the parser (whose error path is costly)
    if (stmt[0]!.tokenType === T.Word && !statementKeywords().has(stmt[0]!.image)) {
      diagnostics.push(unknownStatement(stmt[0]!, file, lines));
      failed(stmt[0]!);
      continue;
    }
    const plain = plainAddRs(stmt, file, lines, span);
    if (plain) {
      add(plain);
      continue;
    }
    const { cst, errors } = parseStatementTokens(stmt);
    if (errors.length) {
      diagnostics.push(parseErrorToDiagnostic(errors[0]!, stmt, file, lines));
      failed(stmt[0]!);
      continue;
    }
    const node = cstToAst(cst, file, lines, span, diagnostics);
    if (node) add(node);
    else failed(stmt[0]!);
  }
  diagnostics.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  return { statements, diagnostics, contextLost };
}
