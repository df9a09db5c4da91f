/** What the CST visitor's helpers offer to the statement converters (to-ast-*.ts). */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import type * as C from "./cst.js";
import type { Diagnostic, Span } from "./diagnostic.js";
import type { LineMap } from "./lines.js";
import type { Result } from "./values.js";

export interface AstContext {
  readonly file: string;
  readonly lines: LineMap;
  /** The span of the statement being built. */
  readonly stmt: Span;
  readonly diags: Diagnostic[];
  /** Set when a value of the statement was bad: it yields no AST node. */
  failed: boolean;
  span(t: IToken): Span;
  /** The span of a node's tokens. */
  nodeSpan(n: CstNode): Span;
  /** The value of a result, or undefined with its diagnostic recorded. */
  take<T>(r: Result<T>): T | undefined;
  v<T>(t: IToken, value: T): A.V<T>;
  duplicate(what: string, t: IToken, firstTok: IToken): void;
  /** Sets opts[key] unless already set (then reports a duplicate). */
  once<O, K extends keyof O>(opts: O, key: K, what: string, t: IToken, value: O[K]): void;
  text(t: IToken): string;
  targets(nodes: C.RealServerCstNode[], rule: string): A.RsTarget[];
  noDuplicateTargets(targets: A.RsTarget[]): void;
}

export function first<T>(a: T[] | undefined): T | undefined {
  return a?.[0];
}
