/**
 * Completion of one lvsh statement, on the grammar as data (lang/assist.ts):
 * the keywords that may come next, less those a statement takes once and
 * has, and the values where the grammar expects one (from a source the
 * caller gives). No Chevrotain here: the shell's Tab runs this with the
 * parser's table and its lexer (complete.ts), bash and zsh's Tab with the
 * table the build wrote into dist/lvsh-words.cjs and the plain lexer.
 */
import { nextTokens, type AssistTable } from "../lang/assist.js";

export interface Item {
  /** The text to insert. */
  readonly value: string;
  readonly kind: "keyword" | "value";
  /** One line for menus. */
  readonly doc?: string;
}

export interface Completion {
  /** Where the word being completed starts in the text. */
  readonly start: number;
  /** The partial word (text[start, cursor]). */
  readonly partial: string;
  readonly items: readonly Item[];
}

/** A token of the statement: its text and its type's name. */
export interface Tok {
  readonly image: string;
  readonly type: string;
}

export interface StatementSources {
  readonly table: AssistTable;
  /** The tokens of some text (at the start of a statement). */
  readonly lex: (text: string) => readonly Tok[];
  /** What a value position offers: the rules it is in, the tokens before it, the partial word. */
  readonly values: (ruleStack: readonly string[], preceding: readonly Tok[], partial: string) => readonly Item[];
}

/** The token types at which a value is expected. */
const VALUE_TYPES = new Set(["Value", "AnyWord", "NumberLiteral", "Word"]);

/** Groups of keywords of which a statement takes one: once one is there, none is offered again. */
function exclusiveGroups(table: AssistTable): string[][] {
  return [["Kw_dr", "Kw_nat", "Kw_tun"], table.keywords.filter((k) => k.categories.includes("Scheduler")).map((k) => k.name), ["Kw_csum", "Kw_nocsum", "Kw_remcsum"]];
}

/** The start of the statement the cursor is in: after the last `;` or newline outside quotes; -1 in a comment. */
function statementStart(text: string): number {
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ";" || (c === "\n" && text[i - 1] !== "\\")) start = i + 1;
    else if (c === "#") return -1;
  }
  return start;
}

export function completeStatement(text: string, cursor: number, src: StatementSources): Completion {
  const before = text.slice(0, cursor);
  const stmtStart = statementStart(before);
  if (stmtStart < 0) return { start: cursor, partial: "", items: [] };
  const stmt = before.slice(stmtStart);
  const partialMatch = /[^\s;#]*$/.exec(stmt)!;
  const partial = partialMatch[0];
  const start = stmtStart + partialMatch.index;
  const preceding = src.lex(stmt.slice(0, partialMatch.index)).filter((t) => t.type !== "Newline");
  const paths = nextTokens(src.table, "statement", preceding.map((t) => t.type));
  const keywords = src.table.keywords;
  const groups = exclusiveGroups(src.table);
  const taken = new Set<string>();
  for (const tok of preceding.slice(1)) {
    taken.add(tok.type);
    for (const group of groups) if (group.includes(tok.type)) for (const g of group) taken.add(g);
  }
  const seen = new Set<string>();
  const items: Item[] = [];
  const add = (item: Item) => {
    if (seen.has(item.value) || !item.value.startsWith(partial)) return;
    seen.add(item.value);
    items.push(item);
  };
  for (const p of paths) {
    const t = p.next;
    if (!(preceding.length && taken.has(t))) {
      for (const k of keywords) if ((k.name === t || k.categories.includes(t)) && !taken.has(k.name)) add({ value: k.word, kind: "keyword", doc: k.doc });
    }
    if (VALUE_TYPES.has(t)) for (const v of src.values(p.ruleStack, preceding, partial)) add(v);
  }
  return { start, partial, items };
}

/** A completion as the command line's Tab takes it: a word and its doc per item. */
export function candidatesOf(c: Completion): { partial: string; items: { word: string; doc?: string }[] } {
  return { partial: c.partial, items: c.items.map((i) => ({ word: i.value, ...(i.doc ? { doc: i.doc } : {}) })) };
}
