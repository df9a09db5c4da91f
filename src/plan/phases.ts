/**
 * The order of steps (STYLE §4), as a table. Removals run first, in the
 * reverse of creation order; then creations:
 *
 *   - on a real server, ARP is hidden (sysctls, arptables) before its VIP is bound;
 *   - real servers are ready (VIP bound) before the director sends them traffic,
 *     and a real server the director is about to add is checked (its VIP, ARP
 *     hiding, something listening) once its own steps have run;
 *   - on the director: the service, then its real servers, then the VIP, so that
 *     the VIP never answers with nothing behind it.
 *
 * Steps sort by (block, host, phase, order of appearance): the blocks keep
 * each host's steps together where hosts do not depend on each other.
 */
import type { Action, Element } from "./types.js";

export interface Phase {
  readonly id: number;
  readonly block: number;
  readonly side: "director" | "real server";
  readonly action: "remove" | "set";
  /** `ready`: the check of a real server about to be added (a Step's `ready`); `keepalived-check`: keepalived -t of a new file. */
  readonly kind: Element["kind"] | "ready" | "keepalived-check";
  readonly why: string;
}

export const PHASES: readonly Phase[] = [
  {
    id: 0,
    block: 0,
    side: "director",
    action: "set",
    kind: "keepalived-check",
    why: "each director's new keepalived.conf is checked (keepalived -t, on that director) before anything changes",
  },
  {
    id: 0,
    block: 0,
    side: "director",
    action: "remove",
    kind: "keepalived",
    why: "keepalived stops where it is no longer wanted (its VIPs and table go with it) before the real servers behind it are taken apart",
  },
  { id: 1, block: 0, side: "director", action: "remove", kind: "addr", why: "clients stop reaching the VIP before anything behind it goes" },
  { id: 2, block: 0, side: "director", action: "remove", kind: "dest", why: "real servers leave the service before the service goes" },
  { id: 3, block: 0, side: "director", action: "remove", kind: "service", why: "the service goes once it is empty" },
  { id: 4, block: 1, side: "real server", action: "remove", kind: "addr", why: "a real server unbinds the VIP only once the director no longer sends to it" },
  { id: 5, block: 1, side: "real server", action: "remove", kind: "arp", why: "ARP hiding goes after the VIP it hid" },
  { id: 6, block: 1, side: "real server", action: "set", kind: "sysctl", why: "arp_ignore/arp_announce are set before the VIP is bound" },
  { id: 7, block: 1, side: "real server", action: "set", kind: "arp", why: "arptables hides the VIP before it is bound" },
  { id: 8, block: 1, side: "real server", action: "set", kind: "link", why: "tunl0 is up (tun real servers) before the VIP is bound on it" },
  { id: 9, block: 1, side: "real server", action: "set", kind: "addr", why: "the VIP is bound, hidden, before the director sends traffic" },
  { id: 10, block: 1, side: "real server", action: "set", kind: "ready", why: "a real server is checked ready (VIP bound, ARP hidden, listening) after its own steps, before the director adds it" },
  { id: 11, block: 2, side: "director", action: "set", kind: "sysctl", why: "forwarding is on before NAT real servers are added" },
  { id: 12, block: 2, side: "director", action: "set", kind: "service", why: "the service exists before its real servers" },
  { id: 13, block: 2, side: "director", action: "set", kind: "dest", why: "real servers are in place before the VIP answers" },
  { id: 14, block: 2, side: "director", action: "set", kind: "addr", why: "the VIP is bound last, with everything behind it ready" },
  {
    id: 15,
    block: 2,
    side: "director",
    action: "set",
    kind: "keepalived",
    why: "keepalived takes its new file (the directors' IPVS table, the pair's VIPs) once every real server is ready; a real server it drops unbinds its VIP after",
  },
];

/** The phase of a step that removes (`remove`) or creates/updates (`set`) an element on a host. */
export function phaseOf(kind: Phase["kind"], action: "remove" | "set", onDirector: boolean): Phase {
  // looked up, not searched: a plan of 10,000 steps asks twice a step
  const byKind = (phaseTable[kind] ??= [undefined, undefined, undefined, undefined]);
  const i = (action === "remove" ? 0 : 2) + (onDirector ? 0 : 1);
  let p = byKind[i];
  if (!p) {
    const side = onDirector ? "director" : "real server";
    // a kind that has no phase on this side (ipvs on a real server, arp on the director): use the other side's
    p = byKind[i] = PHASES.find((x) => x.kind === kind && x.action === action && x.side === side) ?? PHASES.find((x) => x.kind === kind && x.action === action)!;
  }
  return p;
}

/** phaseOf's answers by kind: remove on the director, remove on a real server, set on the director, set on a real server. */
const phaseTable: Partial<Record<Phase["kind"], (Phase | undefined)[]>> = {};

export function stepAction(action: Action, removing: boolean): "remove" | "set" {
  return action === "delete" || (action === "replace" && removing) ? "remove" : "set";
}
