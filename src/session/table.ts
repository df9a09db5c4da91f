/**
 * Tables for `show` (cli-table3): colours only when the output is a
 * terminal (and NO_COLOR is unset), and no wider than the terminal: the
 * widest columns give way and wrap.
 */
import Table from "cli-table3";

export interface TableStyle {
  readonly color?: boolean;
  /** The terminal's width; undefined when not a terminal. */
  readonly columns?: number;
}

function fit(widths: number[], max: number): number[] {
  const out = [...widths];
  // borders: one per column plus one, and a space of padding each side
  const overhead = out.length * 3 + 1;
  while (out.reduce((a, b) => a + b, 0) + overhead > max) {
    const i = out.indexOf(Math.max(...out));
    if (out[i]! <= 6) break;
    out[i]!--;
  }
  return out;
}

/** Text from elsewhere (a comment, a file) shown safely: control characters (a terminal's escapes) as \xNN. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export function renderTable(head: readonly string[], raw: readonly (readonly string[])[], style: TableStyle): string {
  const rows = raw.map((r) => r.map(printable));
  const natural = head.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.max(...(r[i] ?? "").split("\n").map((l) => l.length)))));
  const widths = style.columns ? fit(natural, style.columns) : natural;
  const t = new Table({
    head: [...head],
    colWidths: widths.map((w) => w + 2),
    wordWrap: true,
    wrapOnWordBoundary: false,
    style: { head: style.color ? ["cyan"] : [], border: style.color ? ["grey"] : [] },
    // no rule between rows: rows are one line unless they wrap
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of rows) t.push([...r]);
  return t.toString() + "\n";
}
