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

export type SourceLookup = (file: string) => string | undefined;

function lineText(source: string, line: number): string {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = source.indexOf("\n", start);
    if (nl < 0) return "";
    start = nl + 1;
  }
  const end = source.indexOf("\n", start);
  return source.slice(start, end < 0 ? source.length : end).replace(/\r$/, "");
}

function underline(text: string, span: Span, ch: string): string {
  const from = span.col - 1;
  const to = span.endLine === span.line ? Math.max(span.endCol - 1, span.col) : Math.max(text.length, span.col);
  // keep tabs so that the marks line up under tab-indented text
  const pad = text.slice(0, from).replace(/[^\t]/g, " ");
  return pad + ch.repeat(Math.max(1, to - from));
}

export function renderDiagnostic(d: Diagnostic, sources: SourceLookup): string {
  const where = d.span ? `${d.span.file}:${d.span.line}:${d.span.col}: ` : "";
  const out = [`${where}${d.severity}: ${d.message}`];
  const src = d.span ? sources(d.span.file) : undefined;
  if (d.span && src !== undefined) {
    const text = lineText(src, d.span.line);
    out.push(text, underline(text, d.span, "^"));
  }
  for (const r of d.related ?? []) {
    const rsrc = sources(r.span.file);
    if (rsrc === undefined) {
      out.push(`  ${r.span.file}:${r.span.line}:${r.span.col}: ${r.label}`);
      continue;
    }
    const text = lineText(rsrc, r.span.line);
    const sameLine = d.span && r.span.file === d.span.file && r.span.line === d.span.line;
    if (!sameLine) out.push(`${r.span.file}:${r.span.line}:${r.span.col}: note: ${r.label}`, text);
    out.push(`${underline(text, r.span, "~")} ${r.label}`);
  }
  if (d.hint) out.push(`hint: ${d.hint}`);
  return out.join("\n");
}

export function renderDiagnostics(ds: readonly Diagnostic[], sources: SourceLookup): string {
  return ds.map((d) => renderDiagnostic(d, sources)).join("\n\n");
}
