/**
 * The lvsh lexer by hand, for plain sources (no Chevrotain: Tab's light
 * completer runs it without the parser): what Chevrotain's lexer makes of
 * tokens.ts's definitions, several times faster on a script of 10,000
 * lines. Undefined where that lexer would report an error or meets a
 * character this is not written for (non-ASCII, control characters, a lone
 * `\r`): the caller then asks the lexer itself. A keyword is a Word equal to
 * it (longer_alt: Word), a NumberLiteral a Word of digits. Generic over what
 * a token's type is (Chevrotain's TokenType for the parser, a name for Tab).
 */

/** The types of the tokens a plain source has. */
export interface PlainKinds<T> {
  readonly newline: T;
  readonly semicolon: T;
  readonly comment: T;
  readonly string: T;
  readonly number: T;
  readonly word: T;
  /** The keyword spelt so, if any. */
  readonly keyword: (image: string) => T | undefined;
}

/** Whether a character code may start a Word (`[!$-:<-[\]-~]`). */
function wordStart(c: number): boolean {
  return c === 33 || (c >= 36 && c <= 58) || (c >= 60 && c <= 91) || (c >= 93 && c <= 126);
}

/** The ASCII characters that end a Word (`[\s;#"\\]`; anything above 126 is left to the lexer): 1 in this table. */
const WORD_END = new Uint8Array(127);
for (const c of [32, 9, 10, 11, 12, 13, 59, 35, 34, 92]) WORD_END[c] = 1;

export function lexPlainAs<T, K>(source: string, kinds: PlainKinds<T>, token: (image: string, offset: number, type: T) => K): { tokens: K[]; comments: K[] } | undefined {
  const tokens: K[] = [];
  const comments: K[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 12 || c === 11) {
      i++;
    } else if (c === 10) {
      tokens.push(token("\n", i, kinds.newline));
      i++;
    } else if (c === 13) {
      if (source.charCodeAt(i + 1) !== 10) return undefined;
      tokens.push(token("\r\n", i, kinds.newline));
      i += 2;
    } else if (c === 59) {
      tokens.push(token(";", i, kinds.semicolon));
      i++;
    } else if (c === 35) {
      let j = source.indexOf("\n", i);
      if (j < 0) j = n;
      comments.push(token(source.slice(i, j), i, kinds.comment));
      i = j;
    } else if (c === 92) {
      // a line continuation, or an error
      if (source.charCodeAt(i + 1) === 10) i += 2;
      else if (source.charCodeAt(i + 1) === 13 && source.charCodeAt(i + 2) === 10) i += 3;
      else return undefined;
    } else if (c === 34) {
      // "..." with \ escapes of any character but a line break
      let j = i + 1;
      for (;;) {
        if (j >= n) return undefined;
        const d = source.charCodeAt(j);
        if (d === 34) break;
        if (d === 10 || d === 13 || d === 0x2028 || d === 0x2029) return undefined;
        if (d === 92) {
          const e = source.charCodeAt(j + 1);
          if (j + 1 >= n || e === 10 || e === 13 || e === 0x2028 || e === 0x2029) return undefined;
          j += 2;
        } else j++;
      }
      tokens.push(token(source.slice(i, j + 1), i, kinds.string));
      i = j + 1;
    } else if (c === 39 && (() => {
      const close = source.indexOf("'", i + 1);
      const nl = source.indexOf("\n", i + 1);
      return close >= 0 && (nl < 0 || close < nl);
    })()) {
      const j = source.indexOf("'", i + 1);
      tokens.push(token(source.slice(i, j + 1), i, kinds.string));
      i = j + 1;
    } else if (wordStart(c)) {
      let j = i + 1;
      let digits = c >= 48 && c <= 57;
      for (; j < n; j++) {
        const d = source.charCodeAt(j);
        if (d > 126) return undefined;
        if (WORD_END[d] === 1) break;
        if (d < 48 || d > 57) digits = false;
      }
      const image = source.slice(i, j);
      tokens.push(token(image, i, digits ? kinds.number : (kinds.keyword(image) ?? kinds.word)));
      i = j;
    } else return undefined;
  }
  return { tokens, comments };
}
