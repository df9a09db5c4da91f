/**
 * Text wrapped to a terminal's width between words (a word longer than
 * the width stays whole, never split). A line's continuation lines keep
 * its indentation; a line laid out as `  name   description` continues
 * under its description (help's lists).
 */
export function wrapText(text: string, width: number | undefined): string {
  if (!width || width < 20) return text;
  return text
    .split("\n")
    .flatMap((line) => wrapLine(line, width))
    .join("\n");
}

/**
 * The columns a text takes on a terminal: two for East Asian wide and
 * fullwidth characters and emoji, none for combining marks and zero-width
 * characters, one for the rest (wcwidth's rule, in short).
 */
export function columns(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x300 ? 1 : within(c, ZERO) ? 0 : within(c, WIDE) ? 2 : 1;
  }
  return n;
}

/** Code point ranges, first and last: combining marks and zero-width characters; East Asian wide and fullwidth, emoji. */
const ZERO: readonly (readonly [number, number])[] = [[0x300, 0x36f], [0x200b, 0x200f], [0xfe00, 0xfe0f], [0x20e3, 0x20e3]];
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

function within(c: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([a, b]) => c >= a && c <= b);
}

function wrapLine(line: string, width: number): string[] {
  if (columns(line) <= width) return [line];
  const lead = /^ */.exec(line)![0].length;
  // `  name   description`: continue under the description when that leaves room
  const column = /^( *\S(?:.*?\S)?  +)\S/.exec(line);
  const under = column !== null && columns(column[1]!) <= width / 2;
  // where continuation lines start (columns), and where the words start in the line (characters)
  const hang = under ? columns(column[1]!) : lead;
  const start = under ? column[1]!.length : lead;
  const out: string[] = [];
  let current = line.slice(0, start);
  let at = columns(current);
  let empty = true;
  for (const word of line.slice(start).split(/ +/)) {
    const w = columns(word);
    if (!empty && at + 1 + w > width) {
      out.push(current);
      current = " ".repeat(hang) + word;
      at = hang + w;
    } else {
      current += (empty ? "" : " ") + word;
      at += (empty ? 0 : 1) + w;
    }
    empty = false;
  }
  out.push(current);
  return out;
}
