/**
 * What a reader could not turn into state: the line (1-based), its text and
 * why. Readers collect problems and go on; they never throw on odd input.
 */
export interface StateProblem {
  readonly line: number;
  readonly text: string;
  readonly message: string;
}

/** A value or the reason there is none (internal to the readers). */
export type Res<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export const ok = <T>(value: T): Res<T> => ({ ok: true, value });
export const fail = <T = never>(message: string): Res<T> => ({ ok: false, message });

/** The lines of a text with their 1-based numbers, without a trailing "\r". */
export function numberedLines(text: string): { line: number; text: string }[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((t, i) => ({ line: i + 1, text: t.endsWith("\r") ? t.slice(0, -1) : t }));
}

/** A whole decimal number in [min, max], or null. */
export function parseIntIn(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}
