/**
 * `lvsh __complete LINE CUR`: what bash and zsh offer on Tab. LINE is the
 * command line up to the cursor, CUR the word the shell will replace.
 * Prints a directive (`plain`, `files`, `lvsh-files`) and one candidate per
 * line. Subcommands, options and their values come from the command-line
 * tables (this module loads nothing else, so it starts fast); statements
 * inside `-c '...'` come from the same engine as the interactive shell.
 */
import { commands, options } from "./spec.js";

export type Directive = "plain" | "files" | "lvsh-files";

export interface ArgCompletion {
  readonly directive: Directive;
  /** Each a replacement for the shell's current word. */
  readonly candidates: readonly string[];
}

/** Shell-like words: quotes and backslashes understood; whether the last word is in an open quote. */
export function shellWords(line: string): { words: string[]; open: string | null; trailingSpace: boolean } {
  const words: string[] = [];
  let cur: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) cur += line[++i]!;
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur ??= "";
    } else if (c === "\\" && i + 1 < line.length) cur = (cur ?? "") + line[++i]!;
    else if (/\s/.test(c)) {
      if (cur !== null) words.push(cur);
      cur = null;
    } else cur = (cur ?? "") + c;
  }
  const trailingSpace = cur === null && !quote;
  if (cur !== null) words.push(cur);
  return { words, open: quote, trailingSpace };
}

const valueOptions = new Map(options.filter((o) => o.type === "string").flatMap((o) => [[`--${o.long}`, o], ...(o.short ? [[`-${o.short}`, o] as const] : [])]));

function visible() {
  return commands.filter((c) => !c.hidden);
}

export type StatementCompleter = (text: string) => Promise<{ partial: string; values: string[] }>;

export async function completeArgs(line: string, cur: string, statements?: StatementCompleter): Promise<ArgCompletion> {
  const { words, trailingSpace } = shellWords(line);
  const args = words.slice(1);
  if (trailingSpace) args.push("");
  const word = args[args.length - 1] ?? "";
  const prev = args[args.length - 2];
  const keep = cur.slice(0, Math.max(0, cur.length - word.length));
  const offer = (values: readonly string[], directive: Directive = "plain"): ArgCompletion => ({
    directive,
    candidates: values.filter((v) => v.startsWith(word)).map((v) => keep + v),
  });
  const opt = prev !== undefined ? valueOptions.get(prev) : undefined;
  if (opt?.long === "command") {
    if (!statements) return { directive: "plain", candidates: [] };
    const r = await statements(word);
    const stem = cur.slice(0, Math.max(0, cur.length - r.partial.length));
    return { directive: "plain", candidates: r.values.map((v) => stem + v) };
  }
  // a path: the shell's file names; an address or a number (--rs, --interval, --count): nothing to offer
  if (opt) return opt.choices ? offer(opt.choices) : offer([], opt.long === "to" || opt.long === "from" ? "files" : "plain");
  if (word.startsWith("-")) {
    return offer(options.flatMap((o) => [`--${o.long}`]).concat(options.filter((o) => o.short).map((o) => `-${o.short}`)));
  }
  const positionals = args.slice(0, -1).filter((a, i, all) => !a.startsWith("-") && !valueOptions.has(all[i - 1] ?? ""));
  const cmd = positionals.length ? visible().find((c) => c.name === positionals[0]) : undefined;
  if (!positionals.length) return offer(visible().map((c) => c.name), "lvsh-files");
  if (!cmd) return offer([]);
  if (cmd.choices && positionals.length === 1) return offer(cmd.choices);
  if (cmd.name === "check" || cmd.name === "export") return offer([], "lvsh-files");
  return offer([]);
}

/** The protocol's output. */
export function formatCompletion(c: ArgCompletion): string {
  return [c.directive, ...c.candidates].join("\n") + "\n";
}
