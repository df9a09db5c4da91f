/**
 * ipvsadm rules files (`ipvsadm -S[n]`, /etc/sysconfig/ipvsadm,
 * /etc/ipvsadm.rules) in and out. In: the lines are replayed in order, as
 * `ipvsadm -R` (or a script's `ipvsadm` commands) would run them against
 * the table: `-A`/`-E`/`-a`/`-e` add and edit, `-D`/`-d` delete, `-C`
 * clears; a line ipvsadm would fail (a service added twice, an edit or a
 * real server of a service that does not exist, ...) is noted at its line
 * and changes nothing. Out: what `ipvsadm -R` loads, in `-Sn`'s format,
 * plus the thresholds (`-x`/`-y`, which `-S` leaves out but `-R` takes), so
 * that nothing of the configuration is lost.
 */
import { compile, destKeyOf, serviceKeyOf, type Config, type Dest, type IpvsService } from "../model/index.js";
import { expandShortOptions, formatIpvsadmSaveLines, ipvsadmCommandOf, readTableLine, splitArgs } from "../state/index.js";
import { RULE_LINE } from "./detect.js";
import { lineSpan, type Gathered, type Note } from "./gather.js";

/** One `ipvsadm` command line: its words after `ipvsadm`. */
export interface RuleLine {
  readonly line: number;
  /** As written, for notes. */
  readonly text: string;
  readonly words: readonly string[];
}

interface Entry {
  svc: IpvsService;
  readonly line: number;
  readonly dests: Map<string, { dest: Dest; line: number }>;
}

/** Deleting commands read as the edits of the same thing (their options name what they delete). */
const asEdit: Readonly<Record<string, string>> = { "-D": "-E", "--delete-service": "--edit-service", "-d": "-e", "--delete-server": "--edit-server" };

/**
 * The table the lines leave, in the order the services were added (each
 * with its real servers in the order they were added), and notes at the
 * lines: the lost ones are what ipvsadm would refuse or what lvsh cannot
 * read.
 */
export function replayIpvsadm(source: string, lines: readonly RuleLine[]): { services: IpvsService[]; notes: Note[] } {
  const notes: Note[] = [];
  const table = new Map<string, Entry>();
  // the -A lines that could not be read: what names their service says so
  const unread = new Map<string, number>();
  const lost = (l: RuleLine, text: string) => notes.push({ source, line: l.line, kind: "lost", text: `\`${l.text.trim()}\`: ${text}` });
  const info = (l: RuleLine, text: string) => notes.push({ source, line: l.line, kind: "info", text: `\`${l.text.trim()}\`: ${text}` });
  for (const l of lines) {
    const what = ipvsadmCommandOf(l.words);
    if (what === "clear") {
      const n = [...table.values()].reduce((k, e) => k + 1 + e.dests.size, 0);
      const first = Math.min(...[...table.values()].map((e) => e.line));
      table.clear();
      info(l, `clears the IPVS table: lvsh describes the whole table (a commit leaves nothing else in it)${n ? `; the ${n} rule(s) added before it (line ${first} on) are dropped, as ipvsadm -C drops them` : ""}`);
      continue;
    }
    if (what !== "table" && what !== "delete") {
      lost(l, "not a line that describes the table (-A, -E, -a, -e, -D, -d, -C)");
      continue;
    }
    const words = expandShortOptions(l.words).map((w) => asEdit[w.split("=")[0]!] ?? w);
    const args = splitArgs(words);
    const parsed = args.ok ? readTableLine(args.value) : args;
    if (!parsed.ok) {
      lost(l, parsed.message);
      const id = args.ok && args.value.get("command")?.opt.name === "add-service" ? readTableLine(new Map([...args.value].filter(([k]) => k === "command" || k === "service" || k === "ipv6"))) : null;
      if (id?.ok) unread.set(serviceKeyOf(id.value.id), l.line);
      continue;
    }
    const p = parsed.value;
    const key = serviceKeyOf(p.id);
    const entry = table.get(key);
    const fails = (why: string) => lost(l, `${why}${!entry && unread.has(key) ? ` (its -A on line ${unread.get(key)} is not imported)` : ""}: ipvsadm fails this line, so it changes nothing`);
    if (what === "delete") {
      if (!entry) fails(`service ${key} does not exist here`);
      else if (p.kind === "service") {
        table.delete(key);
        info(l, `deletes ${key} (line ${entry.line}): left out, as ipvsadm -D removes it`);
      } else {
        const dkey = destKeyOf(p.dest);
        const d = entry.dests.get(dkey);
        if (!d) fails(`real server ${dkey} of ${key} does not exist here`);
        else {
          entry.dests.delete(dkey);
          info(l, `deletes real server ${dkey} of ${key} (line ${d.line}): left out, as ipvsadm -d removes it`);
        }
      }
      continue;
    }
    if (p.kind === "service") {
      if (p.edit && !entry) fails(`service ${key} does not exist (-E edits a service; -A adds one)`);
      else if (!p.edit && entry) fails(`service ${key} is already added on line ${entry.line}`);
      else if (entry) entry.svc = { ...entry.svc, ...p.attrs };
      else table.set(key, { svc: { ...p.id, ...p.attrs, dests: [], span: lineSpan(source, l.line) }, line: l.line, dests: new Map() });
      continue;
    }
    if (!entry) {
      fails(`service ${key} does not exist${p.edit || unread.has(key) ? "" : " (its -A line must come first)"}`);
      continue;
    }
    const dkey = destKeyOf(p.dest);
    const before = entry.dests.get(dkey);
    if (p.edit && !before) fails(`real server ${dkey} of ${key} does not exist (-e edits a real server; -a adds one)`);
    else if (!p.edit && before) fails(`real server ${dkey} of ${key} is already added on line ${before.line}`);
    else entry.dests.set(dkey, { dest: { ...p.dest, span: lineSpan(source, l.line) }, line: before?.line ?? l.line });
  }
  const services = [...table.values()].map((e): IpvsService => ({ ...e.svc, dests: [...e.dests.values()].map((d) => d.dest) }));
  return { services, notes };
}


export function gatherIpvsadm(g: Gathered, source: string, text: string): void {
  const lines: RuleLine[] = [];
  text.split("\n").forEach((raw, i) => {
    const t = raw.replace(/\r$/, "").trim();
    if (t === "" || t.startsWith("#")) return;
    const l = { line: i + 1, text: t };
    const words = t.split(/\s+/);
    if (words[0] === "ipvsadm") words.shift();
    if (!RULE_LINE.test(words.join(" "))) g.notes.push({ source, line: l.line, kind: "lost", text: `\`${t.length > 80 ? `${t.slice(0, 77)}...` : t}\`: not an ipvsadm rule (a rules file has one \`-A\`/\`-a\`/... line each)` });
    else lines.push({ ...l, words });
  });
  const r = replayIpvsadm(source, lines);
  g.ipvs.push(...r.services);
  g.notes.push(...r.notes);
}

/**
 * The rules of an IPVS table, one line each, as `ipvsadm -R` of every
 * version reads them: `--tun-type` only when the tunnel is not the default
 * ipip (ipvsadm before 1.30 refuses the option, and `-R` still exits 0).
 */
export function ipvsadmRuleLines(services: readonly IpvsService[]): string[] {
  const out: string[] = [];
  for (const s of services) {
    out.push(...formatIpvsadmSaveLines([{ ...s, dests: [] }], { portable: true }));
    for (const d of s.dests) {
      const [, line] = formatIpvsadmSaveLines([{ ...s, dests: [d] }], { portable: true });
      const extra = [...(d.uThreshold ? ["-x", String(d.uThreshold)] : []), ...(d.lThreshold ? ["-y", String(d.lThreshold)] : [])];
      out.push([line!, ...extra].join(" "));
    }
  }
  return out;
}

/**
 * The director's IPVS table of a configuration, as an ipvsadm rules file.
 * No comments: `ipvsadm -R` (and the distributions' restore scripts) read
 * every line as options.
 */
export function ipvsadmRules(config: Config): string {
  const director = compile(config).state.hosts["director"];
  return ipvsadmRuleLines(director?.ipvs ?? []).map((l) => `${l}\n`).join("");
}
