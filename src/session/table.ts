/**
 * Tables for `show`, measured at each draw against the terminal's width
 * (it changes when the window does). Cells wrap only between words: an
 * address, an `ADDR:PORT` or a number is never cut. When even the narrowest
 * wrapping does not fit, the table turns vertical, one `name: value` block
 * per row (psql's \x). Colours only on a terminal with NO_COLOR unset.
 */

export interface TableStyle {
  readonly color?: boolean;
  /** The terminal's width; undefined when not a terminal (no limit). */
  readonly columns?: number;
}

/** Text from elsewhere (a comment, a file) shown safely: control characters (a terminal's escapes) as \xNN. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

const words = (cell: string): string[] => cell.split(/\n/).flatMap((l) => l.split(/ +/));
const longestWord = (cell: string): number => Math.max(0, ...words(cell).map((w) => w.length));
const longestLine = (cell: string): number => Math.max(0, ...cell.split("\n").map((l) => l.length));

/** A cell's lines at a width: greedy, between words only. */
function wrap(cell: string, width: number): string[] {
  const out: string[] = [];
  for (const para of cell.split("\n")) {
    let line = "";
    for (const w of para.split(/ +/)) {
      if (!line) line = w;
      else if (line.length + 1 + w.length <= width) line += ` ${w}`;
      else {
        out.push(line);
        line = w;
      }
    }
    out.push(line);
  }
  return out;
}

/** The widths to draw at: the natural ones, or narrowed (the widest first) down to each column's longest word; undefined when even that does not fit. */
export function tableWidths(natural: readonly number[], least: readonly number[], max: number | undefined): number[] | undefined {
  const out = [...natural];
  if (max === undefined) return out;
  // borders: one per column plus one, and a space of padding each side
  const overhead = out.length * 3 + 1;
  let total = out.reduce((a, b) => a + b, 0) + overhead;
  while (total > max) {
    let i = -1;
    for (let j = 0; j < out.length; j++) if (out[j]! > least[j]! && (i < 0 || out[j]! > out[i]!)) i = j;
    if (i < 0) return undefined;
    out[i]!--;
    total--;
  }
  return out;
}

function vertical(head: readonly string[], rows: readonly (readonly string[])[], style: TableStyle): string {
  const w = Math.max(...head.map((h) => h.length));
  const name = (h: string) => (style.color ? `\x1b[36m${h.padEnd(w)}\x1b[0m` : h.padEnd(w));
  const blocks = rows.map((r, i) => {
    const lines = [`-[ ${i + 1} ]-`];
    head.forEach((h, j) => {
      // the value wraps between words under its column, within the terminal
      const cell = r[j] ?? "";
      const room = style.columns === undefined ? Infinity : Math.max(style.columns - w - 1, longestWord(cell));
      const [first = "", ...rest] = wrap(cell, room);
      lines.push(`${name(h)} ${first}`, ...rest.map((l) => `${" ".repeat(w + 1)}${l}`));
    });
    return lines.join("\n");
  });
  return blocks.join("\n") + "\n";
}

export function renderTable(head: readonly string[], raw: readonly (readonly string[])[], style: TableStyle): string {
  const rows = raw.map((r) => head.map((_, i) => printable(r[i] ?? "")));
  const natural = head.map((h, i) => Math.max(h.length, ...rows.map((r) => longestLine(r[i]!))));
  const least = head.map((h, i) => Math.max(longestWord(h), ...rows.map((r) => longestWord(r[i]!))));
  const widths = tableWidths(natural, least, style.columns);
  if (!widths) return vertical(head, rows, style);
  const border = (s: string) => (style.color ? `\x1b[90m${s}\x1b[0m` : s);
  const rule = (l: string, m: string, r: string) => border(l + widths.map((w) => "─".repeat(w + 2)).join(m) + r);
  const line = (cells: readonly string[], paint: (s: string) => string = (s) => s): string[] => {
    const wrapped = cells.map((c, i) => wrap(c, widths[i]!));
    const height = Math.max(...wrapped.map((c) => c.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) {
      out.push(border("│") + wrapped.map((c, i) => ` ${paint((c[k] ?? "").padEnd(widths[i]!))} `).join(border("│")) + border("│"));
    }
    return out;
  };
  const head_ = line(head, style.color ? (s) => `\x1b[36m${s}\x1b[0m` : undefined);
  return [rule("┌", "┬", "┐"), ...head_, rule("├", "┼", "┤"), ...rows.flatMap((r) => line(r)), rule("└", "┴", "┘")].join("\n") + "\n";
}
