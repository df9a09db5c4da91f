/**
 * The options of an `ipvsadm` table line (`-A`/`-E`/`-a`/`-e` and what goes
 * with them), declared once with their long names, as in ipvsadm 1.31's
 * popt table. `splitArgs` turns the words of a line into one entry per
 * option group, refusing what ipvsadm refuses: unknown options, a missing
 * value, the same option twice, a stray word.
 */
import { fail, ok, type Res } from "./problem.js";

type ArgKind = "none" | "required" | "optional";
/** Which commands an option belongs to. */
type Scope = "command" | "both" | "service" | "dest";

export interface OptSpec {
  readonly name: string;
  readonly short?: string;
  readonly arg: ArgKind;
  readonly scope: Scope;
  /** Options of one group exclude each other (ipvsadm: "multiple ... options"). */
  readonly group?: string;
}

const spec = (name: string, short: string | undefined, arg: ArgKind, scope: Scope, group?: string): OptSpec => ({
  name,
  ...(short ? { short } : {}),
  arg,
  scope,
  ...(group ? { group } : {}),
});

export const ipvsadmOptions: readonly OptSpec[] = [
  spec("add-service", "A", "none", "command", "command"),
  spec("edit-service", "E", "none", "command", "command"),
  spec("add-server", "a", "none", "command", "command"),
  spec("edit-server", "e", "none", "command", "command"),
  spec("tcp-service", "t", "required", "both", "service"),
  spec("udp-service", "u", "required", "both", "service"),
  spec("sctp-service", undefined, "required", "both", "service"),
  spec("fwmark-service", "f", "required", "both", "service"),
  spec("ipv6", "6", "none", "both"),
  spec("scheduler", "s", "required", "service"),
  spec("persistent", "p", "optional", "service"),
  spec("netmask", "M", "required", "service"),
  spec("sched-flags", "b", "required", "service"),
  spec("pe", undefined, "required", "service"),
  spec("ops", "o", "none", "service"),
  spec("real-server", "r", "required", "dest"),
  spec("gatewaying", "g", "none", "dest", "method"),
  spec("ipip", "i", "none", "dest", "method"),
  spec("masquerading", "m", "none", "dest", "method"),
  spec("weight", "w", "required", "dest"),
  spec("u-threshold", "x", "required", "dest"),
  spec("l-threshold", "y", "required", "dest"),
  spec("tun-type", undefined, "required", "dest"),
  spec("tun-port", undefined, "required", "dest"),
  spec("tun-nocsum", undefined, "none", "dest", "csum"),
  spec("tun-csum", undefined, "none", "dest", "csum"),
  spec("tun-remcsum", undefined, "none", "dest", "csum"),
];

/** ipvsadm commands that are not table lines (what `-S` never writes). */
const otherCommands = new Set(["-D", "-d", "-C", "-L", "-l", "-Z", "-R", "-S", "--delete-service", "--delete-server", "--clear", "--list", "--zero", "--restore", "--save", "--set"]);

const byLong = new Map(ipvsadmOptions.map((o) => [o.name, o]));
const byShort = new Map(ipvsadmOptions.filter((o) => o.short).map((o) => [o.short!, o]));

export interface GivenOpt {
  readonly opt: OptSpec;
  /** The option as written, for messages. */
  readonly written: string;
  /** The value; null for an option without one (or `-p` without a timeout). */
  readonly value: string | null;
}

/** The options of one line, by group (or by name for an option without a group). */
export type LineArgs = ReadonlyMap<string, GivenOpt>;

function lookup(word: string): { opt: OptSpec; inline: string | null } | null {
  if (word.startsWith("--")) {
    const eq = word.indexOf("=");
    const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
    const opt = byLong.get(name);
    return opt ? { opt, inline: eq < 0 ? null : word.slice(eq + 1) } : null;
  }
  if (!word.startsWith("-") || word.length < 2) return null;
  const opt = byShort.get(word[1]!);
  if (!opt || (word.length > 2 && opt.arg === "none")) return null;
  return { opt, inline: word.length > 2 ? word.slice(2) : null };
}

/** Short commands that are not table lines, by letter. */
const otherShort = new Set(["D", "d", "C", "L", "l", "Z", "R", "S", "n", "c", "h", "v"]);

/**
 * Combined short options as popt reads them (`-At` is `-A -t`, `-Ln` is
 * `-L -n`): letters without a value one by one; the first that takes one
 * takes the rest of the word (`-tVIP:80`) or the next word.
 */
export function expandShortOptions(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const word of words) {
    // a plain loop: `ipvsadm -Sn` of 10,000 real servers comes through here (-a -t ... -r ... -g -w N)
    if (word.length <= 2 || word.charCodeAt(0) !== 45 /* - */ || word.charCodeAt(1) === 45) {
      out.push(word);
      continue;
    }
    const first = byShort.get(word[1]!);
    if (first ? first.arg !== "none" : !otherShort.has(word[1]!)) {
      out.push(word);
      continue;
    }
    for (let j = 1; j < word.length; j++) {
      const opt = byShort.get(word[j]!);
      if (opt && opt.arg !== "none") {
        out.push(`-${word.slice(j)}`);
        break;
      }
      out.push(`-${word[j]}`);
    }
  }
  return out;
}

/** What an `ipvsadm` command line does, by its command option (`ipvsadm` alone lists the table). */
export type IpvsadmCommand = "table" | "clear" | "list" | "save" | "restore" | "delete" | "zero" | "set" | "daemon" | "other";

const commandOfWord: Readonly<Record<string, IpvsadmCommand>> = {
  "-A": "table", "-E": "table", "-a": "table", "-e": "table",
  "--add-service": "table", "--edit-service": "table", "--add-server": "table", "--edit-server": "table",
  "-C": "clear", "--clear": "clear",
  "-L": "list", "-l": "list", "--list": "list",
  "-S": "save", "--save": "save",
  "-R": "restore", "--restore": "restore",
  "-D": "delete", "-d": "delete", "--delete-service": "delete", "--delete-server": "delete",
  "-Z": "zero", "--zero": "zero",
  "--set": "set",
  "--start-daemon": "daemon", "--stop-daemon": "daemon",
};

/** The command of an `ipvsadm` line's words (after `ipvsadm`, clusters expanded or not). */
export function ipvsadmCommandOf(words: readonly string[]): IpvsadmCommand {
  const expanded = expandShortOptions(words);
  for (const w of expanded) {
    const c = commandOfWord[w.startsWith("--") ? w.split("=")[0]! : w];
    if (c) return c;
  }
  return expanded.some((w) => w.startsWith("-") && w !== "-n" && w !== "--numeric") ? "other" : "list";
}

/** The words of a table line (without a leading `ipvsadm`; combined short options allowed) -> its options. */
export function splitArgs(given: readonly string[]): Res<LineArgs> {
  const out = new Map<string, GivenOpt>();
  const words = expandShortOptions(given);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const found = lookup(word);
    if (otherCommands.has(word)) return fail(`\`${word}\` is an ipvsadm command, but not one that describes the table (-A, -E, -a, -e)`);
    if (!found) return fail(word.startsWith("-") ? `unknown option \`${word}\`` : `unexpected argument \`${word}\``);
    const { opt, inline } = found;
    if (inline !== null && opt.arg === "none") return fail(`option \`--${opt.name}\` takes no value`);
    let value = inline;
    if (value === null && opt.arg !== "none") {
      const next = words[i + 1];
      const takes = next !== undefined && (opt.arg === "required" || !next.startsWith("-"));
      if (takes) value = words[++i]!;
      else if (opt.arg === "required") return fail(`option \`${word}\` needs a value`);
    }
    const key = opt.group ?? opt.name;
    const before = out.get(key);
    if (before) return fail(`\`${word}\` conflicts with \`${before.written}\` given before`);
    out.set(key, { opt, written: word, value });
  }
  return ok(out);
}
