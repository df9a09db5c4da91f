/**
 * Diagnostics as text, nft style:
 *
 *   seed.lvsh:1:37: error: unknown scheduler `rrr`
 *   vip 172.25.254.10 on eth0; service :80 rrr
 *                                          ^^^
 *   hint: did you mean rr?
 *
 * `^` marks the span, `~` the related spans. Rendering is separate from
 * detection; the sources are looked up by file name.
 */
import type { Diagnostic, Span } from "./diagnostic.js";
import { counted } from "../util/words.js";

export type SourceLookup = (file: string) => string | undefined;

/** The text of the line the span starts on: found from its offset, so that rendering N diagnostics costs N lines, not N scans of the source. */
function lineText(source: string, span: Span): string {
  const at = Math.min(span.start, source.length);
  const start = source.lastIndexOf("\n", at - 1) + 1;
  const end = source.indexOf("\n", at);
  return source.slice(start, end < 0 ? source.length : end).replace(/\r$/, "");
}

function underline(text: string, span: Span, ch: string): string {
  const from = span.col - 1;
  const to = span.endLine === span.line ? Math.max(span.endCol - 1, span.col) : Math.max(text.length, span.col);
  // keep tabs so that the marks line up under tab-indented text
  const pad = text.slice(0, from).replace(/[^\t]/g, " ");
  return pad + ch.repeat(Math.max(1, to - from));
}

/** The shell's input N (its lines are numbered as typed: a statement of several lines takes several numbers). */
export function shellSource(n: number): string {
  return `line ${n}`;
}

/** The configuration of revision N. */
export function revisionSource(n: number): string {
  return `revision ${n}`;
}

/**
 * Where a span is, in its source's words: `FILE:LINE:COL` in a file (what
 * editors jump to), `line 12` in the shell, `revision 3, line 4` in a
 * revision. Without `col`, the column is left out.
 */
export function spanWhere(span: Pick<Span, "file" | "line" | "col">, col = true): string {
  const shell = /^line (\d+)$/.exec(span.file);
  if (shell) return `line ${Number(shell[1]) + span.line - 1}`;
  if (/^revision \d+$/.test(span.file)) return `${span.file}, line ${span.line}`;
  return col ? `${span.file}:${span.line}:${span.col}` : `${span.file}:${span.line}`;
}

/** The text a span covers (a statement), on one line, cut at `max` characters. */
export function spanText(span: Span, sources: SourceLookup, max = 48): string | undefined {
  const src = sources(span.file);
  if (src === undefined) return undefined;
  const text = src.slice(span.start, span.end).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function renderDiagnostic(d: Diagnostic, sources: SourceLookup): string {
  const where = d.span ? `${spanWhere(d.span)}: ` : d.host ? `${d.host}: ` : "";
  const out = [`${where}${d.severity}: ${d.message}`];
  const src = d.span ? sources(d.span.file) : undefined;
  if (d.span && src !== undefined) {
    const text = lineText(src, d.span);
    out.push(text, underline(text, d.span, "^"));
  }
  for (const r of d.related ?? []) {
    const rsrc = sources(r.span.file);
    if (rsrc === undefined) {
      out.push(`  ${spanWhere(r.span)}: ${r.label}`);
      continue;
    }
    const text = lineText(rsrc, r.span);
    const sameLine = d.span && r.span.file === d.span.file && r.span.line === d.span.line;
    if (!sameLine) out.push(`${spanWhere(r.span)}: note: ${r.label}`, text);
    out.push(`${underline(text, r.span, "~")} ${r.label}`);
  }
  if (d.hint) out.push(`hint: ${d.hint}`);
  return out.join("\n");
}

/** How many errors are shown before the rest are counted (like a compiler's -fmax-errors). */
export const MAX_ERRORS_SHOWN = 100;

export function renderDiagnostics(ds: readonly Diagnostic[], sources: SourceLookup, maxErrors = MAX_ERRORS_SHOWN): string {
  const shown: string[] = [];
  let errors = 0;
  let i = 0;
  for (; i < ds.length; i++) {
    if (ds[i]!.severity === "error" && ++errors > maxErrors) break;
    shown.push(renderDiagnostic(ds[i]!, sources));
  }
  const rest = ds.slice(i);
  if (rest.length) {
    const e = rest.filter((d) => d.severity === "error").length;
    const w = rest.length - e;
    shown.push(`lvsh: ${maxErrors} errors shown; ${counted(e, "more error")}${w ? ` and ${counted(w, "warning")}` : ""} not shown (fix these first)`);
  }
  return shown.join("\n\n");
}
