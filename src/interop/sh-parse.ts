/**
 * A shell script -> a tree of commands, as sh reads it, for the simple
 * things load-balancer scripts do: words with quotes, `\` escapes and line
 * continuations (CRLF lines too), `$VAR`/`${VAR}`/`${VAR:-word}` (kept, expanded later),
 * `$(...)` and backticks (kept as such: lvsh never runs them), `#`
 * comments, `;`/`&&`/`||`/`|`/`&`, redirections, here-documents (their lines kept with the command),
 * and the compound commands `if`, `for`/`while`/`until`, `case`, `{ }`,
 * `( )` and function definitions. Pure: text in, tree out; what it cannot
 * make sense of comes back as problems with their line, never a throw.
 */

export type Part =
  | { readonly k: "lit"; readonly s: string; readonly quoted: boolean }
  | { readonly k: "var"; readonly name: string; readonly quoted: boolean; readonly op?: string; readonly arg?: Word }
  | { readonly k: "subst"; readonly text: string };

export interface Word {
  readonly parts: readonly Part[];
  /** As written (continuations joined). */
  readonly raw: string;
  readonly line: number;
}

/** A here-document's lines (`<<EOF ... EOF`), read where its command is. */
export interface HereDoc {
  /** The line of its first line. */
  line: number;
  readonly lines: string[];
  /** Its delimiter was quoted (`<<'EOF'`): no `$` expansion in it. */
  readonly quoted: boolean;
}

export interface Redir {
  readonly op: string;
  readonly target: Word;
  readonly heredoc?: HereDoc;
}

/** How a command is joined to the one before it. */
export type Join = "&&" | "||" | "|";

interface Base {
  readonly line: number;
  endLine: number;
  join?: Join;
}

export interface SimpleCmd extends Base {
  readonly k: "cmd";
  readonly words: readonly Word[];
  readonly redirs: readonly Redir[];
}
export interface IfNode extends Base {
  readonly k: "if";
  readonly arms: readonly { readonly line: number; readonly cond: readonly Node[]; readonly body: readonly Node[] }[];
  readonly otherwise: { readonly line: number; readonly body: readonly Node[] } | null;
}
export interface LoopNode extends Base {
  readonly k: "loop";
  readonly kind: "for" | "while" | "until";
  readonly name?: string;
  readonly items?: readonly Word[];
  readonly cond?: readonly Node[];
  readonly body: readonly Node[];
}
export interface CaseArm {
  readonly line: number;
  endLine: number;
  readonly patterns: readonly Word[];
  readonly body: readonly Node[];
}
export interface CaseNode extends Base {
  readonly k: "case";
  readonly subject: Word;
  readonly arms: readonly CaseArm[];
}
export interface FuncNode extends Base {
  readonly k: "func";
  readonly name: string;
  readonly body: readonly Node[];
}
export interface GroupNode extends Base {
  readonly k: "group";
  readonly body: readonly Node[];
}
export type Node = SimpleCmd | IfNode | LoopNode | CaseNode | FuncNode | GroupNode;

export interface ShProblem {
  readonly line: number;
  readonly message: string;
}

/* ---------------- lexer ---------------- */

type Tok = { readonly t: "word"; readonly w: Word } | { readonly t: "op"; readonly op: string; readonly line: number; readonly heredoc?: HereDoc } | { readonly t: "nl"; readonly line: number };

const OPS = [";;", "&&", "||", "<<-", "<<", ">>", ">&", "<&", ">|", "<>", ";", "&", "|", "(", ")", "<", ">"];
export const REDIRECTS = new Set(["<<-", "<<", ">>", ">&", "<&", ">|", "<>", "<", ">"]);

function lex(text: string, problems: ShProblem[]): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  const heredocs: { delim: string; strip: boolean; doc: HereDoc }[] = [];
  let parts: Part[] = [];
  let lit = "";
  let litQuoted = false;
  let inWord = false;
  let wordStart = 0;
  let wordLine = 1;

  const flushLit = () => {
    if (lit !== "") parts.push({ k: "lit", s: lit, quoted: litQuoted });
    lit = "";
  };
  const addLit = (s: string, quoted: boolean) => {
    if (lit !== "" && litQuoted !== quoted) flushLit();
    litQuoted = quoted;
    lit += s;
  };
  const startWord = () => {
    if (!inWord) {
      inWord = true;
      wordStart = i;
      wordLine = line;
    }
  };
  const endWord = () => {
    if (!inWord) return;
    flushLit();
    toks.push({ t: "word", w: { parts, raw: text.slice(wordStart, i).replace(/\\\n/g, ""), line: wordLine } });
    parts = [];
    inWord = false;
  };
  /** `$...` at i: a part (and i moved past it), or null for a lone `$`. */
  const dollar = (quoted: boolean): Part | null => {
    const next = text[i + 1];
    if (next === "(") {
      const end = matchParen(text, i + 1);
      const inner = text.slice(i, end + 1);
      line += countNl(inner);
      i = end + 1;
      return { k: "subst", text: inner };
    }
    if (next === "{") {
      const end = text.indexOf("}", i + 2);
      if (end < 0) return null;
      const body = text.slice(i + 2, end);
      i = end + 1;
      const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[#?@*$!-])(?:(:?[-=+?])(.*))?$/s.exec(body);
      if (!m) return { k: "subst", text: `\${${body}}` };
      const arg = m[3] !== undefined ? lexWordText(m[3], line) : undefined;
      return { k: "var", name: m[1]!, quoted, ...(m[2] ? { op: m[2] } : {}), ...(arg ? { arg } : {}) };
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9#?@*$!-])/.exec(text.slice(i + 1));
    if (!m) return null;
    i += 1 + m[1]!.length;
    return { k: "var", name: m[1]!, quoted };
  };
  const backtick = (): Part => {
    let j = i + 1;
    while (j < text.length && text[j] !== "`") j += text[j] === "\\" ? 2 : 1;
    const inner = text.slice(i, j + 1);
    line += countNl(inner);
    i = j + 1;
    return { k: "subst", text: inner };
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\" && text[i + 1] === "\n") {
      i += 2;
      line++;
      continue;
    }
    if (c === "\n") {
      endWord();
      toks.push({ t: "nl", line });
      i++;
      line++;
      // here-documents: their lines follow the command's line
      for (const h of heredocs.splice(0)) {
        h.doc.line = line;
        for (;;) {
          if (i >= text.length) {
            problems.push({ line, message: `here-document ended by \`${h.delim}\` is not closed` });
            break;
          }
          const eol = text.indexOf("\n", i);
          const l = text.slice(i, eol < 0 ? text.length : eol);
          i = eol < 0 ? text.length : eol + 1;
          line++;
          if ((h.strip ? l.replace(/^\t+/, "") : l) === h.delim) break;
          h.doc.lines.push(h.strip ? l.replace(/^\t+/, "") : l);
        }
      }
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      endWord();
      i++;
      continue;
    }
    if (c === "#" && !inWord) {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      // a number right before a redirection is its file descriptor (2>&1)
      const fd = inWord && REDIRECTS.has(op) && parts.length === 0 && /^\d+$/.test(lit) && !litQuoted ? lit : "";
      if (fd) {
        lit = "";
        inWord = false;
        parts = [];
      } else endWord();
      i += op.length;
      if (op === "<<" || op === "<<-") {
        let j = i;
        while (text[j] === " " || text[j] === "\t") j++;
        const m = /^(['"]?)([^\s'";|&<>()]+)\1/.exec(text.slice(j));
        if (m) {
          const doc: HereDoc = { line: 0, lines: [], quoted: m[1] !== "" };
          heredocs.push({ delim: m[2]!, strip: op === "<<-", doc });
          toks.push({ t: "op", op: fd + op, line, heredoc: doc });
          continue;
        }
      }
      toks.push({ t: "op", op: fd + op, line });
      continue;
    }
    startWord();
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const s = end < 0 ? text.slice(i + 1) : text.slice(i + 1, end);
      if (end < 0) problems.push({ line, message: "a quote (') is not closed" });
      addLit(s, true);
      if (lit === "") parts.push({ k: "lit", s: "", quoted: true });
      line += countNl(s);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let closed = false;
      let any = false;
      while (i < text.length) {
        const d = text[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        any = true;
        if (d === "\\" && i + 1 < text.length) {
          const e = text[i + 1]!;
          if (e === "\n") line++;
          else if ("$`\"\\".includes(e)) addLit(e, true);
          else addLit(`\\${e}`, true);
          i += 2;
          continue;
        }
        if (d === "$") {
          const p = dollar(true);
          if (p) {
            flushLit();
            parts.push(p);
            continue;
          }
        }
        if (d === "`") {
          flushLit();
          parts.push(backtick());
          continue;
        }
        if (d === "\n") line++;
        addLit(d, true);
        i++;
      }
      if (!closed) problems.push({ line, message: 'a quote (") is not closed' });
      if (!any) {
        flushLit();
        parts.push({ k: "lit", s: "", quoted: true });
      }
      continue;
    }
    if (c === "\\") {
      addLit(text[i + 1] ?? "", true);
      i += 2;
      continue;
    }
    if (c === "$") {
      const p = dollar(false);
      if (p) {
        flushLit();
        parts.push(p);
        continue;
      }
    }
    if (c === "`") {
      flushLit();
      parts.push(backtick());
      continue;
    }
    addLit(c, false);
    i++;
  }
  endWord();
  return toks;
}

function countNl(s: string): number {
  let n = 0;
  for (const c of s) if (c === "\n") n++;
  return n;
}

/** The index of the `)` that closes the `(` at `open` (quotes respected). */
function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const c = text[j]!;
    if (c === "\\") j++;
    else if (c === "'") j = Math.max(j, text.indexOf("'", j + 1));
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return j;
  }
  return text.length - 1;
}

/** The word of a `${VAR:-word}` default. */
function lexWordText(s: string, line: number): Word {
  const toks = lex(s, []).filter((t): t is Extract<Tok, { t: "word" }> => t.t === "word");
  return { parts: toks.flatMap((t, n) => (n ? [{ k: "lit" as const, s: " ", quoted: true }, ...t.w.parts] : t.w.parts)), raw: s, line };
}

/* ---------------- parser ---------------- */

const RESERVED = new Set(["if", "then", "elif", "else", "fi", "do", "done", "case", "esac", "while", "until", "for", "in", "{", "}", "!", "function"]);

/** A word as a plain unquoted literal (reserved words, names), or null. */
export function plainWord(w: Word): string | null {
  return w.parts.length === 1 && w.parts[0]!.k === "lit" && !w.parts[0]!.quoted ? w.parts[0]!.s : null;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly toks: readonly Tok[],
    readonly problems: ShProblem[],
  ) {}

  private peek(): Tok | undefined {
    return this.toks[this.pos];
  }
  private lineHere(): number {
    const t = this.toks[Math.min(this.pos, this.toks.length - 1)];
    return t ? (t.t === "word" ? t.w.line : t.line) : 1;
  }
  private reservedHere(): string | null {
    const t = this.peek();
    if (!t) return null;
    if (t.t === "op") return t.op;
    if (t.t !== "word") return null;
    const p = plainWord(t.w);
    return p !== null && RESERVED.has(p) ? p : null;
  }
  private skipSeps(): void {
    for (let t = this.peek(); t && (t.t === "nl" || (t.t === "op" && (t.op === ";" || t.op === "&"))); t = this.peek()) this.pos++;
  }
  private skipNl(): void {
    while (this.peek()?.t === "nl") this.pos++;
  }
  /** Consumes the reserved word (or operator) `what`; false (and a problem) when it is not there. */
  private expect(what: string, opener: string, openLine: number): boolean {
    this.skipSeps();
    if (this.reservedHere() === what) {
      this.pos++;
      return true;
    }
    this.problems.push({ line: openLine, message: `\`${opener}\` of line ${openLine} has no \`${what}\`${this.peek() ? ` (line ${this.lineHere()})` : " before the end of the file"}` });
    return false;
  }

  /** Commands up to one of `stop` (reserved words or operators), which is left in place. */
  list(stop: ReadonlySet<string>): Node[] {
    const out: Node[] = [];
    let join: Join | undefined;
    for (;;) {
      if (join) this.skipNl();
      else this.skipSeps();
      const t = this.peek();
      if (!t) return out;
      const r = this.reservedHere();
      if (r !== null && stop.has(r)) return out;
      if (t.t === "op" && !REDIRECTS.has(t.op.replace(/^\d+/, "")) && t.op !== "(") {
        this.problems.push({ line: t.line, message: `unexpected \`${t.op}\`` });
        this.pos++;
        join = undefined;
        continue;
      }
      if (r !== null && ["then", "elif", "else", "fi", "do", "done", "esac", "}", "in"].includes(r)) {
        this.problems.push({ line: this.lineHere(), message: `unexpected \`${r}\`` });
        this.pos++;
        continue;
      }
      const node = this.command();
      if (join) node.join = join;
      out.push(node);
      const after = this.peek();
      join = after?.t === "op" && (after.op === "&&" || after.op === "||" || after.op === "|") ? after.op : undefined;
      if (join) this.pos++;
    }
  }

  private command(): Node {
    const line = this.lineHere();
    const r = this.reservedHere();
    let node: Node;
    if (r === "if") node = this.ifNode(line);
    else if (r === "for") node = this.forNode(line);
    else if (r === "while" || r === "until") node = this.whileNode(line, r);
    else if (r === "case") node = this.caseNode(line);
    else if (r === "{") {
      this.pos++;
      const body = this.list(new Set(["}"]));
      this.expect("}", "{", line);
      node = { k: "group", line, endLine: this.lastLine(), body };
    } else if (r === "(") {
      this.pos++;
      const body = this.list(new Set([")"]));
      this.expect(")", "(", line);
      node = { k: "group", line, endLine: this.lastLine(), body };
    } else if (r === "!") {
      this.pos++;
      return this.command();
    } else if (r === "function") {
      this.pos++;
      const t = this.peek();
      const name = t?.t === "word" ? t.w.raw : "?";
      this.pos++;
      if (this.reservedHere() === "(") this.pos += 2;
      node = this.funcBody(name, line);
    } else {
      const t = this.peek();
      const next = this.toks[this.pos + 1];
      const after = this.toks[this.pos + 2];
      if (t?.t === "word" && next?.t === "op" && next.op === "(" && after?.t === "op" && after.op === ")" && /^[A-Za-z_][\w.:-]*$/.test(t.w.raw)) {
        this.pos += 3;
        node = this.funcBody(t.w.raw, line);
      } else return this.simple(line);
    }
    this.trailingRedirs();
    return node;
  }

  private lastLine(): number {
    const t = this.toks[this.pos - 1];
    return t ? (t.t === "word" ? t.w.line : t.line) : 1;
  }

  private trailingRedirs(): void {
    for (let t = this.peek(); t?.t === "op" && REDIRECTS.has(t.op.replace(/^\d+/, "")); t = this.peek()) this.pos += 2;
  }

  private funcBody(name: string, line: number): Node {
    this.skipNl();
    const body = this.command();
    if (body.k === "cmd") {
      // sh refuses it: a function's body is a compound command
      this.problems.push({ line, message: `\`${name}()\` defines a function without \`{ ... }\`, which sh refuses (a call is written \`${name}\`)` });
      return body;
    }
    return { k: "func", name, line, endLine: body.endLine, body: body.k === "group" ? body.body : [body] };
  }

  private simple(line: number): SimpleCmd {
    const words: Word[] = [];
    const redirs: Redir[] = [];
    for (let t = this.peek(); t; t = this.peek()) {
      if (t.t === "word") {
        words.push(t.w);
        this.pos++;
      } else if (t.t === "op" && REDIRECTS.has(t.op.replace(/^\d+/, ""))) {
        this.pos++;
        const target = this.peek();
        if (target?.t === "word") {
          redirs.push({ op: t.op, target: target.w, ...(t.heredoc ? { heredoc: t.heredoc } : {}) });
          this.pos++;
        } else this.problems.push({ line: t.line, message: `\`${t.op}\` without a file` });
      } else break;
    }
    return { k: "cmd", line, endLine: this.lastLine(), words, redirs };
  }

  private ifNode(line: number): IfNode {
    this.pos++;
    const arms: { line: number; cond: Node[]; body: Node[] }[] = [];
    let otherwise: { line: number; body: Node[] } | null = null;
    let armLine = line;
    for (;;) {
      const cond = this.list(new Set(["then"]));
      if (!this.expect("then", "if", line)) break;
      const body = this.list(new Set(["elif", "else", "fi"]));
      arms.push({ line: armLine, cond, body });
      const r = this.reservedHere();
      if (r === "elif") {
        armLine = this.lineHere();
        this.pos++;
        continue;
      }
      if (r === "else") {
        const elseLine = this.lineHere();
        this.pos++;
        otherwise = { line: elseLine, body: this.list(new Set(["fi"])) };
      }
      this.expect("fi", "if", line);
      break;
    }
    return { k: "if", line, endLine: this.lastLine(), arms, otherwise };
  }

  private forNode(line: number): LoopNode {
    this.pos++;
    const t = this.peek();
    const name = t?.t === "word" ? t.w.raw : "?";
    this.pos++;
    const items: Word[] = [];
    if (this.reservedHere() === "in") {
      this.pos++;
      for (let w = this.peek(); w?.t === "word"; w = this.peek()) {
        items.push(w.w);
        this.pos++;
      }
    }
    this.expect("do", "for", line);
    const body = this.list(new Set(["done"]));
    this.expect("done", "for", line);
    return { k: "loop", kind: "for", name, items, body, line, endLine: this.lastLine() };
  }

  private whileNode(line: number, kind: "while" | "until"): LoopNode {
    this.pos++;
    const cond = this.list(new Set(["do"]));
    this.expect("do", kind, line);
    const body = this.list(new Set(["done"]));
    this.expect("done", kind, line);
    return { k: "loop", kind, cond, body, line, endLine: this.lastLine() };
  }

  private caseNode(line: number): CaseNode {
    this.pos++;
    const t = this.peek();
    const subject: Word = t?.t === "word" ? t.w : { parts: [], raw: "", line };
    this.pos++;
    this.skipNl();
    if (this.reservedHere() === "in") this.pos++;
    else this.problems.push({ line, message: "`case` without `in`" });
    const arms: CaseArm[] = [];
    for (;;) {
      this.skipSeps();
      const r = this.reservedHere();
      if (!this.peek() || r === "esac") break;
      const armLine = this.lineHere();
      if (r === "(") this.pos++;
      const patterns: Word[] = [];
      for (let p = this.peek(); p; p = this.peek()) {
        if (p.t === "word") patterns.push(p.w);
        else if (!(p.t === "op" && p.op === "|")) break;
        this.pos++;
      }
      if (this.reservedHere() === ")") this.pos++;
      else {
        this.problems.push({ line: armLine, message: "a `case` pattern without `)`" });
        this.pos++;
        continue;
      }
      const body = this.list(new Set([";;", "esac"]));
      const arm: CaseArm = { line: armLine, endLine: this.lastLine(), patterns, body };
      if (this.reservedHere() === ";;") {
        arm.endLine = this.lineHere();
        this.pos++;
      }
      arms.push(arm);
    }
    this.expect("esac", "case", line);
    return { k: "case", line, endLine: this.lastLine(), subject, arms };
  }
}

export interface ShScript {
  readonly nodes: readonly Node[];
  readonly problems: readonly ShProblem[];
}

export function parseShell(given: string): ShScript {
  const problems: ShProblem[] = [];
  // CRLF lines (a script saved on Windows): sh would choke on the CRs; lvsh reads the lines, `\` continuations included
  const text = given.replace(/\r\n/g, "\n");
  const toks = lex(text, problems);
  const p = new Parser(toks, problems);
  const nodes = p.list(new Set());
  return { nodes, problems };
}
