/**
 * Whole-configuration checks of the keepalived metadata: what keepalived
 * would refuse or silently reset (a quorum no set of healthy real servers
 * reaches, a sorry server on another port in dr mode), and VRRP instances
 * that cannot be built (no interface, one router id for two pairs); with
 * `engine keepalived`, VRRP router ids each director's keepalived would see
 * with other peers, and `sync daemon`'s needs (keepalived, a pair).
 */
import { error, warning, type Diagnostic } from "../lang/index.js";
import type { Config, ServiceDef, VipDef } from "./types.js";

/** The forwarding method keepalived's virtual server gets (its `lb_kind`): that of its first real server. */
export function serviceMethod(svc: ServiceDef): "dr" | "nat" | "tun" {
  for (const r of svc.reals.values()) return r.method;
  return "dr";
}

function serviceProblems(svc: ServiceDef): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (svc.quorum) {
    const total = [...svc.reals.values()].reduce((n, r) => n + (r.maintenance ? 0 : r.weight), 0);
    if (svc.quorum.value > total) {
      out.push(
        warning("quorum-unreachable", `quorum ${svc.quorum.value} is more than the total weight of ${svc.key}'s real servers (${total}): keepalived lowers it to ${total}`, svc.quorum.span),
      );
    }
  }
  const s = svc.sorry;
  if (s && svc.fwmark === null && s.port !== svc.port && serviceMethod(svc) !== "nat") {
    out.push(
      error("rs-port-mismatch", `the sorry server is forwarded like the service's real servers (${serviceMethod(svc)}), so it receives port ${svc.port}, not ${s.port}`, s.span, {
        hint: "drop the port, or make the real servers `nat`",
      }),
    );
  }
  return out;
}

/** VIPs that share a VRRP instance: one router id, one interface, one family. */
function instanceKey(v: VipDef): string | undefined {
  if (!v.pair) return undefined;
  return `${v.pair.vrid} ${v.pair.iface ?? v.iface} ${v.family}`;
}

function pairProblems(config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  const first = new Map<string, VipDef>();
  for (const v of config.vips.values()) {
    const p = v.pair;
    if (!p) continue;
    if (!p.iface && !v.iface) {
      out.push(
        error("pair-no-interface", `the directors of ${v.addr} need an interface for VRRP, and ${v.addr} has none`, p.span, {
          hint: `write \`vip ${v.addr} on IFACE\`, or add \`interface IFACE\``,
        }),
      );
      continue;
    }
    const key = instanceKey(v)!;
    const prior = first.get(key);
    if (!prior) first.set(key, v);
    else if (prior.pair!.addrs.join() !== p.addrs.join() || prior.pair!.priorities.join() !== p.priorities.join()) {
      out.push(
        error("vrid-conflict", `${v.addr} and ${prior.addr} share VRRP router id ${p.vrid} on ${p.iface ?? v.iface}, so they must name the same directors and priorities`, p.span, {
          related: [{ span: prior.pair!.span, label: `${prior.addr}'s pair` }],
          hint: "give one of them another `vrid`",
        }),
      );
    }
  }
  return out;
}

/** What lvsh cannot do on directors keepalived runs. */
function engineProblems(config: Config): Diagnostic[] {
  if (!config.engine) return [];
  // a director that is also a dr/tun real server of its own VIP hides that VIP from ARP, and as MASTER must answer for it
  const directors: Diagnostic[] = [];
  for (const v of config.vips.values()) {
    for (const [i, a] of (v.pair?.addrs ?? []).entries()) {
      const svc = [...config.services.values()].find((s) => s.vip === v.addr && [...s.reals.values()].some((r) => r.addr === a && r.method !== "nat"));
      if (!svc) continue;
      directors.push(
        error("pair-is-real-server", `${a} is a director of ${v.addr} and a real server of ${svc.key}: as a real server it hides ${v.addr} from ARP, as MASTER keepalived must answer for it`, v.pair!.span, {
          related: [{ span: svc.span, label: `${svc.key}` }],
          hint: `name the directors' own addresses in \`director pair\`, or take ${a} out of the service (${i === 0 ? "first" : "second"} director)`,
        }),
      );
    }
  }
  return [...directors, ...[...(config.drains?.values() ?? [])].map((d) =>
    error("drain-keepalived", `keepalived runs the directors (\`engine keepalived\`): lvsh does not hold ${d.dest} at weight 0 in their tables while its connections end`, d.span, {
      hint: "`maintenance rs ADDR on` and commit (keepalived sets weight 0), then remove it once `show rs` says it has no active connection",
    }),
  )];
}

/**
 * With `engine keepalived`, each director's keepalived runs the instances of
 * its pairs: an IPv4 and an IPv6 instance on one router id and interface
 * (the same-family case is vrid-conflict's) must have the same two
 * directors, or keepalived sees that router id with other peers.
 */
function enginePairProblems(config: Config): Diagnostic[] {
  if (!config.engine) return [];
  const out: Diagnostic[] = [];
  const first = new Map<string, VipDef>();
  for (const v of config.vips.values()) {
    const p = v.pair;
    const iface = p?.iface ?? v.iface;
    if (!p || !iface) continue;
    const key = `${p.vrid} ${iface}`;
    const prior = first.get(key);
    if (!prior) first.set(key, v);
    else if (prior.family !== v.family && [...prior.pair!.addrs].sort().join() !== [...p.addrs].sort().join()) {
      out.push(
        error("pair-directors-mismatch", `${v.addr} and ${prior.addr} share VRRP router id ${p.vrid} on ${iface}, so keepalived on their directors needs them to name the same two directors`, p.span, {
          related: [{ span: prior.pair!.span, label: `${prior.addr}'s pair` }],
          hint: "name the same two directors, or give one of them another `vrid`",
        }),
      );
    }
  }
  return out;
}

/** `sync daemon` is keepalived's lvs_sync_daemon, between the two directors of a pair. */
function syncProblems(config: Config): Diagnostic[] {
  const s = config.sync;
  if (!s) return [];
  const paired = [...config.vips.values()].some((v) => v.pair);
  if (config.engine && paired) return [];
  const missing = [config.engine ? "" : "`engine keepalived`", paired ? "" : "a `director pair` (after `vip ADDR on IFACE`: `director pair ADDR ADDR`)"].filter(Boolean).join(" and ");
  return [
    error("sync-needs-keepalived", "connection sync runs through keepalived's lvs_sync_daemon: add `engine keepalived` and a `director pair`", s.span, {
      hint: `add ${missing}, or \`sync daemon off\``,
    }),
  ];
}

export function validateKeepalived(config: Config): Diagnostic[] {
  return [...[...config.services.values()].flatMap(serviceProblems), ...pairProblems(config), ...enginePairProblems(config), ...syncProblems(config), ...engineProblems(config)];
}
