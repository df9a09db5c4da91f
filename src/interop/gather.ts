/**
 * What the importers gather from files or hosts, before it becomes a
 * configuration: the director's IPVS table and bound VIPs, the real
 * servers' ARP rules and addresses, the keepalived metadata by service and
 * real server, and notes on what could not be expressed (never dropped
 * silently).
 */
import type { Span } from "../lang/index.js";
import type { AddrEntry, ArpRule, HealthCheck, IpvsService, SorryServer } from "../model/index.js";

export interface Note {
  /** The file (or host) it is about. */
  readonly source: string;
  readonly line?: number;
  /** `lost`: lvsh cannot express it (a `# not imported:` comment); `info`: how a default was read. */
  readonly kind: "lost" | "info";
  readonly text: string;
}

export interface ServiceHa {
  check?: HealthCheck;
  sorry?: SorryServer;
  quorum?: { readonly value: number; readonly span: Span };
  inhibitOnFailure?: boolean;
}

export interface RsGathered {
  arp: ArpRule[];
  addrs: AddrEntry[];
  sysctls: Record<string, string>;
}

/** A keepalived `vrrp_instance`: its VIPs move between directors (never bound by lvsh). */
export interface VrrpGathered {
  readonly source: string;
  readonly line: number;
  readonly name: string;
  readonly state: string | undefined;
  readonly priority: number;
  readonly iface: string | undefined;
  readonly vrid: number | undefined;
  readonly vips: readonly { readonly addr: string; readonly prefix: number; readonly line: number }[];
  /** unicast_src_ip: this director's own address. */
  readonly self: string | undefined;
  /** unicast_peer: the other directors' addresses. */
  readonly peers: readonly string[];
}

export interface Gathered {
  readonly ipvs: IpvsService[];
  readonly directorAddrs: AddrEntry[];
  readonly rs: Map<string, RsGathered>;
  /** By service key. */
  readonly serviceHa: Map<string, ServiceHa>;
  /** By `SERVICE-KEY REAL-SERVER-KEY`. */
  readonly realChecks: Map<string, HealthCheck>;
  /** keepalived's VRRP instances, paired across files when the import finishes. */
  readonly vrrp: VrrpGathered[];
  /** keepalived's lvs_sync_daemon lines (one per director's file), resolved when the import finishes. */
  readonly sync: SyncGathered[];
  readonly notes: Note[];
}

/** An `lvs_sync_daemon IFACE ... [id N]` line of a keepalived.conf (id 0: none). */
export interface SyncGathered {
  readonly source: string;
  readonly line: number;
  readonly iface: string;
  readonly id: number;
  /** The line as written, for notes. */
  readonly text: string;
}

export function emptyGathered(): Gathered {
  return { ipvs: [], directorAddrs: [], rs: new Map(), serviceHa: new Map(), realChecks: new Map(), vrrp: [], sync: [], notes: [] };
}

export function rsEntry(g: Gathered, host: string): RsGathered {
  let e = g.rs.get(host);
  if (!e) {
    e = { arp: [], addrs: [], sysctls: {} };
    g.rs.set(host, e);
  }
  return e;
}

/** A span that points at a line of an imported file (for the model's definitions). */
export function lineSpan(file: string, line: number): Span {
  return { file, start: 0, end: 0, line, col: 1, endLine: line, endCol: 1 };
}

function where(n: Note): string {
  return n.line ? `${n.source}:${n.line}` : n.source;
}

/** As a warning: `keepalived.conf:12: not imported: ...`. */
export function describeNote(n: Note): string {
  return `${where(n)}: ${n.kind === "lost" ? "not imported: " : ""}${n.text}`;
}

/** As a comment of the imported script: `# not imported (keepalived.conf:12): ...`. */
export function noteComment(n: Note): string {
  return `# ${n.kind === "lost" ? "not imported" : "note"} (${where(n)}): ${n.text}`;
}
