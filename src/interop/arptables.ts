/**
 * arptables-save files in and out. In: the rules of one real server (legacy
 * `IN`/`OUT` chains and current `INPUT`/`OUTPUT`); the real server is the
 * address the OUTPUT mangle rules announce (`--mangle-ip-s`), and the VIPs
 * they hide are taken as bound on it (arptables-save does not show
 * addresses). Out: per real server, what `arptables-restore` loads.
 */
import { compile, type ArpRule, type Config } from "../model/index.js";
import { formatArpRuleLine, parseArptablesSave } from "../state/index.js";
import { rsEntry, type Gathered } from "./gather.js";
import type { Document } from "./document.js";

/** The real server that a set of rules belongs to: the one address its mangle rules announce. */
function ownerOf(rules: readonly ArpRule[]): string[] {
  return [...new Set(rules.flatMap((r) => (r.target === "mangle" && r.mangleIpS ? [r.mangleIpS] : [])))];
}

export function gatherArptables(g: Gathered, source: string, text: string): void {
  const save = parseArptablesSave(text);
  for (const p of save.problems) g.notes.push({ source, line: p.line, kind: "lost", text: `${p.message}: \`${p.text.trim()}\`` });
  const owners = ownerOf(save.rules);
  if (owners.length !== 1) {
    if (save.rules.length) {
      const why = owners.length ? `they announce ${owners.join(" and ")}: one file is one real server's rules` : "no OUTPUT mangle rule says which real server they are";
      g.notes.push({ source, kind: "lost", text: `${save.rules.length} ARP rule(s): ${why}` });
    }
    return;
  }
  const host = owners[0]!;
  const e = rsEntry(g, host);
  e.arp.push(...save.rules);
  for (const vip of new Set(save.rules.flatMap((r) => (r.target === "DROP" && r.dst ? [r.dst] : [])))) {
    if (!e.addrs.some((a) => a.addr === vip)) e.addrs.push({ addr: vip, prefix: 32, dev: "eth0" });
  }
  g.notes.push({ source, kind: "info", text: `ARP rules of real server ${host}; the VIPs they hide are taken as bound on its eth0` });
}

/** What arptables-restore loads: the filter table's INPUT and OUTPUT chains. */
export function arptablesRestoreText(host: string, rules: readonly ArpRule[], source: string): string {
  const lines = (["INPUT", "OUTPUT"] as const).flatMap((chain) => rules.filter((r) => r.chain === chain).map((r) => formatArpRuleLine(r, "nft")));
  return [`# ARP rules of real server ${host}, from ${source} (lvsh): arptables-restore < this file`, "*filter", ":INPUT ACCEPT", ":OUTPUT ACCEPT", ...lines, ""].join("\n");
}

/** Per real server with arptables rules, its restore file. */
export function arptablesDocs(config: Config, source: string): { docs: Document[]; notes: string[] } {
  const docs: Document[] = [];
  const notes: string[] = [];
  for (const [host, h] of Object.entries(compile(config).state.hosts)) {
    if (host === "director") continue;
    if (h.arp.length) docs.push({ name: `arptables-${host}.rules`, host, text: arptablesRestoreText(host, h.arp, source) });
    else if (Object.keys(h.sysctls).length) notes.push(`${host} hides the VIP with sysctls, not arptables rules: see --format sh`);
  }
  if (!docs.length && !notes.length) notes.push("no real server has ARP rules (no `arp hide on rs`)");
  return { docs, notes };
}
