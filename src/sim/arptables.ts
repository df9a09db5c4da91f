/**
 * `arptables` (the legacy 0.0.5 build, Debian's `arptables` package) on a
 * simulated host: -A, -I, -D by rule, -F, -L and arptables-save, failing
 * with its messages (the old chain names IN/OUT are refused, as today).
 */
import { parseIp } from "../lang/index.js";
import { elementKey, type ArpRule } from "../model/index.js";
import { formatArptablesSave, formatArpRuleLine } from "../state/index.js";
import type { SimHost } from "./host.js";
import { out, type SimOut } from "./out.js";

const CHAINS = ["INPUT", "OUTPUT", "FORWARD"];

function parseRule(chain: string, words: readonly string[]): ArpRule | string {
  const r: { -readonly [K in keyof ArpRule]: ArpRule[K] } = { chain: chain as ArpRule["chain"], target: "DROP" };
  let target: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const v = words[i + 1];
    if (v === undefined) return `option "${w}" requires an argument`;
    const addr = () => parseIp(v.replace(/\/(32|255\.255\.255\.255)$/, ""))?.text;
    switch (w) {
      case "-s": case "--source-ip": r.src = addr(); break;
      case "-d": case "--destination-ip": r.dst = addr(); break;
      case "-i": case "--in-interface": r.iface = v; break;
      case "-j": case "--jump": target = v; break;
      case "--mangle-ip-s": r.mangleIpS = addr(); break;
      default: return `unknown arguments found on commandline`;
    }
    i++;
  }
  if (target !== "DROP" && target !== "mangle") return "No chain/target/match by that name";
  r.target = target;
  if (target === "mangle" && !r.mangleIpS) return "mangle: no mangling option";
  if (r.chain !== "INPUT" && r.chain !== "OUTPUT") return "No chain/target/match by that name";
  return r;
}

function list(h: SimHost): string {
  const chains = CHAINS.map((c) => {
    const rules = h.arp.filter((r) => r.chain === c).map((r) => formatArpRuleLine(r).replace(/^-A \S+ /, "") + " ");
    return [`Chain ${c} (policy ACCEPT)`, ...rules].join("\n");
  });
  return chains.join("\n\n") + "\n";
}

export function simArptables(h: SimHost, args: readonly string[]): SimOut {
  const [cmd, chain, ...rest] = args;
  if (cmd === "-V" || cmd === "--version") return out(0, "arptables v0.0.5\n", "");
  if (cmd === "-L" || cmd === "--list") return out(0, list(h), "");
  if (cmd === "-F" || cmd === "--flush") {
    h.arp = chain ? h.arp.filter((r) => r.chain !== chain) : [];
    return out(0, "", "", true);
  }
  if (cmd !== "-A" && cmd !== "-I" && cmd !== "-D") return out(2, "", `arptables: unknown command ${cmd ?? ""}\n`);
  if (!chain || !CHAINS.includes(chain)) return out(1, "", "arptables: No chain/target/match by that name\n");
  const rule = parseRule(chain, rest);
  if (typeof rule === "string") return out(2, "", `arptables: ${rule}\n`);
  const key = elementKey.arp("", rule);
  if (cmd === "-D") {
    const i = h.arp.findIndex((r) => elementKey.arp("", r) === key);
    if (i < 0) return out(1, "", "arptables: Bad rule (does a matching rule exist in that chain?)\n");
    h.arp = [...h.arp.slice(0, i), ...h.arp.slice(i + 1)];
  } else h.arp = cmd === "-I" ? [rule, ...h.arp] : [...h.arp, rule];
  return out(0, "", "", true);
}

export function simArptablesSave(h: SimHost): SimOut {
  return out(0, formatArptablesSave(h.arp, "legacy"), "");
}
