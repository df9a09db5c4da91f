/**
 * Shell scripts (lvs_dr.sh, init scripts, a real server's lo:0 script) in,
 * line by line: the commands lvsh can use (`ipvsadm` table lines,
 * `arptables -A`, the VIP bound by `ifconfig`/`ip addr add`, the ARP
 * sysctls by `echo N > /proc/sys/...` or `sysctl -w`), with the simple
 * variables of the script substituted; every other command becomes a note
 * at its line. sh's rules are followed where they are simple: the `start`
 * branch of `case "$1"` (and of `if [ "$1" = start ]`) is read, functions
 * are read where that branch calls them. What depends on running something
 * (`$(...)`, loops, conditions) is reported, never guessed.
 */
import { netmaskToPrefix, parseIp, parseIPv4 } from "../lang/index.js";
import { confKey, type AddrEntry, type ArpRule } from "../model/index.js";
import { ipvsadmCommandOf, parseArptablesRule } from "../state/index.js";
import { RULE_LINE } from "./detect.js";
import { replayIpvsadm } from "./ipvsadm.js";
import { rsEntry, type Gathered, type Note, type RsGathered } from "./gather.js";
import { parseShell, plainWord, type HereDoc, type CaseNode, type IfNode, type LoopNode, type Node, type SimpleCmd, type Word } from "./sh-parse.js";

/** A real server's part that does not say which real server it is (the script each of them runs). */
export interface AnyRsPart {
  readonly source: string;
  readonly line: number;
  readonly part: RsGathered;
}

interface Var {
  readonly value: string | null;
  /** Why the value is not known. */
  readonly why?: string;
}

interface Frame {
  /** Positional parameters of a function call; null at the top (the script's own arguments are not known). */
  readonly args: readonly string[] | null;
}

type Expanded = { readonly ok: true; readonly words: string[] } | { readonly ok: false; readonly why: string };
/** A redirection with its target expanded. */
type Redirected = { readonly op: string; readonly target: Expanded; readonly heredoc?: HereDoc };

const ARP_SYSCTL = /^net\.ipv4\.conf\.([^.]+)\.(arp_ignore|arp_announce)$/;
/** Commands that change nothing lvsh describes, noted without more words. */
const QUIET = new Set([":", "true"]);

class Reader {
  readonly vars = new Map<string, Var>();
  readonly funcs = new Map<string, { node: Extract<Node, { k: "func" }>; called: boolean }>();
  readonly ipvsadm: { line: number; text: string; words: string[] }[] = [];
  readonly arp: { line: number; rule: ArpRule }[] = [];
  readonly addrs: { line: number; addr: AddrEntry; label: string }[] = [];
  readonly sysctls: { line: number; key: string; value: string }[] = [];
  readonly notes: Note[] = [];
  /** ipvsadm table lines that were not read (in a branch, a loop, an unknown variable), for the reason nothing was imported. */
  readonly missed: Note[] = [];
  private readonly calling = new Set<string>();

  constructor(readonly source: string) {}

  note(line: number, text: string, kind: Note["kind"] = "lost"): void {
    this.notes.push({ source: this.source, line, kind, text });
  }

  /* ---- expansion ---- */

  private lookup(name: string, frame: Frame): Var {
    if (/^\d+$/.test(name)) {
      if (!frame.args) return { value: null, why: `\`$${name}\` is an argument of the script, which depends on how it is run` };
      return { value: name === "0" ? "" : (frame.args[Number(name) - 1] ?? "") };
    }
    if (name === "@" || name === "*") return frame.args ? { value: frame.args.join(" ") } : { value: null, why: `\`$${name}\` is the script's arguments` };
    if (name === "#") return frame.args ? { value: String(frame.args.length) } : { value: null, why: "`$#` is the number of the script's arguments" };
    if (!/^[A-Za-z_]/.test(name)) return { value: null, why: `\`$${name}\` is known only when the script runs` };
    const v = this.vars.get(name);
    if (v) return v;
    return { value: null, why: `\`$${name}\` is not set by an assignment before this line` };
  }

  /** A word -> its fields (unquoted expansions are split on blanks), or why it cannot be known. */
  expandWord(w: Word, frame: Frame): Expanded {
    const fields: string[] = [];
    let cur: string | null = null;
    const add = (s: string) => {
      cur = (cur ?? "") + s;
    };
    for (const p of w.parts) {
      if (p.k === "subst") return { ok: false, why: `\`${p.text.length > 40 ? `${p.text.slice(0, 37)}...` : p.text}\` runs a command (lvsh does not run the script)` };
      if (p.k === "lit") {
        add(p.s);
        continue;
      }
      let v = this.lookup(p.name, frame);
      if (p.op !== undefined) {
        if (!p.op.endsWith("-") && !p.op.endsWith("=")) return { ok: false, why: `\`\${${p.name}${p.op}...}\`: lvsh reads only \`\${VAR:-default}\`` };
        const unset = v.value === null && v.why !== undefined && v.why.includes("not set");
        if (unset || (v.value === "" && p.op.startsWith(":"))) {
          const d = p.arg ? this.expandWord(p.arg, frame) : ({ ok: true, words: [] } as const);
          if (!d.ok) return d;
          v = { value: d.words.join(" ") };
        }
      }
      if (v.value === null) return { ok: false, why: v.why ?? `\`$${p.name}\` is not known` };
      if (p.quoted) add(v.value);
      else {
        const split = v.value.split(/[ \t\n]+/);
        split.forEach((s, n) => {
          if (n > 0) {
            if (cur !== null && cur !== "") fields.push(cur);
            cur = null;
          }
          if (s !== "") add(s);
        });
      }
    }
    if (cur !== null && (cur !== "" || w.parts.some((p) => p.k === "lit" && p.quoted) || w.parts.length === 0)) fields.push(cur);
    return { ok: true, words: fields };
  }

  expandWords(words: readonly Word[], frame: Frame): Expanded {
    const out: string[] = [];
    for (const w of words) {
      const e = this.expandWord(w, frame);
      if (!e.ok) return e;
      out.push(...e.words);
    }
    return { ok: true, words: out };
  }

  /** A command as written, with what is known substituted (for notes). */
  shown(cmd: SimpleCmd, frame: Frame): string {
    const words = cmd.words.map((w) => {
      const e = this.expandWord(w, frame);
      return e.ok ? e.words.map(quoteIfNeeded).join(" ") : w.raw;
    });
    const redirs = cmd.redirs.map((r) => `${r.op}${r.target.raw}`);
    const text = [...words, ...redirs].join(" ");
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
  }

  /* ---- the tree ---- */

  run(nodes: readonly Node[], frame: Frame): void {
    // the command before was not read: what runs after it with && runs only when it did
    let skipped = false;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      if (node.join === "||") {
        this.unread([node], frame, `runs only when the command before it fails`);
        skipped = true;
        continue;
      }
      if (node.join === "&&") {
        // `A && B`: B runs when A succeeds; A a command lvsh imports is taken as succeeding, anything else (a test, a check) is a condition
        const prev = nodes[n - 1];
        const name = prev?.k === "cmd" ? commandName(prev, this, frame) : null;
        if (skipped || !prev || !name || !RELEVANT.has(name)) {
          const what = prev?.k === "cmd" ? `\`${this.shown(prev, frame)}\`` : `the \`${prev?.k ?? "?"}\` before it`;
          this.unread([node], frame, skipped ? "runs only when the command before it runs and succeeds, which lvsh does not know" : `runs only when ${what} succeeds: lvsh does not evaluate conditions`);
          skipped = true;
          continue;
        }
      }
      skipped = false;
      if (node.k === "cmd") this.command(node, frame);
      else if (node.k === "group") this.run(node.body, frame);
      else if (node.k === "func") this.funcs.set(node.name, { node, called: this.funcs.get(node.name)?.called ?? false });
      else if (node.k === "case") this.caseNode(node, frame);
      else if (node.k === "if") this.ifNode(node, frame);
      else this.loop(node, frame);
    }
  }

  private caseNode(node: CaseNode, frame: Frame): void {
    const subject = this.expandWord(node.subject, frame);
    const onArg1 = !subject.ok && /^\$\{?1\}?$/.test(node.subject.raw.replace(/"/g, ""));
    const pats = (a: CaseNode["arms"][number]) => a.patterns.map((p) => p.raw.replace(/["']/g, ""));
    const picked = onArg1
      ? node.arms.find((a) => pats(a).includes("start"))
      : subject.ok
        ? node.arms.find((a) => pats(a).some((p) => globMatch(p, subject.words.join(" "))))
        : undefined;
    if (!subject.ok && !onArg1) {
      this.note(node.line, `\`case ${node.subject.raw} in\` (lines ${node.line}-${node.endLine}): ${subject.why}; no branch is imported`);
      this.unreadInside(node.arms.flatMap((a) => a.body), frame, `in the \`case\` of line ${node.line}`);
      return;
    }
    if (onArg1 && picked) this.note(node.line, `\`case ${node.subject.raw} in\`: the \`start\` branch (line ${picked.line}) is read, as \`${this.source} start\` runs it`, "info");
    else if (onArg1) this.note(node.line, `\`case ${node.subject.raw} in\` (lines ${node.line}-${node.endLine}) has no \`start\` branch: none is imported`);
    for (const arm of node.arms) {
      if (arm === picked) this.run(arm.body, frame);
      else {
        const what = `\`${pats(arm).join("|")})\``;
        const noted = arm.body.length > 0;
        if (noted) this.note(arm.line, `the ${what} branch (lines ${arm.line}-${arm.endLine}): lvsh reads ${onArg1 ? "the `start` branch" : "the branch that matches"}`);
        this.unreadInside(arm.body, frame, `in the ${what} branch of line ${arm.line}`);
      }
    }
  }

  private ifNode(node: IfNode, frame: Frame): void {
    const first = node.arms[0];
    const startArm = node.arms.findIndex((a) => isStartTest(a.cond));
    if (startArm >= 0) {
      this.note(node.arms[startArm]!.line, `\`if\` on \`$1\` = start: that branch is read, as \`${this.source} start\` runs it`, "info");
      node.arms.forEach((a, n) => {
        if (n === startArm) this.run(a.body, frame);
        else this.unread(a.body, frame, `in a branch of the \`if\` of line ${node.line} other than \`start\``);
      });
      if (node.otherwise) this.unread(node.otherwise.body, frame, `in the \`else\` of the \`if\` of line ${node.line}`);
      return;
    }
    const cond = first ? first.cond.map((c) => (c.k === "cmd" ? this.shown(c, frame) : c.k)).join("; ") : "";
    this.note(node.line, `\`if ${cond}\` (lines ${node.line}-${node.endLine}): lvsh does not evaluate conditions; what it runs is not imported`);
    this.unreadInside([...node.arms.flatMap((a) => a.body), ...(node.otherwise?.body ?? [])], frame, `inside the \`if\` of line ${node.line}`);
  }

  private loop(node: LoopNode, frame: Frame): void {
    let head: string;
    if (node.kind === "for") {
      const items = this.expandWords(node.items ?? [], frame);
      head = `\`for ${node.name} in ${(node.items ?? []).map((w) => w.raw).join(" ")}\`${items.ok ? ` (${node.name} = ${items.words.join(", ") || "nothing"})` : ""}`;
    } else head = `\`${node.kind}\` loop`;
    this.note(node.line, `${head} (lines ${node.line}-${node.endLine}): lvsh does not run loops; write what it does out, one command a line`);
    this.unreadInside(node.body, frame, `inside the loop of line ${node.line}, once per round`);
  }

  /** Commands that are not run: each noted. */
  private unread(nodes: readonly Node[], frame: Frame, why: string): void {
    for (const node of nodes) {
      if (node.k === "cmd") {
        if (node.words.length) this.note(node.line, `\`${this.shown(node, frame)}\`: ${why}`);
      } else if (node.k === "func") this.funcs.set(node.name, { node, called: false });
      else this.unread(childrenOf(node), frame, why);
    }
  }

  /** Commands in a part that is not read: the ones lvsh would have used are noted one by one (the part itself is noted once). */
  unreadInside(nodes: readonly Node[], frame: Frame, where: string): void {
    for (const node of nodes) {
      if (node.k === "cmd") {
        const name = commandName(node, this, frame);
        const fn = name ? this.funcs.get(name) : undefined;
        if (name && RELEVANT.has(name)) {
          this.note(node.line, `\`${this.shown(node, frame)}\`: ${where}`);
          if (name === "ipvsadm" && isTableLine(node)) this.missed.push(this.notes[this.notes.length - 1]!);
        } else if (fn) this.note(node.line, `\`${this.shown(node, frame)}\`: calls \`${name}\` (lines ${fn.node.line}-${fn.node.endLine}) ${where}`);
      } else if (node.k === "func") this.funcs.set(node.name, { node, called: false });
      else this.unreadInside(childrenOf(node), frame, where);
    }
  }

  /* ---- simple commands ---- */

  private command(cmd: SimpleCmd, frame: Frame): void {
    if (!cmd.words.length) {
      if (cmd.redirs.length) this.note(cmd.line, `\`${this.shown(cmd, frame)}\`: not a command lvsh imports`);
      return;
    }
    // leading assignments
    let n = 0;
    const assigns: Word[] = [];
    while (n < cmd.words.length && isAssignment(cmd.words[n]!)) assigns.push(cmd.words[n++]!);
    if (n === cmd.words.length) {
      for (const a of assigns) this.assign(a, frame, cmd.line);
      if (cmd.redirs.length) this.note(cmd.line, `\`${this.shown(cmd, frame)}\`: its redirection is not imported`);
      return;
    }
    const rest = cmd.words.slice(n);
    const e = this.expandWords(rest, frame);
    const shown = this.shown(cmd, frame);
    if (!e.ok) {
      this.note(cmd.line, `\`${shown}\`: ${e.why}`);
      if (isTableLine(cmd)) this.missed.push(this.notes[this.notes.length - 1]!);
      return;
    }
    let words = e.words;
    // sudo [-E] [-u USER] COMMAND; command/exec/env/nohup COMMAND
    for (;;) {
      const w = basename(words[0] ?? "");
      if (w === "sudo" || w === "doas") {
        words = words.slice(1);
        while (words[0]?.startsWith("-")) words = words.slice(words[0] === "-u" || words[0] === "-g" ? 2 : 1);
      } else if (w === "command" || w === "exec" || w === "nohup" || w === "builtin") words = words.slice(1);
      else if (w === "env") {
        words = words.slice(1);
        while (words[0] !== undefined && (words[0].includes("=") || words[0].startsWith("-"))) words = words.slice(1);
      } else break;
    }
    const name = basename(words[0] ?? "");
    const args = words.slice(1);
    const redirs = cmd.redirs.map((r) => ({ op: r.op, target: this.expandWord(r.target, frame), ...(r.heredoc ? { heredoc: r.heredoc } : {}) }));
    const fn = this.funcs.get(words[0] ?? "");
    if (fn) {
      if (this.calling.has(fn.node.name)) {
        this.note(cmd.line, `\`${shown}\`: \`${fn.node.name}\` calls itself`);
        return;
      }
      fn.called = true;
      this.calling.add(fn.node.name);
      this.run(fn.node.body, { args });
      this.calling.delete(fn.node.name);
      return;
    }
    switch (name) {
      case "export":
      case "readonly":
      case "declare":
      case "typeset":
      case "local": {
        for (const w of cmd.words.slice(n + 1)) {
          if (isAssignment(w)) this.assign(w, frame, cmd.line);
          else if (!(plainWord(w) ?? "").startsWith("-") && !/^[A-Za-z_]\w*$/.test(w.raw)) this.note(cmd.line, `\`${shown}\`: \`${w.raw}\` not read`);
        }
        return;
      }
      case "unset":
        for (const v of args) this.vars.delete(v);
        return;
      case "ipvsadm":
        return this.ipvsadmCmd(cmd.line, shown, args, redirs, frame);
      case "arptables":
      case "arptables-legacy":
      case "arptables-nft":
      case "arptables_jf":
        return this.arptablesCmd(cmd.line, shown, args);
      case "ifconfig":
        return this.ifconfig(cmd.line, shown, args);
      case "ip":
        return this.ipCmd(cmd.line, shown, args);
      case "route":
        return this.route(cmd.line, shown, args);
      case "sysctl":
        return this.sysctlCmd(cmd.line, shown, args);
      case "echo":
      case "printf":
        return this.echo(cmd.line, shown, name, args, redirs);
      case "sh":
      case "bash":
      case "dash": {
        const c = args.indexOf("-c");
        if (c >= 0 && args[c + 1] !== undefined && !args.slice(0, c).some((a) => !a.startsWith("-"))) {
          // `sh -c '...'` (sudo sh -c, for a redirection as root): its commands, at this line
          const inner = parseShell("\n".repeat(cmd.line - 1) + args[c + 1]);
          for (const p of inner.problems) this.note(p.line, `\`${shown}\`: cannot read the shell in it: ${p.message}`);
          this.run(inner.nodes, frame);
          return;
        }
        this.note(cmd.line, `\`${shown}\`: lvsh does not read the scripts a script runs`);
        return;
      }
      case "ipvsadm-restore":
      case "arptables-restore":
        if (name === "ipvsadm-restore" && redirs.some((r) => r.heredoc)) return this.ipvsadmCmd(cmd.line, shown, ["-R"], redirs, frame);
        this.note(cmd.line, `\`${shown}\`: it restores from a file; import that file too (\`lvsh import --from FILE\`)`);
        return;
      case ".":
      case "source":
        this.note(cmd.line, `\`${shown}\`: lvsh does not read the files a script sources (what they set is not known here)`);
        return;
      default:
        if (!QUIET.has(name)) this.note(cmd.line, `\`${shown}\`: not a command lvsh imports`);
    }
  }

  private assign(w: Word, frame: Frame, line: number): void {
    const eq = w.raw.indexOf("=");
    const name = w.raw.slice(0, eq);
    const valueWord = dropName(w, eq + 1);
    const e = this.expandWord(valueWord, frame);
    if (e.ok) this.vars.set(name, { value: e.words.join(" ") });
    else {
      this.vars.set(name, { value: null, why: `\`$${name}\` is set on line ${line} by what lvsh cannot know: ${e.why}` });
      this.note(line, `\`${w.raw}\`: ${e.why}; what uses \`$${name}\` is not imported either`);
    }
  }

  private ipvsadmCmd(line: number, shown: string, args: string[], redirs: readonly Redirected[], frame: Frame): void {
    const what = ipvsadmCommandOf(args);
    const say = (text: string, kind: Note["kind"] = "lost") => this.note(line, `\`${shown}\`: ${text}`, kind);
    switch (what) {
      case "table":
      case "clear":
      case "delete":
        // replayed in order with the others, as ipvsadm would run them
        this.ipvsadm.push({ line, text: shown, words: args });
        return;
      case "list":
      case "zero":
        say(`it ${what === "list" ? "lists" : "zeroes the counters of"} the table; nothing to import`);
        return;
      case "save":
        say(`it saves the table${redirs.length ? " to a file" : ""}; \`lvsh save\` keeps lvsh's across reboots`);
        return;
      case "restore": {
        const doc = redirs.find((r) => r.heredoc)?.heredoc;
        if (doc) return this.restoreHereDoc(line, shown, doc, frame);
        const from = redirs.find((r) => r.op === "<")?.target;
        say(`it restores the table from ${from?.ok ? `\`${from.words.join(" ")}\`` : "its input"}; import that file too (\`lvsh import --from FILE\`)`);
        return;
      }
      case "set":
        say("lvsh does not manage IPVS connection timeouts (--set)");
        return;
      case "daemon":
        say("lvsh does not manage the connection synchronisation daemon");
        return;
      default:
        say("not an ipvsadm command lvsh reads");
    }
  }

  /** `ipvsadm -R <<EOF`: the here-document's lines are the rules it restores, each at its line. */
  private restoreHereDoc(line: number, shown: string, doc: HereDoc, frame: Frame): void {
    const last = doc.line + doc.lines.length - 1;
    this.note(line, `\`${shown}\`: it restores the table from the here-document ${doc.lines.length ? `of lines ${doc.line}-${last}` : "(empty)"}: its lines are read as ipvsadm rules`, "info");
    doc.lines.forEach((raw, n) => {
      const at = doc.line + n;
      const t = raw.trim();
      if (t === "" || t.startsWith("#")) return;
      let words: string[];
      if (doc.quoted || !/[$`\\]/.test(t)) words = t.split(/\s+/);
      else {
        const c = parseShell(t).nodes[0];
        const e = c?.k === "cmd" ? this.expandWords(c.words, frame) : ({ ok: false, why: "not a line of words" } as const);
        if (!e.ok) {
          this.note(at, `\`${t}\`: ${e.why}`);
          return;
        }
        words = e.words;
      }
      if (words[0] === "ipvsadm") words = words.slice(1);
      if (!RULE_LINE.test(words.join(" "))) {
        this.note(at, `\`${t}\`: not an ipvsadm rule (ipvsadm -R reads one \`-A\`/\`-a\`/... line each)`);
        return;
      }
      this.ipvsadm.push({ line: at, text: t, words });
    });
  }

  private arptablesCmd(line: number, shown: string, args: string[]): void {
    const cmd = args[0];
    if (cmd === "-A" || cmd === "--append" || cmd === "-I" || cmd === "--insert") {
      const rest = args.slice(2);
      // -I CHAIN [N]: the position does not matter to lvsh
      if ((cmd === "-I" || cmd === "--insert") && /^\d+$/.test(rest[0] ?? "")) rest.shift();
      const r = parseArptablesRule(["-A", args[1] ?? "", ...rest]);
      if (!r.ok) this.note(line, `\`${shown}\`: ${r.message}`);
      else if (!r.value) this.note(line, `\`${shown}\`: lvsh manages the INPUT and OUTPUT chains`);
      else this.arp.push({ line, rule: r.value });
      return;
    }
    if (cmd === "-F" || cmd === "--flush") {
      this.note(line, `\`${shown}\`: clears the ARP rules: lvsh adds and removes only its own`, "info");
      return;
    }
    this.note(line, `\`${shown}\`: lvsh reads \`arptables -A\` rules`);
  }

  private bind(line: number, shown: string, addrText: string, prefix: number | null, label: string, from: string): void {
    const ip = parseIp(addrText);
    if (!ip) {
      this.note(line, `\`${shown}\`: \`${addrText}\` is not a numeric address`);
      return;
    }
    let p = prefix;
    if (p === null) {
      const first = ip.family === 4 ? ip.bytes[0]! : 0;
      p = ip.family === 6 ? 128 : first < 128 ? 8 : first < 192 ? 16 : 24;
      this.note(line, `\`${shown}\`: no netmask: ${from} gives ${ip.text} its class's, /${p}`, "info");
    }
    this.addrs.push({ line, addr: { addr: ip.text, prefix: p, dev: label.split(":")[0]! }, label });
  }

  private ifconfig(line: number, shown: string, args: string[]): void {
    const [label, ...rest] = args;
    if (rest[0] === "inet" || rest[0] === "add") rest.shift();
    const addr = rest[0];
    if (!label || !addr || !/^[\d.:a-fA-F]+(\/\d+)?$/.test(addr) || !addr.includes(".") && !addr.includes(":")) {
      this.note(line, `\`${shown}\`: ${rest.includes("down") ? "takes an interface down" : "binds no address"}`);
      return;
    }
    const [a, slash] = addr.split("/");
    let prefix: number | null = slash !== undefined ? Number(slash) : null;
    const nm = rest.indexOf("netmask");
    if (nm >= 0) {
      const mask = parseIPv4(rest[nm + 1] ?? "");
      prefix = mask ? netmaskToPrefix(mask) : null;
      if (prefix === null) {
        this.note(line, `\`${shown}\`: \`${rest[nm + 1]}\` is not a netmask`);
        return;
      }
    }
    if (rest.includes("down")) {
      this.note(line, `\`${shown}\`: takes the address down`);
      return;
    }
    this.bind(line, shown, a!, prefix, label, "ifconfig");
  }

  private ipCmd(line: number, shown: string, given: string[]): void {
    const args = given.filter((w) => !/^-(4|6|f|family|s|d|br)$/.test(w));
    const obj = args[0] ?? "";
    const verb = args[1] ?? "";
    if ("address".startsWith(obj) && obj.length >= 1 && (verb === "add" || verb === "a" || verb === "replace")) {
      const [addr, ...opts] = args.slice(2);
      const dev = opts[opts.indexOf("dev") + 1];
      const labelAt = opts.indexOf("label");
      if (!addr || opts.indexOf("dev") < 0 || !dev) {
        this.note(line, `\`${shown}\`: no \`dev\``);
        return;
      }
      const [a, slash] = addr.split("/");
      this.bind(line, shown, a!, slash !== undefined ? Number(slash) : parseIp(a!)?.family === 6 ? 128 : 32, labelAt >= 0 ? opts[labelAt + 1]! : dev, "ip");
      return;
    }
    if ("route".startsWith(obj) && obj.length >= 1 && (verb === "add" || verb === "replace")) {
      this.hostRoute(line, shown, args[2]?.replace(/\/(32|128)$/, "") ?? "", args.includes("dev") ? args[args.indexOf("dev") + 1] : undefined);
      return;
    }
    this.note(line, `\`${shown}\`: lvsh reads \`ip addr add\``);
  }

  private route(line: number, shown: string, args: string[]): void {
    if (args[0] === "add" && args[1] === "-host") this.hostRoute(line, shown, args[2] ?? "", args.includes("dev") ? args[args.indexOf("dev") + 1] : args[3]);
    else this.note(line, `\`${shown}\`: lvsh manages no routes`);
  }

  private hostRoute(line: number, shown: string, addr: string, dev: string | undefined): void {
    this.note(line, `\`${shown}\`: a route to ${addr}${dev ? ` on ${dev}` : ""}: binding the address /32 makes it; lvsh binds it`, "info");
  }

  private setSysctl(line: number, shown: string, key: string, value: string): void {
    const m = ARP_SYSCTL.exec(key);
    if (m) this.sysctls.push({ line, key: confKey("ipv4", m[1]!, m[2]!), value: value.trim() });
    else if (/\.rp_filter$/.test(key)) this.note(line, `\`${shown}\`: lvsh turns rp_filter off itself where a tun real server needs it`);
    else this.note(line, `\`${shown}\`: lvsh sets ${key} ${/ip_forward$/.test(key) ? "nowhere (dr and tun do not need it; turn it on for nat)" : "nowhere"}`);
  }

  private sysctlCmd(line: number, shown: string, args: string[]): void {
    const settings = args.filter((a) => !a.startsWith("-"));
    if (args.includes("-p") || args.includes("--load") || args.includes("--system") || !settings.length) {
      this.note(line, `\`${shown}\`: it loads sysctl files, which lvsh does not read; set what they hold with lines of this script`);
      return;
    }
    for (let i = 0; i < settings.length; i++) {
      const s = settings[i]!;
      // `sysctl -w key = value` too
      const [key, value] = s.includes("=") ? [s.slice(0, s.indexOf("=")), s.slice(s.indexOf("=") + 1) || settings[++i]] : settings[i + 1] === "=" ? [s, settings[(i += 2)]] : [s, undefined];
      if (value === undefined || value === "") this.note(line, `\`${shown}\`: reads ${key}, sets nothing`);
      else this.setSysctl(line, shown, key!.replace(/\//g, "."), value);
    }
  }

  private echo(line: number, shown: string, name: string, args: string[], redirs: readonly Redirected[]): void {
    const out = redirs.find((r) => r.op === ">" || r.op === ">>" || r.op === ">|" || r.op === "1>");
    if (!out) {
      this.note(line, `\`${shown}\`: it prints a message`);
      return;
    }
    if (!out.target.ok) {
      this.note(line, `\`${shown}\`: ${out.target.why}`);
      return;
    }
    const target = out.target.words.join(" ");
    let words = args;
    if (name === "echo") while (/^-[neE]+$/.test(words[0] ?? "")) words = words.slice(1);
    else words = words.slice(0, 1).map((f) => f.replace(/\\n$/, ""));
    const value = words.join(" ");
    if (target.startsWith("/proc/sys/")) {
      this.setSysctl(line, shown, target.slice("/proc/sys/".length).replace(/\//g, "."), value);
      return;
    }
    const kv = /^\s*([\w./-]+)\s*=\s*(\S+)\s*$/.exec(value);
    if (/^\/etc\/sysctl(\.conf|\.d\/)/.test(target) && kv && ARP_SYSCTL.test(kv[1]!.replace(/\//g, "."))) {
      this.note(line, `\`${shown}\`: a line of ${target}: taken as set (sysctl -p sets it)`, "info");
      this.setSysctl(line, shown, kv[1]!.replace(/\//g, "."), kv[2]!);
      return;
    }
    this.note(line, `\`${shown}\`: it writes ${target}`);
  }
}

const RELEVANT = new Set(["ipvsadm", "arptables", "arptables-legacy", "arptables-nft", "arptables_jf", "ifconfig", "ip", "route", "sysctl", "echo"]);

function childrenOf(node: Node): readonly Node[] {
  switch (node.k) {
    case "cmd":
      return [];
    case "if":
      return [...node.arms.flatMap((a) => [...a.cond, ...a.body]), ...(node.otherwise?.body ?? [])];
    case "case":
      return node.arms.flatMap((a) => a.body);
    case "loop":
      return [...(node.cond ?? []), ...node.body];
    default:
      return node.body;
  }
}

/** The command's name (for sorting what is inside unread parts), `sudo` and paths left out; echo only when it writes a file. */
function commandName(cmd: SimpleCmd, r: Reader, frame: Frame): string | null {
  const words = cmd.words.filter((w) => !isAssignment(w));
  let i = 0;
  while (i < words.length && (basename(words[i]!.raw) === "sudo" || words[i]!.raw.startsWith("-"))) i++;
  const w = words[i];
  if (!w) return null;
  const e = r.expandWord(w, frame);
  const name = basename(e.ok ? (e.words[0] ?? "") : w.raw);
  if (name === "echo") return cmd.redirs.some((x) => x.op.includes(">") && x.target.raw.includes("/proc/sys")) ? "echo" : null;
  return name;
}

/** Written as an `ipvsadm` table line (`-A`, `-a`, ...), whatever its variables hold. */
function isTableLine(cmd: SimpleCmd): boolean {
  const raw = cmd.words.map((w) => w.raw);
  return raw.some((w) => /ipvsadm$|^\$\{?\w+\}?$/.test(w)) && ipvsadmCommandOf(raw.slice(1).filter((w) => w.startsWith("-"))) === "table";
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

function quoteIfNeeded(s: string): string {
  return s === "" ? "''" : /[\s'"\\$`;&|<>()*?]/.test(s) ? `'${s.replace(/'/g, "'\\''")}'` : s;
}

function isAssignment(w: Word): boolean {
  const first = w.parts[0];
  return first?.k === "lit" && !first.quoted && /^[A-Za-z_][A-Za-z0-9_]*=/.test(first.s);
}

/** The word after `NAME=`. */
function dropName(w: Word, at: number): Word {
  const [first, ...rest] = w.parts;
  const s = (first as { s: string }).s.slice(at);
  return { ...w, parts: [...(s ? [{ k: "lit" as const, s, quoted: false }] : rest.length ? [] : [{ k: "lit" as const, s: "", quoted: true }]), ...rest], raw: w.raw.slice(at) };
}

function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(s);
}

/** `[ "$1" = "start" ]`, `[ $1 == start ]`, `test "x$1" = xstart`. */
function isStartTest(cond: readonly Node[]): boolean {
  if (cond.length !== 1 || cond[0]!.k !== "cmd") return false;
  const raw = cond[0]!.words.map((w) => w.raw.replace(/["']/g, "")).join(" ");
  return /^(\[\[?|test) (x?)\$\{?1\}? ==? \2start( \]\]?)?$/.test(raw) || /^(\[\[?|test) (x?)start ==? \2\$\{?1\}?( \]\]?)?$/.test(raw);
}

/** What the ARP sysctls of a part lack to hide its VIPs (as `arp hide on rs via sysctl` sets them), or null. */
function sysctlHideGap(part: RsGathered): string | null {
  if (!Object.keys(part.sysctls).length || part.arp.length) return null;
  const devs = [...new Set(part.addrs.map((a) => a.dev))];
  if (!devs.length) return null;
  const want = devs.flatMap((d) => ["all", d].flatMap((x) => [[confKey("ipv4", x, "arp_ignore"), "1"], [confKey("ipv4", x, "arp_announce"), "2"]]));
  const missing = [...new Map(want.filter(([k, v]) => part.sysctls[k!] !== v).map(([k, v]) => [k!, `${k}=${v}${part.sysctls[k!] === undefined ? " (not set)" : ` (set to ${part.sysctls[k!]})`}`])).values()];
  return missing.length ? `lvsh reads them as a hide when ${missing.join(", ")}` : null;
}

export interface ShellGathered {
  /** Real servers' parts that do not say which real server they are. */
  readonly anyRs: AnyRsPart[];
  /** ipvsadm table lines it has but could not read (for the reason nothing was imported). */
  readonly missed: readonly Note[];
}

/**
 * A shell script -> the director's rules and VIPs, and real servers' parts.
 * Where an address goes: on lo or tunl0 a real server's; on another
 * interface the director's, unless the script hides it from ARP and adds
 * no IPVS rule (a real server that binds the VIP on eth0 behind arptables).
 */
export function gatherShell(g: Gathered, source: string, text: string): ShellGathered {
  const script = parseShell(text);
  const r = new Reader(source);
  for (const p of script.problems) r.note(p.line, `cannot read the shell here: ${p.message}`);
  r.run(script.nodes, { args: null });
  for (const { node, called } of r.funcs.values()) {
    if (called) continue;
    r.note(node.line, `function \`${node.name}\` (lines ${node.line}-${node.endLine}): not called where lvsh reads the script`);
    r.unreadInside(node.body, { args: null }, `in function \`${node.name}\`, which is not called where lvsh reads the script`);
  }
  const notesBefore = g.notes.length;
  g.notes.push(...r.notes);

  const save = replayIpvsadm(source, r.ipvsadm);
  g.ipvs.push(...save.services);
  g.notes.push(...save.notes);
  r.missed.push(...save.notes.filter((n) => n.kind === "lost"));
  r.missed.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

  const arpSysctls = r.sysctls;
  const hides = r.arp.length > 0 || arpSysctls.length > 0;
  const director = r.ipvsadm.length > 0;
  const rsAddrs: AddrEntry[] = [];
  for (const a of r.addrs) {
    const dev = a.addr.dev;
    // a real server's script that also configures its own address (a /24 on eth0, its RIP): a
    // host's address, not a VIP -- VIPs are bound /32 (/128), or on lo or tunl0
    if (!director && hides && dev !== "lo" && dev !== "tunl0" && a.addr.prefix < (a.addr.addr.includes(":") ? 128 : 32)) {
      g.notes.push({ source, line: a.line, kind: "info", text: `${a.addr.addr}/${a.addr.prefix} on ${dev}: the host's own address (a VIP is bound /${a.addr.addr.includes(":") ? 128 : 32}), not imported` });
      continue;
    }
    // a director may hold the VIP on tunl0 too (tun): a script's only when it hides the VIP or adds no rule
    const onRs = dev === "lo" || ((dev === "tunl0" || hides) && !director) || (dev === "tunl0" && hides);
    if (onRs) rsAddrs.push(a.addr);
    else if (!g.directorAddrs.some((d) => d.addr === a.addr.addr)) g.directorAddrs.push(a.addr);
  }
  const anyRs: AnyRsPart[] = [];
  if (hides || rsAddrs.length) {
    const part: RsGathered = { arp: r.arp.map((x) => x.rule), addrs: rsAddrs, sysctls: Object.fromEntries(arpSysctls.map((s) => [s.key, s.value])) };
    const why = sysctlHideGap(part);
    if (why) g.notes.push({ source, line: Math.min(...arpSysctls.map((x) => x.line)), kind: "lost", text: `the ARP sysctls (lines ${[...new Set(arpSysctls.map((x) => x.line))].join(", ")}) do not hide a VIP: ${why}` });
    const owners = [...new Set(part.arp.flatMap((x) => (x.target === "mangle" && x.mangleIpS ? [x.mangleIpS] : [])))];
    const line = Math.min(...[...r.arp, ...arpSysctls, ...r.addrs.filter((a) => rsAddrs.includes(a.addr))].map((x) => x.line));
    if (owners.length === 1) {
      const e = rsEntry(g, owners[0]!);
      e.arp.push(...part.arp);
      for (const a of part.addrs) if (!e.addrs.some((b) => b.addr === a.addr)) e.addrs.push(a);
      Object.assign(e.sysctls, part.sysctls);
      g.notes.push({ source, line, kind: "info", text: `real server ${owners[0]}'s part (its ARP rules announce it)` });
    } else if (owners.length > 1) {
      g.notes.push({ source, line, kind: "lost", text: `ARP rules that announce ${owners.join(" and ")}: one script is one real server's part` });
    } else anyRs.push({ source, line, part });
  }
  // this file's notes in the order of its lines
  g.notes.push(...g.notes.splice(notesBefore).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return { anyRs, missed: r.missed };
}
