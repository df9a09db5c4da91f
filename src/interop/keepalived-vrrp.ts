/**
 * keepalived.conf's `vrrp_instance` blocks. keepalived moves their VIPs
 * between the directors, so lvsh declares them unbound (`vip ADDR`): a
 * commit never binds them (on a BACKUP director that would be a duplicate
 * address). Instances of one VRRP router given together (the MASTER's and
 * the BACKUP's files, one router id and the same VIPs) become a `director
 * pair` on those VIPs, with the directors' own addresses from
 * `unicast_src_ip`/`mcast_src_ip` and `unicast_peer`; what the files do not
 * say is noted, with the statement to write.
 */
import { limits, parseIp } from "../lang/index.js";
import type { DirectorPair, VipDef } from "../model/index.js";
import { lineSpan, type Gathered, type Note, type VrrpGathered } from "./gather.js";
import type { KaNode } from "./keepalived-conf.js";
import { info, lost, type KaCtx } from "./keepalived-values.js";

type Vip = VrrpGathered["vips"][number];

function vipEntries(c: KaCtx, block: readonly KaNode[], iface: string | undefined, what: string): Vip[] {
  const out: Vip[] = [];
  for (const v of block) {
    const [cidr = "", ...opts] = v.words;
    const [a = "", p] = cidr.split("/");
    const ip = parseIp(a);
    const max = ip?.family === 6 ? 128 : 32;
    const prefix = p === undefined ? max : /^\d+$/.test(p) ? Number(p) : NaN;
    if (!ip || !(prefix >= 1 && prefix <= max)) {
      lost(c, v.line, `${what} \`${v.words.join(" ")}\`: not an address`);
      continue;
    }
    const dropped: string[] = [];
    for (let i = 0; i < opts.length; i++) {
      const o = opts[i]!;
      const arg = opts[i + 1];
      if (o === "dev" && arg !== undefined) {
        i++;
        if (iface !== undefined && arg !== iface) dropped.push(`\`dev ${arg}\` (lvsh's pair puts its VIPs on the VRRP interface, ${iface})`);
      } else if (["label", "brd", "broadcast", "scope", "preferred_lft", "track_group"].includes(o) && arg !== undefined) {
        i++;
        dropped.push(`\`${o} ${arg}\``);
      } else dropped.push(`\`${o}\``);
    }
    if (dropped.length) lost(c, v.line, `${what} ${ip.text}: ${dropped.join(", ")}: lvsh keeps the address and its prefix only`);
    out.push({ addr: ip.text, prefix, line: v.line });
  }
  return out;
}

/** What lvsh reads of an instance; the rest is noted. */
const vrrpKnown = new Set(["state", "interface", "virtual_router_id", "priority", "advert_int", "virtual_ipaddress", "virtual_ipaddress_excluded", "unicast_src_ip", "mcast_src_ip", "unicast_peer"]);

export function vrrpInstance(c: KaCtx, n: KaNode): void {
  const get = (k: string) => n.block?.find((x) => x.words[0] === k);
  const name = n.words[1] ?? "";
  const iface = get("interface")?.words[1];
  const vips = vipEntries(c, get("virtual_ipaddress")?.block ?? [], iface, "virtual_ipaddress");
  const excluded = get("virtual_ipaddress_excluded");
  if (excluded) {
    const more = vipEntries(c, excluded.block ?? [], iface, "virtual_ipaddress_excluded");
    if (more.length) info(c, excluded.line, `virtual_ipaddress_excluded of ${name}: moved with the instance like its other VIPs (lvsh's export lists them in virtual_ipaddress)`);
    vips.push(...more);
  }
  const num = (k: string, min: number, max: number): number | undefined => {
    const node = get(k);
    const t = node?.words[1];
    if (!node) return undefined;
    if (t !== undefined && /^\d+$/.test(t) && Number(t) >= min && Number(t) <= max) return Number(t);
    lost(c, node.line, `\`${node.words.join(" ")}\`: expected a number from ${min} to ${max}`);
    return undefined;
  };
  const addr = (k: string) => {
    const t = get(k)?.words[1];
    return t ? (parseIp(t)?.text ?? undefined) : undefined;
  };
  const peers = (get("unicast_peer")?.block ?? []).flatMap((p) => {
    const ip = p.words[0] ? parseIp(p.words[0]) : null;
    return ip ? [ip.text] : [];
  });
  c.g.vrrp.push({
    source: c.source,
    line: n.line,
    name,
    state: get("state")?.words[1]?.toUpperCase(),
    priority: num("priority", 1, 255) ?? 100,
    iface,
    vrid: num("virtual_router_id", 1, 255),
    vips,
    self: addr("unicast_src_ip") ?? addr("mcast_src_ip"),
    peers,
  });
  const other = (n.block ?? []).filter((k) => !vrrpKnown.has(k.words[0] ?? "")).map((k) => k.words[0]);
  if (other.length) lost(c, n.line, `vrrp_instance ${name}: ${[...new Set(other)].join(", ")}`);
  const adv = get("advert_int");
  if (adv && adv.words[1] !== "1") lost(c, adv.line, `advert_int ${adv.words[1]}: lvsh's export uses 1`);
}

/** `vrrp_sync_group`: its instances fail over together; lvsh's pairs do when they share a vrid. */
export function vrrpSyncGroup(c: KaCtx, n: KaNode): void {
  // `group { VI_1 VI_2 }` (or the names directly in the block, as older files have them)
  const inner = n.block?.find((x) => x.words[0] === "group");
  const members = (inner ? (inner.block ?? []) : (n.block ?? []).filter((x) => !x.block && x.words.length === 1)).flatMap((x) => x.words);
  lost(
    c,
    n.line,
    `vrrp_sync_group ${n.words[1] ?? ""} (${members.join(", ") || "no instances"}): lvsh has no sync groups; VIPs fail over together when their pairs name one \`vrid\` on one interface`,
  );
}

function describe(i: VrrpGathered): string {
  return `vrrp_instance ${i.name} (${[i.state ? `state ${i.state}` : "", `virtual_router_id ${i.vrid ?? "?"}`, `priority ${i.priority}`].filter(Boolean).join(", ")}${i.iface ? ` on ${i.iface}` : ""})`;
}

function pairText(a: string, b: string, pa: number | string, pb: number | string, i: VrrpGathered): string {
  return `director pair ${a} ${b} priority ${pa} ${pb} vrid ${i.vrid ?? "N"} interface ${i.iface ?? "IFACE"}`;
}

/** The instance's key across files: its router id and VIPs (both directors' files name the same). */
function routerKey(i: VrrpGathered): string {
  return `${i.vrid} ${[...new Set(i.vips.map((v) => v.addr))].sort().join(" ")}`;
}

export interface VrrpResult {
  /** The VRRP VIPs, unbound, with their pair when both directors were given. */
  readonly vips: VipDef[];
  readonly notes: Note[];
}

/**
 * A file is one director's: the address its instances name as their own
 * (unicast_src_ip/mcast_src_ip, or the one unicast_peer the other file's
 * instances name), when they all name one. An instance that says none (one
 * of another family than the addresses: keepalived takes no unicast_src_ip
 * of another family than its VIPs) is that director's all the same.
 */
function directorAddrs(g: readonly VrrpGathered[]): Map<string, { addr: string; at: VrrpGathered }> {
  const seen = new Map<string, Map<string, VrrpGathered>>();
  const add = (source: string, addr: string, at: VrrpGathered) => seen.set(source, (seen.get(source) ?? new Map()).set(addr, (seen.get(source)?.get(addr) ?? at)));
  for (const i of g) if (i.self) add(i.source, i.self, i);
  const out = new Map<string, { addr: string; at: VrrpGathered }>();
  for (const [source, addrs] of seen) if (addrs.size === 1) out.set(source, { addr: [...addrs.keys()][0]!, at: [...addrs.values()][0]! });
  return out;
}

function pairOf(hi: VrrpGathered, lo: VrrpGathered, notes: Note[], known: Map<string, { addr: string; at: VrrpGathered }>): DirectorPair | undefined {
  const where = (i: VrrpGathered) => `${i.source}:${i.line}`;
  const note = (text: string) => notes.push({ source: hi.source, line: hi.line, kind: "lost", text });
  const both = `${describe(hi)} and ${describe(lo)} of ${where(lo)} are one VRRP router`;
  const own = (i: VrrpGathered, other: VrrpGathered) => i.self ?? (other.peers.length === 1 ? other.peers[0] : undefined);
  let a = own(hi, lo);
  let b = own(lo, hi);
  const fromFile = [hi, lo].filter((i, n) => (n === 0 ? a : b) === undefined && known.has(i.source));
  if (!a && known.has(hi.source)) a = known.get(hi.source)!.addr;
  if (!b && known.has(lo.source)) b = known.get(lo.source)!.addr;
  if (a && b && fromFile.length) {
    const said = fromFile.map((i) => `${known.get(i.source)!.addr} (unicast_src_ip of ${where(known.get(i.source)!.at)})`).join(" and ");
    notes.push({ source: hi.source, line: hi.line, kind: "info", text: `${describe(hi)} names no directors' addresses of its own: taken from the other instances of the same files, ${said}` });
  }
  const stmt = pairText(a ?? "MASTER-ADDR", b ?? "BACKUP-ADDR", hi.priority, lo.priority, hi);
  if (hi.priority === lo.priority) return void note(`${both}, both of priority ${hi.priority} (keepalived then elects the higher address); lvsh's pair needs two priorities: add \`${pairText(a ?? "MASTER-ADDR", b ?? "BACKUP-ADDR", "P1", "P2", hi)}\` after each \`vip\``);
  if (hi.vrid === undefined) return void note(`${both}, without a virtual_router_id (keepalived refuses such an instance)`);
  const max = limits.priority.max;
  if (hi.priority > max) return void note(`${both}; priority ${hi.priority} (the address owner's) is beyond lvsh's ${max}: add \`${pairText(a ?? "MASTER-ADDR", b ?? "BACKUP-ADDR", max, Math.min(lo.priority, max - 1), hi)}\` after each \`vip\``);
  const isVip = [a, b].find((x) => x !== undefined && hi.vips.some((v) => v.addr === x));
  if (isVip) return void note(`${both}; ${isVip}, given as a director's own address, is one of its VIPs: add \`${stmt}\` after each \`vip\`, with the directors' own addresses`);
  if (!a || !b || a === b) {
    return void note(`${both}, but the files do not say the directors' own addresses (no unicast_src_ip, or unicast_peer): add \`${stmt}\` after each \`vip\`, with their addresses`);
  }
  if (hi.iface && lo.iface && hi.iface !== lo.iface) {
    note(`${both}, on ${hi.iface} and on ${lo.iface}: lvsh's pair names one interface (${hi.iface}), which the export writes for both`);
  }
  const iface = hi.iface ?? lo.iface;
  if (!iface) return void note(`${both}, without an interface: add \`${stmt}\` after each \`vip\``);
  notes.push({ source: hi.source, line: hi.line, kind: "info", text: `${both}: \`${pairText(a, b, hi.priority, lo.priority, { ...hi, iface })}\`` });
  return { addrs: [a, b], priorities: [hi.priority, lo.priority], vrid: hi.vrid, iface, span: lineSpan(hi.source, hi.line) };
}

/** The VRRP VIPs of every file, unbound; the instances of one router in two files paired. */
export function resolveVrrp(g: Gathered): VrrpResult {
  const notes: Note[] = [];
  const groups = new Map<string, VrrpGathered[]>();
  for (const i of g.vrrp) groups.set(routerKey(i), [...(groups.get(routerKey(i)) ?? []), i]);
  const vips: VipDef[] = [];
  const seen = new Map<string, VrrpGathered>();
  const known = directorAddrs(g.vrrp);
  for (const group of groups.values()) {
    const sources = new Set(group.map((i) => i.source));
    let pair: DirectorPair | undefined;
    if (group.length === 2 && sources.size === 2) {
      const [hi, lo] = [...group].sort((x, y) => y.priority - x.priority) as [VrrpGathered, VrrpGathered];
      pair = pairOf(hi, lo, notes, known);
    } else {
      for (const i of group) {
        const list = i.vips.map((v) => v.addr).join(", ") || "none";
        const self = i.self ?? "THIS-DIRECTOR";
        const peer = i.peers.length === 1 ? i.peers[0]! : "OTHER-DIRECTOR";
        const backup = i.state === "BACKUP";
        const stmt = backup ? pairText(peer, self, "N", i.priority, i) : pairText(self, peer, i.priority, "N", i);
        const why =
          group.length > 1
            ? `${group.length} instances of router id ${i.vrid ?? "?"} hold these VIPs (${group.map((x) => `${x.source}:${x.line}`).join(", ")}); lvsh pairs two, from two files`
            : "the pair needs both directors: import the other director's keepalived.conf with this one (another --from)";
        notes.push({
          source: i.source,
          line: i.line,
          kind: "lost",
          text: `${describe(i)}: keepalived moves its VIPs (${list}) between the directors, so they are declared unbound (\`vip ADDR\`: a commit never binds them); ${why}, or add \`${stmt}\` after each \`vip\``,
        });
      }
    }
    for (const i of group) {
      for (const v of i.vips) {
        const prior = seen.get(v.addr);
        if (prior && !group.includes(prior)) {
          notes.push({ source: i.source, line: v.line, kind: "lost", text: `VIP ${v.addr} of vrrp_instance ${i.name}: also a VIP of vrrp_instance ${prior.name} (${prior.source}:${prior.line}); lvsh keeps that one` });
          continue;
        }
        if (prior) continue;
        seen.set(v.addr, i);
        const family = v.addr.includes(":") ? 6 : 4;
        vips.push({ addr: v.addr, family, prefix: v.prefix, iface: null, arpHide: null, ...(pair ? { pair } : {}), span: lineSpan(i.source, v.line) });
      }
    }
  }
  return { vips, notes };
}
