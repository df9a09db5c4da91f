/**
 * keepalived.conf's `vrrp_instance` blocks: lvsh takes their VIPs (bound on
 * the director, on the instance's interface); the instance itself needs
 * both directors, which one file does not name, so it is reported with the
 * `director pair` statement to write.
 */
import { maxPrefix, parseIp } from "../lang/index.js";
import type { KaNode } from "./keepalived-conf.js";
import { lost, type KaCtx } from "./keepalived-values.js";

function vipLines(c: KaCtx, block: readonly KaNode[], iface: string | undefined): string[] {
  const out: string[] = [];
  for (const v of block) {
    const [cidr, ...opts] = v.words;
    const [a, p] = (cidr ?? "").split("/");
    const ip = a ? parseIp(a) : null;
    const devAt = opts.indexOf("dev");
    const dev = devAt >= 0 ? opts[devAt + 1] : iface;
    const prefix = p === undefined ? (ip ? maxPrefix(ip.family) : 0) : Number(p);
    if (!ip || !dev || !Number.isInteger(prefix) || prefix < 1 || prefix > maxPrefix(ip.family)) {
      lost(c, v.line, `virtual_ipaddress \`${v.words.join(" ")}\`: ${dev ? "not an address" : "no interface"}`);
      continue;
    }
    c.g.directorAddrs.push({ addr: ip.text, prefix, dev });
    out.push(ip.text);
  }
  return out;
}

const vrrpKnown = new Set(["state", "interface", "virtual_router_id", "priority", "advert_int", "virtual_ipaddress", "virtual_ipaddress_excluded", "unicast_src_ip", "unicast_peer"]);

export function vrrpInstance(c: KaCtx, n: KaNode): void {
  const get = (k: string) => n.block?.find((x) => x.words[0] === k);
  const iface = get("interface")?.words[1];
  const vips = ["virtual_ipaddress", "virtual_ipaddress_excluded"].flatMap((k) => vipLines(c, get(k)?.block ?? [], iface));
  const vrid = get("virtual_router_id")?.words[1] ?? "?";
  const prio = get("priority")?.words[1] ?? "100";
  const self = get("unicast_src_ip")?.words[1] ?? "THIS-DIRECTOR";
  const peers = get("unicast_peer")?.block ?? [];
  const peer = peers.length === 1 ? peers[0]!.words[0]! : "OTHER-DIRECTOR";
  lost(
    c,
    n.line,
    `vrrp_instance ${n.words[1] ?? ""} (virtual_router_id ${vrid}, priority ${prio}${iface ? ` on ${iface}` : ""}): its VIPs (${vips.join(", ") || "none"}) are imported as bound on the director; fail-over needs both directors: add \`director pair ${self} ${peer} priority ${prio} N vrid ${vrid}\` after each \`vip\``,
  );
  const other = (n.block ?? []).filter((k) => !vrrpKnown.has(k.words[0] ?? "")).map((k) => k.words[0]);
  if (other.length) lost(c, n.line, `vrrp_instance ${n.words[1] ?? ""}: ${[...new Set(other)].join(", ")}`);
  if (get("advert_int") && get("advert_int")!.words[1] !== "1") lost(c, get("advert_int")!.line, `advert_int ${get("advert_int")!.words[1]}: lvsh's export uses 1`);
}
