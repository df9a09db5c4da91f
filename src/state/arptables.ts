/**
 * `arptables-save` of both builds <-> ARP rules. arptables-legacy-save
 * (0.0.5, a Perl script over `arptables -L -n`) and arptables-nft-save
 * (1.8.9) both print the target first (`-A INPUT -j DROP -d ADDR`), then
 * -i, -o, -s, -d, the hardware/opcode matches and the target's options;
 * legacy ends each rule with a space and lists the FORWARD chain, nft adds
 * `# Generated`/`# Completed` lines with a timestamp.
 *
 * lvsh manages DROP and mangle rules matching -s/-d/-i in INPUT/OUTPUT.
 * Other rules of those chains come back as problems (never silently lost);
 * rules of other chains are not lvsh's and are skipped.
 */
import { parseIPv4 } from "../lang/index.js";
import type { ArpRule } from "../model/index.js";
import { fail, numberedLines, ok, type Res, type StateProblem } from "./problem.js";

export type ArptablesBuild = "legacy" | "nft";

export interface ArptablesSave {
  readonly rules: ArpRule[];
  readonly problems: StateProblem[];
}

/** RHEL 6's arptables_jf called the chains IN and OUT. */
const chainOf: Readonly<Record<string, ArpRule["chain"]>> = { INPUT: "INPUT", OUTPUT: "OUTPUT", IN: "INPUT", OUT: "OUTPUT" };

type Field = "target" | "src" | "dst" | "iface" | "outIface" | "mangleIpS" | "hlen" | "htype" | "ptype";

const optionOf: Readonly<Record<string, Field>> = {
  "-j": "target",
  "--jump": "target",
  "-s": "src",
  "--source-ip": "src",
  "--src-ip": "src",
  "-d": "dst",
  "--destination-ip": "dst",
  "--dst-ip": "dst",
  "-i": "iface",
  "--in-interface": "iface",
  "-o": "outIface",
  "--out-interface": "outIface",
  "--mangle-ip-s": "mangleIpS",
  "-l": "hlen",
  "--h-length": "hlen",
  "-H": "htype",
  "--h-type": "htype",
  "--proto-type": "ptype",
};

/** Matches some versions print on every rule with their default (Ethernet, IPv4) value: dropped. */
const defaults: Partial<Record<Field, readonly string[]>> = {
  hlen: ["6"],
  htype: ["1", "0x1", "0x0001", "Ethernet"],
  ptype: ["0x800", "0x0800", "IPv4"],
};

export function parseArptablesSave(text: string): ArptablesSave {
  const rules: ArpRule[] = [];
  const problems: StateProblem[] = [];
  let table = "filter";
  for (const { line, text: raw } of numberedLines(text)) {
    const t = raw.trim();
    if (t === "" || t.startsWith("#") || t === "COMMIT" || t.startsWith(":")) continue;
    if (t.startsWith("*")) {
      table = t.slice(1);
      continue;
    }
    const rule = readRuleLine(t);
    if (!rule.ok) problems.push({ line, text: raw, message: rule.message });
    else if (rule.value && table === "filter") rules.push(rule.value);
  }
  return { rules, problems };
}

/** `-A CHAIN options...` -> the rule; null for a chain lvsh leaves alone. */
function readRuleLine(line: string): Res<ArpRule | null> {
  return parseArptablesRule(line.split(/\s+/));
}

/** The words of a rule (`-A CHAIN options...`, as arptables takes them) -> the rule; null for a chain lvsh leaves alone. */
export function parseArptablesRule(given: readonly string[]): Res<ArpRule | null> {
  let words = [...given];
  if (/^\[\d+:\d+\]$/.test(words[0]!)) words = words.slice(1); // counters, as -c prints them
  const [cmd, chainName, ...options] = words;
  if (cmd !== "-A" && cmd !== "--append") return fail("expected a rule: -A CHAIN ...");
  const chain = chainOf[chainName ?? ""];
  if (!chain) return ok(null);
  return readRule(chain, options);
}

function readRule(chain: ArpRule["chain"], words: readonly string[]): Res<ArpRule> {
  const fields = new Map<Field, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "-c" || word === "--set-counters") {
      i += 2;
      continue;
    }
    if (word === "!") return fail("a negated match (!): lvsh does not manage such rules");
    const field = optionOf[word];
    if (!field) return fail(`option \`${word}\`: lvsh does not manage such rules`);
    const value = words[++i];
    if (value === undefined) return fail(`option \`${word}\` needs a value`);
    if (fields.has(field)) return fail(`option \`${word}\` given twice`);
    const dflt = defaults[field];
    if (dflt && !dflt.includes(value)) return fail(`\`${word} ${value}\`: lvsh does not manage such rules`);
    if (dflt) continue;
    // nft's verbose listing prints `-i *`/`-o *` for "any interface"
    if (value !== "*" || (field !== "iface" && field !== "outIface")) fields.set(field, value);
  }
  return ruleOf(chain, fields);
}

function ruleOf(chain: ArpRule["chain"], fields: ReadonlyMap<Field, string>): Res<ArpRule> {
  const target = fields.get("target");
  if (target !== "DROP" && target !== "mangle") return fail(target ? `target ${target}: lvsh manages DROP and mangle rules` : "a rule without a target");
  if (fields.has("outIface")) return fail(`-o ${fields.get("outIface")}: lvsh does not manage rules on an output interface`);
  if (fields.has("mangleIpS") && target !== "mangle") return fail("--mangle-ip-s goes only with -j mangle");
  let rule: ArpRule = { chain, target };
  for (const f of ["src", "dst", "mangleIpS"] as const) {
    const text = fields.get(f);
    if (text === undefined) continue;
    const addr = hostAddress(text, f !== "mangleIpS");
    if (!addr.ok) return addr;
    rule = { ...rule, [f]: addr.value };
  }
  const iface = fields.get("iface");
  return ok(iface === undefined ? rule : { ...rule, iface });
}

/** An IPv4 address, canonical; `/32` and `/255.255.255.255` are the same as no mask. */
function hostAddress(text: string, maskAllowed: boolean): Res<string> {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const mask = slash < 0 ? null : text.slice(slash + 1);
  const ip = parseIPv4(addr);
  if (!ip) return fail(`\`${addr}\` is not a numeric IPv4 address`);
  if (mask !== null && (!maskAllowed || (mask !== "32" && mask !== "255.255.255.255"))) {
    return fail(`\`${text}\`: lvsh manages rules on single addresses only`);
  }
  return ok(ip.text);
}

/* ---------------- formatting ---------------- */

/** The date the nft header and footer show when none is given (ctime format). */
export const ARPTABLES_NFT_EPOCH = "Thu Jan  1 00:00:00 1970";

/** A rule as arptables-save prints it: `-A CHAIN -j TARGET [-i IF] [-s SRC] [-d DST] [--mangle-ip-s X]`. */
export function formatArpRuleLine(rule: ArpRule, build: ArptablesBuild = "nft"): string {
  const words = ["-A", rule.chain, "-j", rule.target];
  if (rule.iface) words.push("-i", rule.iface);
  if (rule.src) words.push("-s", rule.src);
  if (rule.dst) words.push("-d", rule.dst);
  if (rule.mangleIpS) words.push("--mangle-ip-s", rule.mangleIpS);
  return build === "legacy" ? `${words.join(" ")} ` : words.join(" ");
}

/**
 * What arptables-{legacy,nft}-save print for these rules (all policies
 * ACCEPT). Rules are listed chain by chain, INPUT then OUTPUT, each chain
 * in the order given. `date` is the nft timestamp (ctime format).
 */
export function formatArptablesSave(rules: readonly ArpRule[], build: ArptablesBuild, date: string = ARPTABLES_NFT_EPOCH): string {
  const lines = (["INPUT", "OUTPUT"] as const).flatMap((chain) => rules.filter((r) => r.chain === chain).map((r) => formatArpRuleLine(r, build)));
  if (build === "legacy") return ["*filter", ":INPUT ACCEPT", ":OUTPUT ACCEPT", ":FORWARD ACCEPT", ...lines, "", ""].join("\n");
  const head = `# Generated by arptables-nft-save v1.8.9 (nf_tables) on ${date}`;
  return [head, "*filter", ":INPUT ACCEPT", ":OUTPUT ACCEPT", ...lines, `# Completed on ${date}`, ""].join("\n");
}
