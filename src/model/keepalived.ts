/**
 * A configuration -> keepalived.conf: a `virtual_server` block per service
 * with its `real_server`s, their checks, the sorry server, quorum and
 * inhibit_on_failure; with `director pair`, one file per director, each with
 * its `vrrp_instance`s. What keepalived defaults differently from lvsh (and
 * ipvsadm) is written out: lb_kind (keepalived: NAT), lb_algo, protocol
 * (keepalived: UDP), persistence_timeout only when persistent, and each
 * check's delay_loop (keepalived: 60 s), connect_timeout and retry.
 *
 * VRRP: VIPs whose pairs share a router id, an interface and a family are
 * one vrrp_instance (they fail over together); the director of the higher
 * priority is MASTER. `sync daemon on IFACE [id N]` is each director's
 * `lvs_sync_daemon IFACE INSTANCE [id N]` in global_defs, INSTANCE its first
 * vrrp_instance (keepalived runs the sync master on the instance's MASTER,
 * the backup on its BACKUP).
 */
import { serviceMethod } from "./validate-ha.js";
import type { Config, Dest, DirectorPair, HealthCheck, RealDef, ServiceDef, VipDef } from "./types.js";

/** A file: interop's Document (model renders, interop writes). */
export interface Document {
  /** The file name it is written under. */
  readonly name: string;
  readonly text: string;
  /** The host it is for, when it is for one. */
  readonly host?: string;
}

const I = "    ";

function quoteWord(w: string): string {
  return /^[^\s{}#!"]+$/.test(w) ? w : `"${w}"`;
}

function methodWords(d: Pick<Dest, "method" | "tunType" | "tunPort" | "tunCsum">): string {
  if (d.method !== "tun") return d.method.toUpperCase();
  const type = d.tunType ?? "ipip";
  if (type === "ipip") return "TUN type ipip";
  return ["TUN type", type, ...(type === "gue" ? [`port ${d.tunPort ?? 0}`] : []), d.tunCsum ?? "nocsum"].join(" ");
}

const checkerNames = { http: "HTTP_GET", https: "SSL_GET", tcp: "TCP_CHECK", udp: "UDP_CHECK", smtp: "SMTP_CHECK", ping: "PING_CHECK", dns: "DNS_CHECK", misc: "MISC_CHECK" } as const;

function checkBlock(c: HealthCheck, delayLoop: number | undefined): string[] {
  if (c.kind === "none") return [];
  const body: string[] = [];
  if (c.kind === "http" || c.kind === "https") {
    body.push("url {", `${I}path ${quoteWord(c.path)}`, ...(c.expect ? [`${I}status_code ${c.expect.replace(/,/g, " ")}`] : []), "}");
  }
  if (c.kind === "smtp" && c.helo !== null) body.push(`helo_name ${quoteWord(c.helo)}`);
  if (c.kind === "dns") {
    body.push(`type ${c.type}`);
    // keepalived's default name is the root
    if (c.name !== ".") body.push(`name ${c.name}`);
  }
  if (c.kind === "misc") {
    // keepalived splits the quoted command line into the program and its arguments
    body.push(`misc_path "${c.command}"`);
    if (c.timeout !== null) body.push(`misc_timeout ${c.timeout}`);
    if (c.dynamic) body.push("misc_dynamic");
  } else {
    if (c.port !== null) body.push(`connect_port ${c.port}`);
    body.push(`connect_timeout ${c.timeout}`);
  }
  body.push(`retry ${c.retry}`);
  if (c.every !== delayLoop) body.push(`delay_loop ${c.every}`);
  return [`${checkerNames[c.kind]} {`, ...body.map((l) => I + l), "}"];
}

function realServerBlock(r: RealDef, svc: ServiceDef, vsMethod: string, delayLoop: number | undefined): string[] {
  const port = svc.fwmark !== null && r.method !== "nat" ? 0 : r.port;
  const body = [`weight ${r.maintenance ? 0 : r.weight}`];
  const m = methodWords(r);
  if (m !== vsMethod || (r.method === "tun" && (r.tunType ?? "ipip") !== "ipip")) body.push(`lvs_method ${m}`);
  if (r.uThreshold) body.push(`uthreshold ${r.uThreshold}`);
  if (r.lThreshold) body.push(`lthreshold ${r.lThreshold}`);
  if (svc.inhibitOnFailure) body.push("inhibit_on_failure");
  const check = r.check ?? svc.check;
  if (check) body.push(...checkBlock(check, delayLoop));
  return [`real_server ${r.addr} ${port} {`, ...body.map((l) => I + l), "}"];
}

/** The delay_loop of the virtual server: its own check's, or its real servers' one interval. */
function serviceDelayLoop(svc: ServiceDef): number | undefined {
  const everies = new Set([...svc.reals.values()].flatMap((r) => {
    const c = r.check ?? svc.check;
    return c && c.kind !== "none" ? [c.every] : [];
  }));
  return everies.size === 1 ? [...everies][0] : undefined;
}

function virtualServerBlock(svc: ServiceDef): string[] {
  const head = svc.fwmark !== null ? `virtual_server fwmark ${svc.fwmark}` : `virtual_server ${svc.addr} ${svc.port}`;
  const vsMethod = serviceMethod(svc).toUpperCase();
  const body = [`lb_algo ${svc.scheduler}`, `lb_kind ${vsMethod}`];
  if (svc.fwmark === null) body.push(`protocol ${svc.proto!.toUpperCase()}`);
  else if (svc.family === 6) body.push("ip_family inet6");
  if (svc.persistence !== null) {
    body.push(`persistence_timeout ${svc.persistence}`);
    if (svc.netmask !== (svc.family === 4 ? 32 : 128)) body.push(`persistence_granularity ${svc.family === 4 ? prefixMask(svc.netmask) : svc.netmask}`);
  }
  if (svc.pe) body.push(`persistence_engine ${svc.pe}`);
  if (svc.onePacket) body.push("ops");
  body.push(...svc.flags);
  if (svc.quorum) body.push(`quorum ${svc.quorum.value}`);
  if (svc.sorry) body.push(`sorry_server ${svc.sorry.addr} ${svc.fwmark !== null && vsMethod !== "NAT" ? 0 : svc.sorry.port}`);
  const delayLoop = serviceDelayLoop(svc);
  if (delayLoop !== undefined) body.push(`delay_loop ${delayLoop}`);
  for (const r of svc.reals.values()) body.push(...realServerBlock(r, svc, vsMethod, delayLoop));
  return [`${head} {`, ...body.map((l) => I + l), "}"];
}

function prefixMask(prefix: number): string {
  const bytes = [0, 1, 2, 3].map((i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return (0xff << (8 - bits)) & 0xff;
  });
  return bytes.join(".");
}

interface Instance {
  readonly name: string;
  readonly pair: DirectorPair;
  readonly iface: string;
  readonly vips: VipDef[];
}

/** The VRRP instances: VIPs on one router id, interface and family together. */
function instances(config: Config): Instance[] {
  const out = new Map<string, Instance>();
  for (const v of config.vips.values()) {
    const p = v.pair;
    const iface = p?.iface ?? v.iface;
    if (!p || !iface) continue;
    const key = `${p.vrid} ${iface} ${v.family}`;
    const inst = out.get(key) ?? { name: `lvsh_${iface}_${p.vrid}${v.family === 6 ? "_v6" : ""}`, pair: p, iface, vips: [] };
    inst.vips.push(v);
    out.set(key, inst);
  }
  return [...out.values()];
}

/** The instance's family: its VIPs' (one family each, see instances()). */
const familyOf = (inst: Instance) => inst.vips[0]!.family;
const addrFamily = (a: string) => (a.includes(":") ? 6 : 4);

/**
 * The directors' own addresses, as unicast_src_ip and unicast_peer, when they
 * are of the instance's family (keepalived ignores a VIP of another family
 * than the instance's addresses): what the pair names, so that importing the
 * two files gives the pair back; otherwise keepalived's multicast.
 */
function unicastLines(inst: Instance, director: string): string[] {
  const peer = inst.pair.addrs.find((a) => a !== director);
  if (!peer || inst.pair.addrs.some((a) => addrFamily(a) !== familyOf(inst))) return [];
  return [`unicast_src_ip ${director}`, "unicast_peer {", `${I}${peer}`, "}"];
}

function vrrpBlock(inst: Instance, director: string): string[] {
  const i = inst.pair.addrs.indexOf(director);
  const mine = inst.pair.priorities[i]!;
  const other = inst.pair.priorities[1 - i]!;
  const body = [
    `state ${mine > other ? "MASTER" : "BACKUP"}`,
    `interface ${inst.iface}`,
    `virtual_router_id ${inst.pair.vrid}`,
    `priority ${mine}`,
    "advert_int 1",
    ...unicastLines(inst, director),
    "virtual_ipaddress {",
    ...inst.vips.map((v) => `${I}${v.addr}/${v.prefix} dev ${v.iface ?? inst.iface}`),
    "}",
  ];
  return [`vrrp_instance ${inst.name} {`, ...body.map((l) => I + l), "}"];
}

export interface KeepalivedExport {
  readonly docs: Document[];
  readonly notes: string[];
}

export function keepalivedDocs(config: Config, source: string): KeepalivedExport {
  const notes: string[] = [];
  const blocks = new Map<ServiceDef, string[]>();
  for (const svc of config.services.values()) {
    if (svc.reals.size === 0) notes.push(`${svc.key} has no real servers: keepalived ignores such a virtual_server, so it is left out`);
    else if ([...svc.reals.values()].every((r) => r.weight === 0)) {
      notes.push(`${svc.key}: every real server has weight 0; keepalived warns that its quorum exceeds their total weight`);
      blocks.set(svc, virtualServerBlock(svc));
    } else blocks.set(svc, virtualServerBlock(svc));
  }
  if ([...config.vips.values()].some((v) => v.arpHide)) {
    notes.push("the real servers' ARP hiding (`arp hide on rs`) is not keepalived's: keep it with lvsh (`lvsh save`), or export it with --format arptables or sh");
  }
  const forwarding = [...new Set([...config.services.values()].flatMap((s) => [...s.reals.values()].filter((r) => r.method === "nat").map((r) => (r.family === 4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding"))))];
  if (forwarding.length) notes.push(`nat real servers need ${forwarding.map((k) => `${k}=1`).join(" and ")} on the directors: keepalived does not set it`);
  const insts = instances(config);
  const unpaired = [...config.vips.values()].filter((v) => !v.pair);
  for (const v of unpaired) if (v.iface) notes.push(`keepalived does not bind ${v.addr} (it has no \`director pair\`): lvsh or the network configuration must`);
  // MISC_CHECK runs programs: keepalived warns unless script security is on, and then needs a script user
  const scripts = [...blocks.keys()].some((s) => s.check?.kind === "misc" || [...s.reals.values()].some((r) => r.check?.kind === "misc"));
  const scriptDefs = scripts ? [`${I}enable_script_security`, `${I}script_user root`] : [];
  if (scripts) notes.push("the misc checks' programs run as root with keepalived's script security on: each program and the directories above it must be writable by root only");
  const header = (who: string) => [`# keepalived.conf${who}, from ${source} (lvsh export --format keepalived)`, "# lb_kind, lb_algo, protocol and each check's timing are written out: keepalived's defaults differ from lvsh's", ""];
  const text = (lines: string[]) => lines.join("\n") + "\n";
  const vsLines = (svcs: Iterable<ServiceDef>) => [...svcs].flatMap((s) => [...(blocks.get(s) ?? []), ""]);
  const globalDefs = (extra: string[]) => (extra.length || scriptDefs.length ? ["global_defs {", ...extra, ...scriptDefs, "}", ""] : []);
  if (config.sync && !insts.length) notes.push("`sync daemon` needs a `director pair`: keepalived's lvs_sync_daemon follows a vrrp_instance, so it is left out");
  if (!insts.length) return { docs: [{ name: "keepalived.conf", text: text([...header(""), ...globalDefs([]), ...vsLines(blocks.keys())]) }], notes };
  const directors = [...new Set(insts.flatMap((i) => i.pair.addrs))];
  const docs = directors.map((d): Document => {
    const mine = insts.filter((i) => i.pair.addrs.includes(d));
    const vips = new Set([...mine.flatMap((i) => i.vips.map((v) => v.addr)), ...unpaired.map((v) => v.addr)]);
    const svcs = [...blocks.keys()].filter((s) => s.vip === null || !config.vips.has(s.vip) || vips.has(s.vip));
    const s = config.sync;
    const syncLine = s ? [`${I}lvs_sync_daemon ${s.iface} ${mine[0]!.name}${s.id ? ` id ${s.id}` : ""}`] : [];
    const lines = [...header(` of director ${d}`), ...globalDefs([`${I}router_id lvsh_${d.replace(/[.:]/g, "_")}`, ...syncLine]), ...mine.flatMap((i) => [...vrrpBlock(i, d), ""]), ...vsLines(svcs)];
    return { name: `keepalived-${d}.conf`, host: d, text: text(lines) };
  });
  return { docs, notes };
}
