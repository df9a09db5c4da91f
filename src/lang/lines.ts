/** Offsets -> line:column, so that the lexer need only track offsets. */
import type { Span } from "./diagnostic.js";

export class LineMap {
  /** Offset at which each line starts. */
  private readonly starts: number[] = [0];
  /** The line of the last lookup: statements are read in order, so the next is usually on it. */
  private last = 0;

  constructor(source: string) {
    for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; col: number } {
    const s = this.starts;
    const l = this.last;
    if (s[l]! <= offset && (l + 1 >= s.length || offset < s[l + 1]!)) return { line: l + 1, col: offset - s[l]! + 1 };
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return { line: lo + 1, col: offset - s[lo]! + 1 };
  }

  /** The span of [start, end). */
  span(file: string, start: number, end: number): Span {
    const a = this.position(start);
    const last = end > start ? end - 1 : start;
    // on the line of its start (nearly always): no second lookup
    const s = this.starts;
    const l = a.line - 1;
    if (l + 1 >= s.length || last < s[l + 1]!) return { file, start, end, line: a.line, col: a.col, endLine: a.line, endCol: last - s[l]! + 2 };
    const b = this.position(last);
    return { file, start, end, line: a.line, col: a.col, endLine: b.line, endCol: b.col + 1 };
  }
}
