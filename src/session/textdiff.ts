/**
 * A unified diff of two texts, by lines (Junos `show | compare` style):
 * `-` lines only in the old text, `+` lines only in the new, with context.
 */

function lcsTable(a: readonly string[], b: readonly string[]): number[][] {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
    }
  }
  return t;
}

type Op = { kind: " " | "-" | "+"; line: string };

function ops(a: readonly string[], b: readonly string[]): Op[] {
  const t = lcsTable(a, b);
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: " ", line: a[i]! });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || t[i + 1]![j]! >= t[i]![j + 1]!)) out.push({ kind: "-", line: a[i++]! });
    else out.push({ kind: "+", line: b[j++]! });
  }
  return out;
}

export interface DiffStyle {
  readonly add: (s: string) => string;
  readonly del: (s: string) => string;
  readonly meta: (s: string) => string;
}

export const plainStyle: DiffStyle = { add: (s) => s, del: (s) => s, meta: (s) => s };

/** The unified diff, or "" when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3, style: DiffStyle = plainStyle): string {
  const a = oldText.split("\n");
  const b = newText.split("\n");
  if (a[a.length - 1] === "") a.pop();
  if (b[b.length - 1] === "") b.pop();
  const all = ops(a, b);
  if (all.every((o) => o.kind === " ")) return "";
  const out = [style.meta(`--- ${oldName}`), style.meta(`+++ ${newName}`)];
  const keep = all.map((o, k) => o.kind !== " " || all.slice(Math.max(0, k - context), k + context + 1).some((x) => x.kind !== " "));
  let ai = 1;
  let bi = 1;
  for (let k = 0; k < all.length; ) {
    if (!keep[k]) {
      if (all[k]!.kind !== "+") ai++;
      if (all[k]!.kind !== "-") bi++;
      k++;
      continue;
    }
    let end = k;
    while (end < all.length && keep[end]) end++;
    const hunk = all.slice(k, end);
    const na = hunk.filter((o) => o.kind !== "+").length;
    const nb = hunk.filter((o) => o.kind !== "-").length;
    out.push(style.meta(`@@ -${na ? ai : ai - 1},${na} +${nb ? bi : bi - 1},${nb} @@`));
    for (const o of hunk) out.push(o.kind === "+" ? style.add(`+${o.line}`) : o.kind === "-" ? style.del(`-${o.line}`) : ` ${o.line}`);
    ai += na;
    bi += nb;
    k = end;
  }
  return out.join("\n") + "\n";
}
