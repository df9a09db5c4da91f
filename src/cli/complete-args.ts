/**
 * `lvsh __complete LINE CUR [SHELL [TYPE]]`: what bash and zsh offer on
 * Tab. LINE is the command line up to the cursor, CUR the word the shell
 * will replace, SHELL `bash` (the default) or `zsh`, TYPE bash's
 * COMP_TYPE. Subcommands, options and their values come from the
 * command-line tables (spec.ts, which the argument parser reads too; this
 * module loads nothing else, so it starts fast); statements inside
 * `-c '...'` and what `show TOPIC` takes come from the same engine as the
 * interactive shell.
 */
import { commands, options, type OptionSpec } from "./spec.js";

export type Directive = "plain" | "files" | "lvsh-files";

export interface Candidate {
  /** The word to insert in place of `partial`. */
  readonly word: string;
  /** One line for menus (zsh shows it). */
  readonly doc?: string;
}

export interface ArgCompletion {
  readonly directive: Directive;
  /** The shell's current word before `partial`: inside -c '...', the opening quote and the statements so far. */
  readonly stem: string;
  /** The end of the shell's current word that each candidate replaces. */
  readonly partial: string;
  readonly candidates: readonly Candidate[];
  /** The current word is in an open quote (inside -c '...'). */
  readonly quoted: boolean;
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

const byFlag = new Map<string, OptionSpec>(options.flatMap((o) => [[`--${o.long}`, o] as const, ...(o.short ? [[`-${o.short}`, o] as const] : [])]));
const valueOptions = new Map([...byFlag].filter(([, o]) => o.type === "string"));

function visible() {
  return commands.filter((c) => !c.hidden);
}

/** The options that go with this subcommand ("" for none), from the table the parser reads. */
function optionsFor(cmd: string): OptionSpec[] {
  return options.filter((o) => !o.for || o.for.includes(cmd));
}

/** The target the command line names, if any (for the revisions of its state directory). */
function targetOf(args: readonly string[]): "sim" | "local" | undefined {
  let t: "sim" | "local" | undefined;
  args.forEach((a, i) => {
    if (a === "--sim") t = "sim";
    else if (a === "--target" && (args[i + 1] === "sim" || args[i + 1] === "local")) t = args[i + 1] as "sim" | "local";
  });
  return t;
}

export type StatementCompleter = (text: string, opts: { readonly target?: "sim" | "local" }) => Promise<{ partial: string; items: readonly Candidate[] }>;

export async function completeArgs(line: string, cur: string, statements?: StatementCompleter): Promise<ArgCompletion> {
  const { words, trailingSpace, open } = shellWords(line);
  const args = words.slice(1);
  if (trailingSpace) args.push("");
  const word = args[args.length - 1] ?? "";
  const prev = args[args.length - 2];
  const keep = cur.slice(0, Math.max(0, cur.length - word.length));
  const quoted = open !== null;
  const offer = (cands: readonly Candidate[], directive: Directive = "plain"): ArgCompletion => ({
    directive,
    stem: keep,
    partial: word,
    candidates: cands.filter((c) => c.word.startsWith(word)),
    quoted,
  });
  const choices = (list: readonly string[], docs?: Readonly<Record<string, string>>) => list.map((w) => ({ word: w, ...(docs?.[w] ? { doc: docs[w] } : {}) }));
  /** Statements, or `show TOPIC ...`: the engine on TEXT; the candidates replace its partial word. */
  const viaStatements = async (text: string): Promise<ArgCompletion> => {
    if (!statements) return offer([]);
    const r = await statements(text, { ...(targetOf(args) ? { target: targetOf(args)! } : {}) });
    return { directive: "plain", stem: cur.slice(0, Math.max(0, cur.length - r.partial.length)), partial: r.partial, candidates: r.items, quoted };
  };
  const opt = prev !== undefined ? valueOptions.get(prev) : undefined;
  if (opt?.long === "command") return viaStatements(word);
  // a path: the shell's file names; an address or a number (--rs, --interval, --count): nothing to offer
  if (opt) return opt.choices ? offer(choices(opt.choices, opt.choiceDocs)) : offer([], opt.long === "to" || opt.long === "from" ? "files" : "plain");
  const positionals = args.slice(0, -1).filter((a, i, all) => !a.startsWith("-") && !valueOptions.has(all[i - 1] ?? ""));
  const cmd = positionals.length ? visible().find((c) => c.name === positionals[0]) : undefined;
  if (word.startsWith("-")) {
    if (positionals.length && !cmd) return offer([]);
    const opts = optionsFor(cmd?.name ?? "");
    return offer([...opts.map((o) => ({ word: `--${o.long}`, doc: o.summary })), ...opts.filter((o) => o.short).map((o) => ({ word: `-${o.short}`, doc: o.summary }))]);
  }
  if (!positionals.length) return offer(visible().map((c) => ({ word: c.name, doc: c.summary })), "lvsh-files");
  if (!cmd) return offer([]);
  if (cmd.choices && positionals.length === 1) return offer(choices(cmd.choices, cmd.choiceDocs));
  // what a show topic takes: the shell's own `show` statement
  if (cmd.name === "show") return viaStatements(["show", ...positionals.slice(1), word].join(" "));
  // doctor and watch take what their statements take (candidate, a VIP, a service)
  if (cmd.name === "doctor" || cmd.name === "watch") return viaStatements([cmd.name, ...positionals.slice(1), word].join(" "));
  if (cmd.name === "check" || cmd.name === "export") return offer([], "lvsh-files");
  return offer([]);
}

/** The longest common start of some strings. */
function common(ws: readonly string[]): string {
  let p = ws[0] ?? "";
  for (const w of ws) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** bash's COMP_TYPE: 9 a plain Tab, 63 listing (a second Tab), 33 listing at once (show-all-if-ambiguous). */
const LIST = 63;
const LIST_AT_ONCE = 33;

/**
 * For bash: a directive line, then one replacement of the shell's current
 * word per line. In an open quote (inside -c '...') readline replaces the
 * whole quoted text, so a replacement holds the statements so far; a list
 * (a second Tab) shows the words alone; and a single replacement comes
 * with the space after it and a twin one space longer, as readline closes
 * the quote after a single match (it inserts what they share and leaves
 * the quote open).
 */
function forBash(c: ArgCompletion, type: number): string[] {
  const words = c.candidates.map((x) => x.word);
  if (!c.quoted) return words.map((w) => c.stem + w);
  const listing = type === LIST || (type === LIST_AT_ONCE && common(words) === c.partial);
  if (listing && words.length > 1) return words;
  if (words.length === 1) {
    const one = c.stem + words[0]! + (words[0]!.endsWith("/") ? "" : " ");
    return [one, `${one} `];
  }
  return words.map((w) => c.stem + w);
}

/** For zsh: a directive line, the partial word the candidates replace, then `word:description` per line. */
function forZsh(c: ArgCompletion): string[] {
  return [c.partial, ...c.candidates.map((x) => `${x.word.replace(/\\/g, "\\\\").replace(/:/g, "\\:")}${x.doc ? `:${x.doc.replace(/\n/g, " ")}` : ""}`)];
}

/** The protocol's output. */
export function formatCompletion(c: ArgCompletion, shell = "bash", type = 9): string {
  return [c.directive, ...(shell === "zsh" ? forZsh(c) : forBash(c, type))].join("\n") + "\n";
}

/** `lvsh __complete LINE CUR [SHELL [TYPE]]`, its arguments after `__complete` -> what it prints (every entry point answers through this). */
export async function answerComplete(args: readonly string[], statements?: StatementCompleter): Promise<string> {
  return formatCompletion(await completeArgs(args[0] ?? "", args[1] ?? "", statements), args[2], Number(args[3] || 9));
}
