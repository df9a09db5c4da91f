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
    if (c < 0x300) n += 1;
    else if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || (c >= 0xfe00 && c <= 0xfe0f) || c === 0x20e3) n += 0;
    else if (
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0x303e) ||
      (c >= 0x3041 && c <= 0x33ff) ||
      (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xa000 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1f64f) ||
      (c >= 0x1f900 && c <= 0x1f9ff) ||
      (c >= 0x20000 && c <= 0x3fffd)
    )
      n += 2;
    else n += 1;
  }
  return n;
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
