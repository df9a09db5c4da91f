/**
 * The lvsh abstract syntax tree. Every node carries its span. Values are
 * already converted (values.ts); addresses may still be shorthand (`.2`),
 * which only the model can resolve against the current VIP.
 */
import type { Span } from "./diagnostic.js";
import type { Family } from "./ip.js";

export type Proto = "tcp" | "udp" | "sctp";
export type Method = "dr" | "nat" | "tun";
export type TunType = "ipip" | "gue" | "gre";
export type CsumMode = "nocsum" | "csum" | "remcsum";
export type ArpVia = "arptables" | "sysctl";
export type CheckKind = "http" | "https" | "tcp" | "udp" | "smtp" | "ping" | "dns" | "misc" | "none";

/** A value with where it was written. */
export interface V<T> {
  readonly value: T;
  readonly span: Span;
}

export type AddrLit =
  | { readonly kind: "ip"; readonly family: Family; readonly addr: string; readonly span: Span }
  /** `.2` = the current VIP with its last octet replaced; `.1.2` its last two. */
  | { readonly kind: "short"; readonly octets: readonly number[]; readonly span: Span };

export type ServiceSpec =
  | { readonly kind: "fwmark"; readonly mark: number; readonly ipv6: boolean; readonly span: Span }
  | {
      readonly kind: "addr";
      readonly proto?: V<Proto>;
      /** Absent: the current VIP. */
      readonly addr?: AddrLit;
      readonly port: number;
      readonly span: Span;
    };

export interface ServiceOpts {
  scheduler?: V<string>;
  /** null: `persistent` without seconds (ipvsadm's 360). */
  persistent?: V<number | null>;
  /** The persistence netmask as a prefix length. */
  netmask?: V<number>;
  flags?: V<readonly string[]>;
  onePacket?: V<true>;
  pe?: V<string>;
}

export interface RsTarget {
  readonly addr: AddrLit;
  readonly port?: number;
  readonly span: Span;
}

export interface RsOpts {
  method?: V<Method>;
  tunType?: V<TunType>;
  tunPort?: V<number>;
  csum?: V<CsumMode>;
  weight?: V<number>;
  min?: V<number>;
  max?: V<number>;
}

export interface CheckOpts {
  /** Canonical status codes and ranges: `200`, `200-299,301`. */
  expect?: V<string>;
  /** Seconds between checks. */
  every?: V<number>;
  /** Seconds a check may take to connect. */
  timeout?: V<number>;
  retry?: V<number>;
  port?: V<number>;
  /** `check smtp`: the HELO name. */
  helo?: V<string>;
  /** `check dns`: the query type, upper case (A, AAAA, SOA ...). */
  queryType?: V<string>;
  /** `check misc`: the exit code sets the weight. */
  dynamic?: V<true>;
}

export type Transport =
  | { readonly kind: "ssh"; readonly user?: string; readonly host: string; readonly port?: number; readonly span: Span }
  | { readonly kind: "netns"; readonly name: string; readonly span: Span }
  | { readonly kind: "local"; readonly span: Span };

export type HostSubject =
  | { readonly kind: "director"; readonly span: Span }
  | { readonly kind: "addr"; readonly addr: AddrLit; readonly span: Span }
  | { readonly kind: "name"; readonly name: string; readonly span: Span };

interface Base {
  readonly span: Span;
}

export interface VipStmt extends Base {
  readonly kind: "vip";
  readonly addr: AddrLit;
  readonly prefix?: V<number>;
  readonly iface?: V<string>;
}
export interface ServiceStmt extends Base {
  readonly kind: "service";
  readonly spec: ServiceSpec;
  readonly opts: ServiceOpts;
}
export interface AddRsStmt extends Base {
  readonly kind: "add-rs";
  readonly targets: readonly RsTarget[];
  readonly opts: RsOpts;
}
export interface SetRsStmt extends Base {
  readonly kind: "set-rs";
  readonly targets: readonly RsTarget[];
  readonly opts: RsOpts;
}
export interface DelRsStmt extends Base {
  readonly kind: "del-rs";
  readonly targets: readonly RsTarget[];
}
export interface DrainRsStmt extends Base {
  readonly kind: "drain-rs";
  readonly targets: readonly RsTarget[];
  /** The service, when not the current one (`from SERVICE`). */
  readonly from?: ServiceSpec;
  /** Seconds to wait for the real servers to be idle (default 300). */
  readonly timeout?: V<number>;
  /** What then: delete (default) or keep at weight 0. */
  readonly then?: V<"del" | "keep">;
  /** At the timeout, delete anyway (cutting what is left). */
  readonly force?: V<true>;
}
export interface MaintenanceRsStmt extends Base {
  readonly kind: "maintenance-rs";
  readonly targets: readonly RsTarget[];
  readonly on: V<boolean>;
}
export interface DelServiceStmt extends Base {
  readonly kind: "del-service";
  readonly spec: ServiceSpec;
}
export interface DelVipStmt extends Base {
  readonly kind: "del-vip";
  readonly addr: AddrLit;
}
export interface UseServiceStmt extends Base {
  readonly kind: "use-service";
  readonly spec: ServiceSpec;
}
export interface UseVipStmt extends Base {
  readonly kind: "use-vip";
  readonly addr: AddrLit;
}
export interface ArpHideStmt extends Base {
  readonly kind: "arp-hide";
  readonly via?: V<ArpVia>;
  readonly dev?: V<string>;
}
/** `check ...`: on the current service, or with `rs ...` on those of its real servers. */
export interface CheckStmt extends Base {
  readonly kind: "check";
  readonly type: V<CheckKind>;
  /** The URL path of an http/https check, the name a dns check asks for, the command line of a misc check. */
  readonly path?: V<string>;
  readonly opts: CheckOpts;
  /** Empty: the service's check. */
  readonly targets: readonly RsTarget[];
}
export interface SorryStmt extends Base {
  readonly kind: "sorry";
  readonly target: RsTarget;
}
export interface QuorumStmt extends Base {
  readonly kind: "quorum";
  readonly value: V<number>;
}
export interface InhibitStmt extends Base {
  readonly kind: "inhibit";
}
export interface DirectorPairStmt extends Base {
  readonly kind: "director-pair";
  readonly addrs: readonly [AddrLit, AddrLit];
  readonly priority?: V<readonly [number, number]>;
  readonly vrid?: V<number>;
  readonly iface?: V<string>;
}
/** `engine keepalived [config PATH]` (keepalived runs the directors) or `engine lvsh` (the default). */
export interface EngineStmt extends Base {
  readonly kind: "engine";
  readonly engine: V<"keepalived" | "lvsh">;
  /** `config PATH`: where keepalived reads its configuration (absent: the default). */
  readonly path?: V<string>;
}
/** `sync daemon on IFACE [id N]`, or `sync daemon off` (no iface). */
export interface SyncStmt extends Base {
  readonly kind: "sync";
  /** Absent: `off`. */
  readonly iface?: V<string>;
  readonly id?: V<number>;
}
export interface HostStmt extends Base {
  readonly kind: "host";
  readonly subject: HostSubject;
  readonly transport: Transport;
}
export interface ClearStmt extends Base {
  readonly kind: "clear";
}
export interface ShowStmt extends Base {
  readonly kind: "show";
  readonly topic?: V<string>;
  readonly args: readonly V<string>[];
}
export interface DoctorStmt extends Base {
  readonly kind: "doctor";
  /** Check against the candidate, not the committed configuration. */
  readonly candidate?: V<true>;
  /** Only this VIP (a bare address). */
  readonly vip?: V<string>;
  /** Only this service. */
  readonly spec?: ServiceSpec;
  readonly json?: V<true>;
}
export interface WatchStmt extends Base {
  readonly kind: "watch";
  /** One service; none: every service. */
  readonly spec?: ServiceSpec;
  /** Seconds between samples. */
  readonly interval?: V<number>;
  readonly count?: V<number>;
  readonly json?: V<true>;
}
export interface CommitStmt extends Base {
  readonly kind: "commit";
  readonly check?: V<true>;
  /** Seconds; null: `confirmed` without a duration (10 minutes). */
  readonly confirmed?: V<number | null>;
  readonly comment?: V<string>;
  readonly force?: V<true>;
  /** `on director`: apply the director's part only (the boot restore: real servers keep theirs). */
  readonly directorOnly?: V<true>;
}
export interface ConfirmStmt extends Base {
  readonly kind: "confirm";
}
export interface RollbackStmt extends Base {
  readonly kind: "rollback";
  readonly revision?: V<number>;
}
export interface AbortStmt extends Base {
  readonly kind: "abort";
}
export interface SaveStmt extends Base {
  readonly kind: "save";
  readonly to?: V<string>;
  readonly format?: V<string>;
}
export interface LoadStmt extends Base {
  readonly kind: "load";
  readonly path: V<string>;
}
export interface HelpStmt extends Base {
  readonly kind: "help";
  readonly topic?: V<string>;
}

export type ConfigStatement =
  | VipStmt
  | ServiceStmt
  | AddRsStmt
  | SetRsStmt
  | DelRsStmt
  | DrainRsStmt
  | MaintenanceRsStmt
  | DelServiceStmt
  | DelVipStmt
  | UseServiceStmt
  | UseVipStmt
  | ArpHideStmt
  | CheckStmt
  | SorryStmt
  | QuorumStmt
  | InhibitStmt
  | DirectorPairStmt
  | EngineStmt
  | SyncStmt
  | HostStmt
  | ClearStmt;

export type SessionStatement =
  | ShowStmt
  | WatchStmt
  | DoctorStmt
  | CommitStmt
  | ConfirmStmt
  | RollbackStmt
  | AbortStmt
  | SaveStmt
  | LoadStmt
  | HelpStmt;

export type Statement = ConfigStatement | SessionStatement;

const sessionKinds: ReadonlySet<string> = new Set(["show", "watch", "doctor", "commit", "confirm", "rollback", "abort", "save", "load", "help"]);

export function isSessionStatement(s: Statement): s is SessionStatement {
  return sessionKinds.has(s.kind);
}
