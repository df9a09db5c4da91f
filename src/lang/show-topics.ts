/**
 * What each `show` topic takes after it: one table for the session (which
 * checks the words and refuses what a topic does not take), `help show`
 * and completion.
 */
import type { ShowStmt, V } from "./ast.js";
import { error, type Diagnostic } from "./diagnostic.js";
import { didYouMean } from "./suggest.js";

export interface ShowTopicSpec {
  readonly name: string;
  readonly summary: string;
  /** What follows the topic, as `help show` prints it. */
  readonly usage: string;
  /** The words it takes (`json`; `--json` is the same). */
  readonly words: readonly string[];
  /** The values it takes: what they are, how many, and which completion offers them. */
  readonly values?: { readonly what: string; readonly max: number; readonly kind: "revision" | "real-server" };
}

export const showTopicSpecs: readonly ShowTopicSpec[] = [
  { name: "plan", summary: "the steps a commit would run, in order (`commands`: each command and its undo)", usage: "[commands | json]", words: ["commands", "json"] },
  { name: "diff", summary: "the candidate against the running configuration, or revisions against each other", usage: "[REVISION [REVISION]]", words: [], values: { what: "revision numbers (`show history` lists them)", max: 2, kind: "revision" } },
  { name: "candidate", summary: "the candidate configuration, as statements", usage: "", words: [] },
  { name: "running", summary: "what every host runs now (ipvsadm, arptables, addresses)", usage: "[json]", words: ["json"] },
  { name: "rs", summary: "real servers as the director runs them, staged changes marked, live connections", usage: "[ADDR ...] [json]", words: ["json"], values: { what: "real server addresses (`.31`, `10.0.0.31`, `10.0.0.31:80`)", max: Infinity, kind: "real-server" } },
  { name: "services", summary: "the candidate's services", usage: "[json]", words: ["json"] },
  { name: "hosts", summary: "the hosts, how each is reached, and whether it answers", usage: "[json]", words: ["json"] },
  { name: "history", summary: "the committed revisions", usage: "[json]", words: ["json"] },
];

/** What each word a topic takes means (`help show`, completion). */
export const showWordDocs: Readonly<Record<string, string>> = { json: "as JSON", commands: "each command and its undo" };

export const showTopicByName: ReadonlyMap<string, ShowTopicSpec> = new Map(showTopicSpecs.map((t) => [t.name, t]));

/** A real-server pattern of `show rs`: an address suffix (`.31`, `.1.31`) or a whole address, with a port or not. */
export interface RsPattern {
  readonly suffix?: string;
  readonly addr?: string;
  readonly port?: number;
}

export function rsPattern(text: string): RsPattern | undefined {
  let m = /^(\.\d{1,3}(?:\.\d{1,3}){0,2})(?::(\d{1,5}))?$/.exec(text);
  if (m) return { suffix: m[1]!, ...(m[2] ? { port: Number(m[2]) } : {}) };
  m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(text) ?? /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(text) ?? /^([0-9a-fA-F]*:[0-9a-fA-F:.]+)$/.exec(text);
  if (m) return { addr: m[1]!.toLowerCase(), ...(m[2] ? { port: Number(m[2]) } : {}) };
  return undefined;
}

export interface ShowArgs {
  readonly words: ReadonlySet<string>;
  readonly values: readonly V<string>[];
}

function valid(spec: ShowTopicSpec, v: string): boolean {
  if (spec.values?.kind === "revision") return /^\d+$/.test(v);
  if (spec.values?.kind === "real-server") return rsPattern(v) !== undefined;
  return false;
}

/** The words and values after a topic, checked: what a topic does not take is refused, never ignored. */
export function showArgs(s: ShowStmt): ShowArgs | Diagnostic {
  const name = s.topic?.value ?? "candidate";
  const spec = showTopicByName.get(name);
  if (!spec) return error("not-available", `\`show ${name}\` is not available yet in this version of lvsh`, s.topic?.span ?? s.span);
  const words = new Set<string>();
  const values: V<string>[] = [];
  for (const a of s.args) {
    const w = a.value.replace(/^--/, "");
    if (spec.words.includes(w)) words.add(w);
    else if (spec.values && values.length < spec.values.max && valid(spec, a.value)) values.push(a);
    else {
      const takes = [...spec.words.map((x) => `\`${x}\``), ...(spec.values ? [spec.values.what] : [])];
      const typo = didYouMean(w, spec.words);
      return error("show-argument", `\`show ${name}\` ${takes.length ? `takes ${takes.join(" or ")}` : "takes nothing more"}; not \`${a.value}\``, a.span, {
        hint: `${typo ? `${typo} ` : ""}usage: show ${name}${spec.usage ? ` ${spec.usage}` : ""}`,
      });
    }
  }
  return { words, values };
}

/** `help show`'s list of topics. */
export function showTopicsHelp(): string {
  const usages = showTopicSpecs.map((t) => `show ${t.name}${t.usage ? ` ${t.usage}` : ""}`);
  const width = Math.max(...usages.map((u) => u.length));
  return ["Topics (`json` prints JSON):", ...showTopicSpecs.map((t, i) => `  ${usages[i]!.padEnd(width)}  ${t.summary}`)].join("\n");
}
