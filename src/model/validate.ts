/**
 * Checks on the whole candidate, after all statements: what no single
 * statement can know (an `arp hide` with nothing to hide, real servers in
 * dr mode that still answer ARP for the VIP ...).
 */
import { inSubnet, maxPrefix, parseIp, warning, type Diagnostic } from "../lang/index.js";
import { realServerHost } from "./hosts.js";
import type { Config, RealDef, VipDef } from "./types.js";
import { validateKeepalived } from "./validate-ha.js";

function realsOf(config: Config, vip: VipDef): RealDef[] {
  const out: RealDef[] = [];
  for (const svc of config.services.values()) if (svc.vip === vip.addr) out.push(...svc.reals.values());
  return out;
}

export function validate(config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const vip of config.vips.values()) {
    const reals = realsOf(config, vip);
    const hidden = reals.filter((r) => r.method !== "nat" && r.family === vip.family);
    if (vip.arpHide && hidden.length === 0) {
      out.push(
        // a warning: deleting a VIP's last real server (or service) must stay possible
        warning("arp-hide-no-rs", `\`arp hide on rs\` for ${vip.addr}, but it has no dr or tun real server to hide it on: it hides nothing`, vip.arpHide.span, {
          hint: "add real servers (`add rs .2 .3 dr`), or `del vip` to remove the VIP with its services",
        }),
      );
    }
    if (!vip.arpHide && vip.family === 4 && hidden.some((r) => r.method === "dr")) {
      out.push(
        warning("dr-without-arp-hide", `dr real servers of ${vip.addr} must accept it without answering ARP for it, or they steal its traffic`, vip.span, {
          hint: "add `arp hide on rs`, unless you hide it on the real servers yourself",
        }),
      );
    }
    const hide = vip.arpHide;
    if (hide?.via === "sysctl" && hide.devGiven && !/^(lo|dummy.*|tunl.*)$/.test(hide.dev) && hidden.length > 0) {
      out.push(
        warning(
          "arp-hide-sysctl-dev",
          `arp_ignore=1 still answers ARP for an address on the interface the request came in on: with ${vip.addr} on ${hide.dev}, real servers that take client traffic on ${hide.dev} answer for it`,
          hide.span,
          { hint: "leave out `dev` (the VIP goes on lo), use a dummy interface, or hide it `via arptables`" },
        ),
      );
    }
    if (vip.prefix < maxPrefix(vip.family)) {
      const net = parseIp(vip.addr)!;
      for (const r of reals) {
        if (r.family !== vip.family || inSubnet(parseIp(r.addr)!, net, vip.prefix)) continue;
        if (r.method === "nat") {
          out.push(
            warning("nat-other-subnet", `NAT real server ${r.addr} is outside ${vip.addr}/${vip.prefix}: its replies must route back through the director`, r.span),
          );
        } else if (r.method === "dr") {
          out.push(
            warning("dr-other-subnet", `dr real server ${r.addr} is outside ${vip.addr}/${vip.prefix}, the director's network: direct routing rewrites only the MAC address, so the real server must be on the director's link`, r.span, {
              hint: "use `tun` for a real server in another network, or check the VIP's prefix",
            }),
          );
        }
      }
    }
    if (vip.family === 6 && !vip.arpHide && reals.some((r) => r.method !== "nat")) {
      out.push(
        warning("ipv6-rs-without-vip", `the dr/tun real servers of ${vip.addr} must hold it themselves to accept its packets, and nothing here puts it on them`, vip.span, {
          hint: "add `arp hide on rs`: for an IPv6 VIP it binds the VIP on the real servers' lo (neighbour discovery answers only for the interface that holds an address)",
        }),
      );
    }
  }
  for (const svc of config.services.values()) {
    if (svc.fwmark !== null) {
      const vip = svc.vip ?? "VIP";
      out.push(
        warning("fwmark-needs-mark", `${svc.key} receives only packets the director marks with ${svc.fwmark}, and lvsh does not make that rule`, svc.span, {
          hint: `on the director, e.g. \`iptables -t mangle -A PREROUTING -d ${vip} -p tcp -m multiport --dports 80,443 -j MARK --set-mark ${svc.fwmark}\`${svc.family === 6 ? " (ip6tables for IPv6)" : ""}, or nft's \`meta mark set ${svc.fwmark}\`; ignore this if it marks them already`,
        }),
      );
    }
    if (svc.reals.size === 0) {
      out.push(warning("service-without-rs", `${svc.key} has no real servers: connections to it will be refused`, svc.span));
    }
  }
  const used = new Set<string>(["director"]);
  // each address once: a farm names the same real servers in many services
  const seen = new Set<string>();
  for (const svc of config.services.values()) {
    for (const r of svc.reals.values()) {
      if (seen.has(r.addr)) continue;
      seen.add(r.addr);
      used.add(realServerHost(config, r.addr).name);
    }
  }
  // keepalived runs the pairs' directors: they are hosts of a commit too
  if (config.engine) for (const v of config.vips.values()) for (const a of v.pair?.addrs ?? []) used.add(realServerHost(config, a).name);
  for (const h of config.hosts.values()) {
    if (!used.has(h.key)) {
      out.push(warning("unused-host", `host ${h.key} is not the director nor any real server's host`, h.span));
    }
  }
  out.push(...validateKeepalived(config));
  return out;
}
