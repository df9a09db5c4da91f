/**
 * keepalived.conf's syntax: lines of words, `{ }` blocks, `#` and `!`
 * comments, "double-quoted" words. A line ending with `{` (or followed by a
 * line holding only `{`) opens the block of its keyword. Pure: text in,
 * a tree of nodes out, with the problems (unbalanced braces) by line.
 */

export interface KaNode {
  readonly words: readonly string[];
  readonly line: number;
  readonly block?: readonly KaNode[];
}

export interface KaParse {
  readonly nodes: readonly KaNode[];
  readonly problems: readonly { readonly line: number; readonly message: string }[];
}

/** The words of one line: `{` and `}` are words of their own; comments dropped. */
export function lineWords(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === " " || c === "\t" || c === "\r") i++;
    else if (c === "#" || c === "!") break;
    else if (c === "{" || c === "}") {
      out.push(c);
      i++;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      const stop = end < 0 ? line.length : end;
      out.push(line.slice(i + 1, stop));
      i = stop + 1;
    } else {
      let j = i;
      while (j < line.length && !/[\s{}#!"]/.test(line[j]!)) j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

interface Open {
  readonly nodes: KaNode[];
  readonly line: number;
}

export function parseKeepalivedConf(text: string): KaParse {
  const problems: { line: number; message: string }[] = [];
  const root: KaNode[] = [];
  const stack: Open[] = [{ nodes: root, line: 0 }];
  const top = () => stack[stack.length - 1]!.nodes;
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    let words: string[] = [];
    const flush = () => {
      if (words.length) top().push({ words, line });
      words = [];
    };
    for (const w of lineWords(raw)) {
      if (w === "{") {
        const block: KaNode[] = [];
        const nodes = top();
        if (words.length) nodes.push({ words, line, block });
        else if (nodes.length && !nodes[nodes.length - 1]!.block) {
          const prev = nodes.pop()!;
          nodes.push({ ...prev, block });
        } else problems.push({ line, message: "`{` without a keyword before it" });
        words = [];
        stack.push({ nodes: block, line });
      } else if (w === "}") {
        flush();
        if (stack.length > 1) stack.pop();
        else problems.push({ line, message: "`}` without a block to close" });
      } else words.push(w);
    }
    flush();
  });
  for (const open of stack.slice(1)) problems.push({ line: open.line, message: "this block is never closed with `}`" });
  return { nodes: root, problems };
}
