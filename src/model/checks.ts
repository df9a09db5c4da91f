/**
 * Checks on one service or real server, as ipvsadm and the kernel would
 * refuse them (so that a commit never fails on them) or as they would
 * silently misbehave (warnings).
 */
import { error, maxPrefix, schedulerFlags, warning, type Diagnostic, type RsOpts, type RsTarget, type ServiceStmt, type Span } from "../lang/index.js";
import type { RealDef, ServiceDef } from "./types.js";
import ipaddr from "ipaddr.js";

const UNUSABLE: Readonly<Record<string, string>> = {
  unspecified: "the unspecified address",
  loopback: "a loopback address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
};

export type AddressRole = "a VIP" | "a real server" | "a service address" | "a sorry server" | "a director";

/**
 * An address that cannot be a VIP, a real server, a sorry server or a
 * director: unspecified (`0.0.0.0`, `::`), loopback, multicast, broadcast,
 * IPv4's reserved 240.0.0.0/4, an IPv4-mapped IPv6 address (say the IPv4
 * one), and for what clients reach (a VIP, a director) a link-local one --
 * IPVS or the network would take it, and nothing would ever answer
 * (ipaddr.js knows the ranges).
 */
export function unusableAddress(addr: string, role: AddressRole, span: Span): Diagnostic | undefined {
  const key = `${role}\0${addr}`;
  let v = verdicts.get(key);
  if (v === undefined) {
    v = verdict(addr, role);
    // a script of 10,000 real servers names the same few hundred addresses again and again
    if (verdicts.size >= 10_000) verdicts.clear();
    verdicts.set(key, v);
  }
  return v ? error("unusable-address", `${addr} is ${v.what}: it cannot be ${role}`, span, { hint: v.hint }) : undefined;
}

/** What unusableAddress found for an address in a role (null: usable), by role and address. */
const verdicts = new Map<string, { what: string; hint: string } | null>();
const RESERVED_V4 = ipaddr.parse("240.0.0.0") as ipaddr.IPv4;

function verdict(addr: string, role: AddressRole): { what: string; hint: string } | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(addr);
  } catch {
    return null; // the parser reported it
  }
  const unicast = role === "a real server" || role === "a sorry server" ? "it is reached at its own unicast address" : "clients reach it: give a unicast address";
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return { what: "an IPv4-mapped IPv6 address", hint: `write the IPv4 address: ${(parsed as ipaddr.IPv6).toIPv4Address().toString()}` };
  }
  const range = parsed.range();
  const what = UNUSABLE[range];
  if (what) return { what, hint: unicast };
  if (parsed.kind() === "ipv4" && parsed.match(RESERVED_V4, 4) && range !== "broadcast") return { what: "in 240.0.0.0/4, reserved", hint: unicast };
  if (range === "linkLocal" && (role === "a VIP" || role === "a service address" || role === "a director")) return { what: "a link-local address (it never leaves its link)", hint: unicast };
  return null;
}

export function checkService(def: ServiceDef, s: ServiceStmt): Diagnostic[] {
  const out: Diagnostic[] = [];
  const o = s.opts;
  for (const f of def.flags) {
    if (schedulerFlags[f] !== def.scheduler) {
      out.push(
        error("flag-scheduler-mismatch", `flag \`${f}\` belongs to the ${schedulerFlags[f]} scheduler, not ${def.scheduler}`, o.flags?.span ?? s.span, {
          hint: `use \`${schedulerFlags[f]}\` or drop the flag`,
        }),
      );
    }
  }
  if (def.onePacket && def.fwmark === null && def.proto !== "udp") {
    out.push(error("one-packet-needs-udp", "one-packet scheduling is only for UDP services", o.onePacket?.span ?? s.span, { hint: "write `service udp ...`" }));
  }
  if (o.netmask) {
    if (def.persistence === null) {
      out.push(error("netmask-needs-persistent", "a netmask sets how persistence groups clients, so it needs `persistent`", o.netmask.span));
    } else if (o.netmask.value > maxPrefix(def.family)) {
      out.push(error("invalid-netmask", `an IPv${def.family} netmask is at most /${maxPrefix(def.family)}`, o.netmask.span));
    }
  }
  if (def.fwmark === null && def.port === 0 && def.persistence === null) {
    out.push(error("invalid-port", "port 0 (every port) is only for persistent services", s.spec.span, { hint: "add `persistent`, or give a port from 1 to 65535" }));
  }
  if (def.pe !== null && def.persistence === null) {
    out.push(warning("pe-without-persistence", "a persistence engine does nothing without `persistent`", o.pe?.span ?? s.span));
  }
  return out;
}

export function checkDest(d: RealDef, svc: ServiceDef, t: RsTarget, opts: RsOpts): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (d.family !== svc.family && d.method !== "tun") {
    out.push(error("family-mismatch", `${d.addr} is IPv${d.family} but ${svc.key} is IPv${svc.family}`, t.span, { hint: "only tunnelled real servers may be of another family" }));
  }
  const bad = unusableAddress(d.addr, "a real server", t.span);
  if (bad) out.push(bad);
  if (svc.fwmark === null && d.port === 0 && svc.port !== 0) {
    // port 0 is "every port": only fwmark and port-0 services have real servers there
    out.push(error("invalid-port", `port 0 is not a port a real server of ${svc.key} can receive on`, t.span, { hint: `drop the port (the service's ${svc.port}), or give one from 1 to 65535 with \`nat\`` }));
  } else if (svc.fwmark === null && d.method !== "nat" && d.port !== svc.port) {
    out.push(
      error("rs-port-mismatch", `a ${d.method} real server receives the service's own port ${svc.port}; it cannot be sent to port ${d.port}`, t.span, {
        hint: `drop the port, or use \`nat\` to map ${svc.port} to ${d.port}`,
      }),
    );
  }
  if (svc.addr !== null && d.addr === svc.addr) {
    out.push(error("rs-is-vip", `the real server ${d.addr} is the service's own address`, t.span));
  }
  const tunOpt = opts.tunType ?? opts.tunPort ?? opts.csum;
  if (tunOpt && d.method !== "tun") {
    out.push(error("tun-option-needs-tun", "tunnel options apply only to `tun` real servers", tunOpt.span, { hint: "add `tun`" }));
  }
  if (d.method === "tun") {
    const span = opts.tunType?.span ?? t.span;
    if (d.tunType === "gue" && d.tunPort === undefined) {
      out.push(error("gue-needs-port", "a gue tunnel needs the UDP port of the real server's decapsulation", span, { hint: "add `port N`" }));
    }
    if (d.tunType === "ipip" && (d.tunPort !== undefined || (opts.csum && opts.csum.value !== "nocsum"))) {
      out.push(error("tun-option-invalid", "an ipip tunnel takes no port and no checksum option", (opts.tunPort ?? opts.csum)?.span ?? span));
    }
    if (d.tunType === "gre" && (d.tunPort !== undefined || d.tunCsum === "remcsum")) {
      out.push(error("tun-option-invalid", "a gre tunnel takes no port and no `remcsum`", (opts.tunPort ?? opts.csum)?.span ?? span));
    }
  }
  if (d.lThreshold > 0 && d.lThreshold > d.uThreshold) {
    out.push(
      error("threshold-order", `the lower threshold (min ${d.lThreshold}) is above the upper one (max ${d.uThreshold || "none"})`, (opts.min ?? opts.max)?.span ?? t.span, {
        hint: "the kernel needs min <= max: set `max` too",
      }),
    );
  }
  return out;
}
