import type { DiagnosticCode } from "./codes.js";

/**
 * The one diagnostic shape, used from the lexer to commit (STYLE §3).
 * Stages collect diagnostics and return them with their value; they never
 * throw for a user's mistake.
 */

/** A range of source text. Lines and columns are 1-based; offsets are 0-based, end exclusive. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

export type Severity = "error" | "warning" | "info";

export interface Related {
  readonly span: Span;
  readonly label: string;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable kebab-case id, e.g. `unknown-scheduler` (codes.ts). Tests assert it, not the prose. */
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span?: Span;
  /** Where it is when it is not in a source: a host (`director`, `172.25.254.2 (ssh root@172.25.254.2)`). */
  readonly host?: string;
  readonly related?: readonly Related[];
  /** e.g. "did you mean wrr?" */
  readonly hint?: string;
}

export function error(code: DiagnosticCode, message: string, span?: Span, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: "error", code, message, ...(span ? { span } : {}), ...extra };
}

export function warning(code: DiagnosticCode, message: string, span?: Span, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { severity: "warning", code, message, ...(span ? { span } : {}), ...extra };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** The smallest span covering both. */
export function joinSpans(a: Span, b: Span): Span {
  const first = a.start <= b.start ? a : b;
  const last = a.end >= b.end ? a : b;
  return {
    file: a.file,
    start: first.start,
    line: first.line,
    col: first.col,
    end: last.end,
    endLine: last.endLine,
    endCol: last.endCol,
  };
}
