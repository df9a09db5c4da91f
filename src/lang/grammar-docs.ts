/**
 * The grammar for people, generated from the parser: an EBNF-style summary
 * (grammar/README.md, `help`), railroad diagrams (grammar/diagrams.html)
 * and the CST typings (src/lang/cst.d.ts). A test fails when the committed
 * files differ from what this produces.
 */
import {
  Alternation,
  Alternative,
  createSyntaxDiagramsCode,
  generateCstDts,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  Terminal,
  type IProduction,
} from "chevrotain";
import { statementKeywords } from "./grammar-info.js";
import { statementHelp, valueHelp } from "./help-text.js";
import { getParser } from "./parser.js";
import * as T from "./tokens.js";
import { slots } from "./slots.js";

/** Rules shown as a placeholder word rather than expanded: the slots that have a rule of their own. */
const placeholders: Record<string, string> = Object.fromEntries(slots.filter((s) => s.rule && !s.expand).map((s) => [s.rule!, s.placeholder]));

const categoryPlaceholders = new Map([
  [T.Scheduler, "SCHEDULER"],
  [T.Protocol, "tcp|udp|sctp"],
  [T.TunType, "ipip|gue|gre"],
  [T.ShowTopic, "TOPIC"],
  [T.ArpVia, "arptables|sysctl"],
  [T.CsumMode, "csum|nocsum|remcsum"],
  [T.CheckType, "http|https|tcp|none"],
]);

function terminalText(t: Terminal): string {
  const cat = categoryPlaceholders.get(t.terminalType);
  if (cat) return cat;
  const kw = T.keywords.find((k) => k.token === t.terminalType);
  if (kw) return kw.word;
  if (t.terminalType === T.NumberLiteral) return (t.label ?? "N").toUpperCase();
  return (t.label ?? "VALUE").replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

function seq(ps: IProduction[]): string {
  return ps.map(prodText).join(" ");
}

function prodText(p: IProduction): string {
  if (p instanceof Terminal) return terminalText(p);
  if (p instanceof NonTerminal) return placeholders[p.nonTerminalName] ?? `<${p.nonTerminalName}>`;
  if (p instanceof Option) return `[${seq(p.definition)}]`;
  if (p instanceof Repetition) return `{${seq(p.definition)}}`;
  if (p instanceof RepetitionMandatory) {
    const inner = seq(p.definition);
    return `${inner} {${inner}}`;
  }
  if (p instanceof Alternation) return `(${p.definition.map((a) => seq((a as Alternative).definition)).join(" | ")})`;
  if (p instanceof Alternative) return seq(p.definition);
  return "";
}

function rules() {
  return getParser().getGAstProductions();
}

/** One rule as `name = ...`, outer parentheses dropped. */
export function ruleText(name: string): string {
  const r = rules()[name]!;
  let body = seq(r.definition);
  if (r.definition.length === 1 && r.definition[0] instanceof Alternation) body = body.slice(1, -1);
  return body;
}

function referenced(name: string, out: string[]): void {
  const walk = (p: IProduction): void => {
    if (p instanceof NonTerminal) {
      if (!(p.nonTerminalName in placeholders) && !out.includes(p.nonTerminalName)) {
        out.push(p.nonTerminalName);
        referenced(p.nonTerminalName, out);
      }
    } else if ("definition" in p) (p as { definition: IProduction[] }).definition.forEach(walk);
  };
  rules()[name]!.definition.forEach(walk);
}

/** A statement's syntax with the sub-rules it uses, e.g. for `help service`. */
export function statementSyntax(rule: string): string {
  const subs: string[] = [];
  referenced(rule, subs);
  const width = Math.max(0, ...subs.map((s) => s.length));
  return [ruleText(rule), ...subs.map((s) => `  ${`<${s}>`.padEnd(width + 2)} = ${ruleText(s)}`)].join("\n");
}

/** grammar/README.md */
export function grammarMarkdown(): string {
  const out: string[] = [
    "# The lvsh language",
    "",
    "<!-- Generated from the parser by `npm run grammar`; a test fails when it is stale. -->",
    "",
    "Statements are separated by newlines or `;`. `#` starts a comment; a `\\` at the end of a",
    "line continues the statement. `[x]` is optional, `{x}` repeats, `(a | b)` is a choice; options",
    "of a statement may come in any order. Railroad diagrams: [diagrams.html](diagrams.html).",
    "",
    "## Statements",
    "",
  ];
  for (const [word, rule] of statementKeywords()) {
    const h = statementHelp[word];
    out.push(`### ${word}`, "", h ? h.summary : "", "", "```", statementSyntax(rule), "```", "");
    if (h?.details) out.push(h.details, "");
    if (h?.examples.length) out.push("Examples:", "", "```", ...h.examples, "```", "");
  }
  out.push("## Values", "");
  for (const [name, text] of Object.entries(valueHelp)) out.push(`- \`${name}\`: ${text}`);
  out.push("", "## Keywords", "", "| keyword | meaning |", "| --- | --- |");
  for (const k of [...T.keywords].sort((a, b) => a.word.localeCompare(b.word))) out.push(`| \`${k.word}\` | ${k.doc} |`);
  return out.join("\n") + "\n";
}

/** grammar/diagrams.html */
export function diagramsHtml(): string {
  return createSyntaxDiagramsCode(getParser().getSerializedGastProductions());
}

/** src/lang/cst.d.ts */
export function cstDts(): string {
  return generateCstDts(rules());
}
