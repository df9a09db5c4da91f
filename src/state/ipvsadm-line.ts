/**
 * One `ipvsadm` table line (its options, from ipvsadm-args) -> a service or
 * a real server, with ipvsadm 1.31's defaults and checks (parse_options and
 * process_options in ipvsadm.c): scheduler wlc, persistence 360 s when `-p`
 * has no value, weight 1, method dr, tunnel type ipip, checksum nocsum.
 */
import { maxPrefix, netmaskToPrefix, parseIPv4, type CsumMode, type Family, type Proto, type TunType } from "../lang/index.js";
import type { Dest, IpvsService } from "../model/index.js";
import type { LineArgs } from "./ipvsadm-args.js";
import { parseEndpoint } from "./endpoint.js";
import { fail, ok, parseIntIn, type Res } from "./problem.js";
import { parseSchedFlags } from "./sched-flags.js";

export type ServiceId = Pick<IpvsService, "proto" | "addr" | "port" | "fwmark" | "family">;
export type ServiceAttrs = Omit<IpvsService, keyof ServiceId | "dests" | "span">;

export type TableLine =
  | { readonly kind: "service"; readonly edit: boolean; readonly id: ServiceId; readonly attrs: ServiceAttrs }
  | { readonly kind: "dest"; readonly edit: boolean; readonly id: ServiceId; readonly dest: Dest };

/** ipvsadm's limits (MAX_TIMEOUT is 31 days). */
const MAX_TIMEOUT = 86400 * 31;
const MAX_THRESHOLD = 2147483647;

const protoOf: Readonly<Record<string, Proto>> = { "tcp-service": "tcp", "udp-service": "udp", "sctp-service": "sctp" };
const methodOf: Readonly<Record<string, Dest["method"]>> = { gatewaying: "dr", ipip: "tun", masquerading: "nat" };

export function readTableLine(args: LineArgs): Res<TableLine> {
  const cmd = args.get("command");
  if (!cmd) return fail("not a table line: expected -A, -E, -a or -e");
  const kind = cmd.opt.name.endsWith("-service") ? "service" : "dest";
  const edit = cmd.opt.name.startsWith("edit-");
  const misplaced = [...args.values()].find((g) => g.opt.scope !== "command" && g.opt.scope !== "both" && g.opt.scope !== kind);
  if (misplaced) return fail(`option \`${misplaced.written}\` does not go with \`${cmd.written}\``);
  const id = readServiceId(args);
  if (!id.ok) return id;
  if (kind === "service") {
    const attrs = readServiceAttrs(args, id.value);
    return attrs.ok ? ok({ kind, edit, id: id.value, attrs: attrs.value }) : attrs;
  }
  const dest = readDest(args, id.value);
  return dest.ok ? ok({ kind, edit, id: id.value, dest: dest.value }) : dest;
}

function readServiceId(args: LineArgs): Res<ServiceId> {
  const svc = args.get("service");
  if (!svc) return fail("no virtual service: expected -t, -u, --sctp-service or -f");
  const v6 = args.has("ipv6");
  if (svc.opt.name === "fwmark-service") {
    const mark = parseIntIn(svc.value!, 1, 4294967295);
    if (mark === null) return fail(`invalid fwmark \`${svc.value}\`: expected a number from 1 to 4294967295`);
    return ok({ proto: null, addr: null, port: 0, fwmark: mark, family: v6 ? 6 : 4 });
  }
  if (v6) return fail("-6 goes only with -f (an IPv6 fwmark service)");
  const ep = parseEndpoint(svc.value!);
  if (!ep.ok) return ep;
  return ok({ proto: protoOf[svc.opt.name]!, addr: ep.value.addr, port: ep.value.port ?? 0, fwmark: null, family: ep.value.family });
}

function readServiceAttrs(args: LineArgs, id: ServiceId): Res<ServiceAttrs> {
  const scheduler = args.get("scheduler")?.value ?? "wlc";
  const persistence = readPersistence(args);
  if (!persistence.ok) return persistence;
  const netmask = readNetmask(args, id.family, persistence.value);
  if (!netmask.ok) return netmask;
  const flagsArg = args.get("sched-flags");
  const flags = flagsArg ? parseSchedFlags(scheduler, flagsArg.value!) : ok<string[]>([]);
  if (!flags.ok) return flags;
  const onePacket = args.has("ops");
  if (onePacket && id.proto !== "udp" && id.fwmark === null) return fail("-o (one-packet scheduling) is only for UDP and fwmark services");
  if (id.fwmark === null && id.port === 0 && persistence.value === null) return fail("port 0 is allowed only for a persistent service");
  const pe = args.get("pe")?.value ?? null;
  return ok({ scheduler, persistence: persistence.value, netmask: netmask.value, flags: flags.value, onePacket, pe });
}

function readPersistence(args: LineArgs): Res<number | null> {
  const p = args.get("persistent");
  if (!p) return ok(null);
  if (p.value === null) return ok(360);
  const n = parseIntIn(p.value, 1, MAX_TIMEOUT);
  return n === null ? fail(`invalid timeout \`${p.value}\`: expected seconds from 1 to ${MAX_TIMEOUT}`) : ok(n);
}

/** `-M`: a dotted mask for IPv4, a prefix length for IPv6; only kept for a persistent service. */
function readNetmask(args: LineArgs, family: Family, persistence: number | null): Res<number> {
  const m = args.get("netmask");
  if (!m || persistence === null) return ok(maxPrefix(family));
  if (family === 6) {
    const n = parseIntIn(m.value!, 1, 128);
    return n === null ? fail(`invalid IPv6 netmask \`${m.value}\`: expected a prefix length from 1 to 128`) : ok(n);
  }
  const ip = parseIPv4(m.value!);
  const prefix = ip ? netmaskToPrefix(ip) : null;
  return prefix === null ? fail(`invalid netmask \`${m.value}\`: expected a dotted mask like 255.255.255.0`) : ok(prefix);
}

function readNumber(args: LineArgs, name: string, max: number, dflt: number): Res<number> {
  const a = args.get(name);
  if (!a) return ok(dflt);
  const n = parseIntIn(a.value!, 0, max);
  return n === null ? fail(`invalid ${name} \`${a.value}\`: expected a number from 0 to ${max}`) : ok(n);
}

function readDest(args: LineArgs, id: ServiceId): Res<Dest> {
  const r = args.get("real-server");
  if (!r) return fail("no real server: expected -r ADDR[:PORT]");
  const ep = parseEndpoint(r.value!);
  if (!ep.ok) return ep;
  const { addr, family } = ep.value;
  const method = methodOf[args.get("method")?.opt.name ?? "gatewaying"]!;
  if (family !== id.family && method !== "tun") return fail("a real server of the other address family needs tunnelling (-i)");
  // ipvsadm: a dr or tun real server of an address service gets the service's port.
  const port = id.fwmark === null && method !== "nat" ? id.port : (ep.value.port ?? id.port);
  const numbers = readDestNumbers(args);
  if (!numbers.ok) return numbers;
  const tun = readTunnel(args, method);
  if (!tun.ok) return tun;
  return ok({ addr, family, port, method, ...numbers.value, ...tun.value });
}

function readDestNumbers(args: LineArgs): Res<Pick<Dest, "weight" | "uThreshold" | "lThreshold">> {
  const weight = readNumber(args, "weight", 65535, 1);
  if (!weight.ok) return weight;
  const uThreshold = readNumber(args, "u-threshold", MAX_THRESHOLD, 0);
  if (!uThreshold.ok) return uThreshold;
  const lThreshold = readNumber(args, "l-threshold", MAX_THRESHOLD, 0);
  if (!lThreshold.ok) return lThreshold;
  return ok({ weight: weight.value, uThreshold: uThreshold.value, lThreshold: lThreshold.value });
}

type TunFields = Pick<Dest, "tunType" | "tunPort" | "tunCsum">;

/** --tun-type and its options, checked like tunnel_opt_check in ipvsadm.c. */
function readTunnel(args: LineArgs, method: Dest["method"]): Res<TunFields> {
  const type = args.get("tun-type");
  const port = args.get("tun-port");
  const csum = args.get("csum");
  if (method !== "tun") return type || port || csum ? fail("tunnel options need -i (tunnelling)") : ok({});
  const tunType = (type?.value ?? "ipip") as TunType;
  if (!["ipip", "gue", "gre"].includes(tunType)) return fail(`unknown tunnel type \`${tunType}\`: expected ipip, gue or gre`);
  if (tunType === "ipip") return port || csum ? fail("--tun-port and the checksum options do not go with --tun-type ipip") : ok({ tunType });
  const tunCsum = (csum ? csum.opt.name.slice("tun-".length) : "nocsum") as CsumMode;
  if (tunType === "gre") {
    if (port) return fail("--tun-port goes only with --tun-type gue");
    return tunCsum === "remcsum" ? fail("--tun-remcsum does not go with --tun-type gre") : ok({ tunType, tunCsum });
  }
  if (!port) return fail("--tun-type gue needs --tun-port");
  const tunPort = parseIntIn(port.value!, 1, 65535);
  return tunPort === null ? fail(`invalid tunnel port \`${port.value}\`: expected 1 to 65535`) : ok({ tunType, tunPort, tunCsum });
}
