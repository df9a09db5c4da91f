/**
 * Desired and running state share these types (STYLE §4): the compiler
 * produces a State from the candidate; the readers parse `ipvsadm -Sn`,
 * `arptables-save`, `ip -j addr` and sysctl into the same State.
 */
import type { CsumMode, Family, Method, Proto, Span, Transport, TunType, ArpVia } from "../lang/index.js";

/** A real server as IPVS holds it (ipvsadm calls it a destination). */
export interface Dest {
  readonly addr: string;
  readonly family: Family;
  readonly port: number;
  readonly method: Method;
  readonly weight: number;
  /** `max`, ipvsadm -x; 0 = no limit. */
  readonly uThreshold: number;
  /** `min`, ipvsadm -y; 0 = none. */
  readonly lThreshold: number;
  readonly tunType?: TunType;
  readonly tunPort?: number;
  readonly tunCsum?: CsumMode;
  /** Desired elements: the statement that asks for it (running elements have none). */
  readonly span?: Span;
}

/** A virtual service as IPVS holds it. */
export interface IpvsService {
  /** null for a fwmark service. */
  readonly proto: Proto | null;
  readonly addr: string | null;
  readonly port: number;
  readonly fwmark: number | null;
  readonly family: Family;
  readonly scheduler: string;
  /** Persistence timeout in seconds; null = not persistent. */
  readonly persistence: number | null;
  /** Persistence granularity as a prefix length (32/128 = per client). */
  readonly netmask: number;
  readonly flags: readonly string[];
  readonly onePacket: boolean;
  readonly pe: string | null;
  readonly dests: readonly Dest[];
  readonly span?: Span;
}

export interface ArpRule {
  readonly chain: "INPUT" | "OUTPUT";
  readonly target: "DROP" | "mangle";
  readonly src?: string;
  readonly dst?: string;
  readonly iface?: string;
  readonly mangleIpS?: string;
  readonly span?: Span;
}

export interface AddrEntry {
  readonly addr: string;
  readonly prefix: number;
  readonly dev: string;
  readonly span?: Span;
}

/**
 * keepalived on a director (`engine keepalived`): its configuration file
 * and whether keepalived runs with it.
 */
export interface KeepalivedState {
  readonly path: string;
  /** The file's text; null: there is no file. */
  readonly text: string | null;
  /** keepalived runs with this file (the pid file beside it, or systemd's unit for the default path). */
  readonly running: boolean;
  /**
   * Desired only: what the director shows once keepalived took the file --
   * its services in `ipvsadm -Sn` (`-t 192.0.2.10:80`), and the VIPs it
   * holds as the pair's MASTER.
   */
  readonly expect?: { readonly services: readonly string[]; readonly vips: readonly string[] };
  readonly span?: Span;
}

/** What lvsh manages on one host. */
export interface HostState {
  readonly ipvs: readonly IpvsService[];
  readonly arp: readonly ArpRule[];
  readonly addrs: readonly AddrEntry[];
  /** Only the sysctls lvsh touches; a key that is absent was not read. */
  readonly sysctls: Readonly<Record<string, string>>;
  /** Whether each link is up (running: every link read; desired: the links lvsh brings up, tunl0). */
  readonly links?: Readonly<Record<string, boolean>>;
  /** keepalived runs this director (`engine keepalived`): it, not lvsh, sets the IPVS table. */
  readonly keepalived?: KeepalivedState;
}

export interface State {
  readonly hosts: Readonly<Record<string, HostState>>;
}

export const emptyHost: HostState = Object.freeze({ ipvs: [], arp: [], addrs: [], sysctls: {} });

/* ---------------- the candidate configuration (what the language describes) ---------------- */

export interface ArpHideDef {
  readonly via: ArpVia;
  /** Where dr real servers bind the VIP (tun ones use tunl0 unless `dev` was given). */
  readonly dev: string;
  /** `dev` was written in the statement. */
  readonly devGiven?: boolean;
  readonly span: Span;
}

/*
 * keepalived metadata: health checks, sorry server, quorum, inhibit on
 * failure and the director pair (VRRP). They live in the configuration and
 * are printed back, but compile ignores them: they change nothing lvsh
 * applies; `lvsh export --format keepalived` writes them.
 */

/** A health check, its defaults resolved (lang's `limits`). */
export type HealthCheck =
  | {
      readonly kind: "http" | "https";
      readonly path: string;
      /** Canonical status codes (`200`, `200-299,301`); null: keepalived's 200-299. */
      readonly expect: string | null;
      readonly every: number;
      readonly timeout: number;
      readonly retry: number;
      /** null: the real server's port. */
      readonly port: number | null;
    }
  | { readonly kind: "tcp" | "udp" | "ping"; readonly every: number; readonly timeout: number; readonly retry: number; readonly port: number | null }
  | {
      readonly kind: "smtp";
      /** null: keepalived's own HELO name. */
      readonly helo: string | null;
      readonly every: number;
      readonly timeout: number;
      readonly retry: number;
      readonly port: number | null;
    }
  | {
      readonly kind: "dns";
      /** The name asked for (`.`: the root, keepalived's default). */
      readonly name: string;
      /** The query type, upper case (keepalived's default SOA). */
      readonly type: string;
      readonly every: number;
      readonly timeout: number;
      readonly retry: number;
      readonly port: number | null;
    }
  | {
      readonly kind: "misc";
      /** The command line keepalived runs (misc_path): exit 0 is healthy. */
      readonly command: string;
      /** Seconds the program may run; null: the check's interval (keepalived's default). */
      readonly timeout: number | null;
      /** The exit code sets the weight (misc_dynamic). */
      readonly dynamic: boolean;
      readonly every: number;
      readonly retry: number;
      /** A program checks no port. */
      readonly port: null;
    }
  /** No check (for real servers: not even the service's). */
  | { readonly kind: "none" };

export interface SorryServer {
  readonly addr: string;
  readonly family: Family;
  readonly port: number;
  readonly span: Span;
}

/** The two directors that share a VIP through VRRP. */
export interface DirectorPair {
  readonly addrs: readonly [string, string];
  readonly priorities: readonly [number, number];
  readonly vrid: number;
  /** null: the VIP's interface. */
  readonly iface: string | null;
  readonly span: Span;
}

export interface VipDef {
  readonly addr: string;
  readonly family: Family;
  readonly prefix: number;
  /** Bound on the director to this interface; null = lvsh does not bind it. */
  readonly iface: string | null;
  readonly arpHide: ArpHideDef | null;
  readonly pair?: DirectorPair;
  readonly span: Span;
}

export interface RealDef extends Dest {
  readonly key: string;
  /** In maintenance: weight 0 on the director, `weight` kept for when it ends. */
  readonly maintenance?: boolean;
  /** This real server's own check (absent: the service's). */
  readonly check?: HealthCheck;
  readonly span: Span;
}

export interface ServiceDef extends Omit<IpvsService, "dests" | "span"> {
  readonly key: string;
  /** The VIP this service belongs to (its address, or the current VIP of a fwmark service). */
  readonly vip: string | null;
  readonly reals: ReadonlyMap<string, RealDef>;
  /** The check of its real servers (absent: none). */
  readonly check?: HealthCheck;
  readonly sorry?: SorryServer;
  /** The total weight of healthy real servers it needs; absent: keepalived's 1. */
  readonly quorum?: { readonly value: number; readonly span: Span };
  readonly inhibitOnFailure?: boolean;
  readonly span: Span;
}

export type HostSubjectKey = { readonly kind: "director" } | { readonly kind: "addr"; readonly addr: string } | { readonly kind: "name"; readonly name: string };

/** How a host is reached, without source positions (plans and revisions carry it). */
export type TransportSpec =
  | { readonly kind: "ssh"; readonly user?: string; readonly host: string; readonly port?: number }
  | { readonly kind: "netns"; readonly name: string }
  | { readonly kind: "local" };

export interface HostDef {
  /** `director`, an address, or a name. */
  readonly key: string;
  readonly subject: HostSubjectKey;
  readonly transport: Transport;
  readonly span: Span;
}

/**
 * keepalived runs the directors (`engine keepalived [config PATH]`): a
 * commit writes each director's keepalived.conf there, checks it with
 * `keepalived -t`, installs it and reloads keepalived, which then owns the
 * director's IPVS table (and, with a `director pair`, the VIPs). Without a
 * pair, the one director is the `director` host.
 */
export interface EngineDef {
  readonly kind: "keepalived";
  /** Where keepalived reads its configuration on each director. */
  readonly path: string;
  readonly span: Span;
}

/** The default of `engine keepalived`'s `config PATH`. */
export const KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf";

/**
 * IPVS connection sync between the directors (`sync daemon on IFACE [id
 * N]`): keepalived's lvs_sync_daemon, so that established connections
 * survive a fail-over.
 */
export interface SyncDaemonDef {
  /** The interface the sync messages go out and come in on. */
  readonly iface: string;
  /** The sync id (ipvsadm --syncid, keepalived's `id`); 0: none given (keepalived's default, the VRRP router id). */
  readonly id: number;
  readonly span: Span;
}

export interface Config {
  readonly vips: ReadonlyMap<string, VipDef>;
  readonly services: ReadonlyMap<string, ServiceDef>;
  readonly hosts: ReadonlyMap<string, HostDef>;
  /** Absent: lvsh runs the director's IPVS table itself (ipvsadm). */
  readonly engine?: EngineDef;
  readonly sync?: SyncDaemonDef;
  /**
   * Real servers the next commit drains (`drain rs`), by `SERVICE rs DEST`:
   * how it takes them out. A commit's instruction, not state: not printed,
   * not kept in a revision.
   */
  readonly drains?: ReadonlyMap<string, DrainDef>;
}

/** How a real server is drained: weight 0, wait until it has no active connection, then delete or keep. */
export interface DrainDef {
  readonly service: string;
  readonly dest: string;
  /** The real server's address (its host, in compile). */
  readonly addr: string;
  /** Seconds to wait for it to be idle. */
  readonly timeout: number;
  readonly then: "del" | "keep";
  /** At the timeout: delete anyway, cutting what is left (else the commit fails and undoes). */
  readonly force: boolean;
  /** The weight it had before the drain (what an undo puts back). */
  readonly weight: number;
  readonly span: Span;
}

/** The key of a drain: the service and the real server. */
export const drainKey = (service: string, dest: string) => `${service} rs ${dest}`;

export function emptyConfig(): Config {
  return { vips: new Map(), services: new Map(), hosts: new Map() };
}

/** Where statements apply: the current VIP and service. */
export interface Context {
  readonly vip: string | null;
  readonly service: string | null;
}

export const emptyContext: Context = Object.freeze({ vip: null, service: null });

/**
 * What a commit checks on a real server it adds to a service, on that real
 * server's host, before the director sends it traffic (doctor's real-server
 * checks, for one real server): the VIP bound and hidden from ARP (dr, tun),
 * tunl0 up (tun), something listening on the port.
 */
export interface ReadyCheck {
  /** The real server's host: its address, or the name a `host` statement gave it. */
  readonly host: string;
  readonly addr: string;
  readonly port: number;
  readonly method: Method;
  readonly family: Family;
  /** The service, as `serviceKeyOf` says it (`tcp 192.0.2.10:80`, `fwmark 7`). */
  readonly service: string;
  /** The address a dr/tun real server must hold (the service's VIP); null: none known. */
  readonly vip: string | null;
  /** The protocol something must listen on; null: no listening check (fwmark and sctp services). */
  readonly listen: "tcp" | "udp" | null;
  /** How lvsh hides the VIP there (what a fix says); null: lvsh does not. */
  readonly hide: { readonly via: ArpVia; readonly devGiven: boolean } | null;
}
