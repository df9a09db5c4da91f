import type { Span } from "../lang/index.js";
import type { AddrEntry, ArpRule, Dest, IpvsService, KeepalivedState, ReadyCheck, TransportSpec } from "../model/index.js";

export type Action = "create" | "update" | "delete" | "replace";

export type Element =
  | { readonly kind: "service"; readonly value: Omit<IpvsService, "dests"> }
  | { readonly kind: "dest"; readonly service: Omit<IpvsService, "dests">; readonly value: Dest }
  | { readonly kind: "addr"; readonly value: AddrEntry }
  | { readonly kind: "arp"; readonly value: ArpRule }
  | { readonly kind: "sysctl"; readonly key: string; readonly value: string | null }
  /** A link's up state; null: the link was not there when read. */
  | { readonly kind: "link"; readonly name: string; readonly up: boolean | null }
  /** keepalived's file on a director, and whether keepalived runs with it. */
  | { readonly kind: "keepalived"; readonly value: KeepalivedState };

/** One difference between running and desired (Terraform's resource change). */
export interface Change {
  readonly key: string;
  readonly host: string;
  readonly action: Action;
  readonly before: Element | null;
  readonly after: Element | null;
  /** For display only. */
  readonly reason: string;
  readonly span?: Span;
}

/** One command on one host, with the command that undoes it. */
export interface Step {
  readonly id: number;
  readonly host: string;
  readonly argv: readonly string[];
  /** null when it cannot be undone; undoReason says why. */
  readonly undo: readonly string[] | null;
  readonly undoReason?: string;
  readonly reason: string;
  /** The key of the change this step belongs to. */
  readonly change: string;
  readonly phase: number;
  readonly span?: Span;
  /**
   * A drain's wait: the commit polls the director (`ipvsadm -Ln`) until
   * the real server has no active connection, showing progress; argv is
   * the same wait as a shell loop (dry runs, exports). Nothing to undo.
   */
  readonly wait?: DrainWait;
  /**
   * A real server's readiness check, on its host, before the director adds
   * it: the commit reads the host (addresses, ARP rules, sysctls, sockets)
   * and holds it against doctor's real-server checks; a failed check fails
   * the step (the commit undoes), unless `commit force` (a warning). argv
   * is the same check for a shell (dry runs, exports). Read-only: nothing
   * to undo.
   */
  readonly ready?: ReadyCheck;
  /** Changes nothing (keepalived -t of a new file): nothing to undo. */
  readonly readOnly?: boolean;
}

export interface DrainWait {
  /** `ipvsadm -Ln` arguments that list the service (`-t 192.0.2.10:80`). */
  readonly service: readonly string[];
  /** The real server as ipvsadm -Ln prints it (`192.0.2.2:80`, `[2001:db8::2]:80`). */
  readonly dest: string;
  readonly timeout: number;
  readonly force: boolean;
}

export interface Plan {
  readonly steps: readonly Step[];
  readonly changes: readonly Change[];
  /** Host name -> how it is reached, for every host a step runs on. */
  readonly hosts: Readonly<Record<string, TransportSpec>>;
  /** The addresses lvsh manages in this plan (its VIPs): what state comparisons look at. */
  readonly vips: readonly string[];
  /** Of the running state the plan was made from; commit refuses a plan whose running state moved. */
  readonly fingerprint: string;
  readonly summary: { readonly add: number; readonly change: number; readonly destroy: number };
}
