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

function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const lead = /^ */.exec(line)![0].length;
  // `  name   description`: continue under the description when that leaves room
  const column = /^( *\S(?:.*?\S)?  +)\S/.exec(line);
  const hang = column && column[1]!.length <= width / 2 ? column[1]!.length : lead;
  const start = hang > lead ? hang : lead;
  const out: string[] = [];
  let current = line.slice(0, start);
  let empty = true;
  for (const word of line.slice(start).split(/ +/)) {
    if (!empty && current.length + 1 + word.length > width) {
      out.push(current);
      current = " ".repeat(hang) + word;
    } else current += (empty ? "" : " ") + word;
    empty = false;
  }
  out.push(current);
  return out;
}
