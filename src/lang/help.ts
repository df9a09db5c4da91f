/** `help` and `help TOPIC`: generated from the grammar and the help table. */
import { statementKeywords } from "./grammar-info.js";
import { statementSyntax } from "./grammar-docs.js";
import { statementHelp, valueHelp } from "./help-text.js";
import { didYouMean } from "./suggest.js";
import { showTopicsHelp } from "./show-topics.js";
import { keywordByWord } from "./tokens.js";

export function helpIndex(): string {
  const words = [...statementKeywords().keys()];
  const width = Math.max(...words.map((w) => w.length));
  const lines = ["lvsh statements (`help STATEMENT` for syntax and examples):", ""];
  for (const w of words) lines.push(`  ${w.padEnd(width)}  ${keywordByWord.get(w)?.doc ?? ""}`);
  lines.push("", "Statements end at a newline or `;`. Nothing changes until `commit`.", "In the interactive shell also: `setup` (a guided set-up), `exit`; Tab completes.");
  return lines.join("\n");
}

/** What `help TOPIC` takes, for completion: the statements, then the value placeholders (IFACE ...). */
export function helpTopics(): { topic: string; doc: string }[] {
  const statements = [...statementKeywords().keys()].map((w) => ({ topic: w, doc: keywordByWord.get(w)?.doc ?? "statement" }));
  const values = Object.keys(valueHelp).flatMap((p) => p.split(", ")).map((p) => ({ topic: p, doc: "value" }));
  return [...statements, ...values];
}

/** Help on a statement, a value placeholder or a keyword; undefined with a hint when unknown. */
export function helpTopic(topic: string): { text?: string; hint?: string } {
  const rule = statementKeywords().get(topic);
  if (rule) {
    const h = statementHelp[topic];
    const lines = [statementSyntax(rule).replace(/^/gm, "  ").replace(/^  /, `${topic} syntax:\n  `)];
    if (h) lines.push("", h.summary);
    if (h?.details) lines.push("", h.details);
    if (topic === "show") lines.push("", showTopicsHelp());
    if (h?.examples.length) lines.push("", "Examples:", ...h.examples.map((e) => `  ${e}`));
    return { text: lines.join("\n") };
  }
  const value = valueHelp[topic.toUpperCase()];
  if (value) return { text: `${topic.toUpperCase()}: ${value}` };
  const kw = keywordByWord.get(topic);
  if (kw) return { text: `${topic}: ${kw.doc}` };
  const hint = didYouMean(topic, [...statementKeywords().keys(), ...keywordByWord.keys()]);
  return hint ? { hint } : { hint: "`help` lists the statements" };
}
