/** Running state + desired state -> a plan: ordered steps with undos (a value). */
import type { Desired, State, TransportSpec } from "../model/index.js";
import { commandsFor } from "./commands.js";
import { diff, type DiffScope } from "./diff.js";
import { fingerprint } from "./fingerprint.js";
import { phaseOf, stepAction } from "./phases.js";
import type { Plan, Step } from "./types.js";

export interface PlanOptions {
  /** The director's host name (default `director`). */
  readonly director?: string;
  /** More addresses lvsh manages besides the desired VIPs (the running configuration's). */
  readonly vips?: Iterable<string>;
  /** How to reach hosts that only the running state has. */
  readonly hosts?: ReadonlyMap<string, TransportSpec>;
}

function managedVips(desired: State, extra: Iterable<string>): Set<string> {
  const out = new Set(extra);
  for (const h of Object.values(desired.hosts)) {
    for (const a of h.addrs) out.add(a.addr);
    for (const r of h.arp) if (r.dst) out.add(r.dst);
  }
  return out;
}

export function makePlan(running: State, desired: Desired, opts: PlanOptions = {}): Plan {
  const scope: DiffScope = { director: opts.director ?? "director", vips: managedVips(desired.state, opts.vips ?? []) };
  const changes = diff(running, desired.state, scope, desired.origins);
  const hostOrder = new Map<string, number>();
  for (const h of [...desired.hosts.keys(), ...Object.keys(desired.state.hosts), ...Object.keys(running.hosts)]) {
    if (!hostOrder.has(h)) hostOrder.set(h, hostOrder.size);
  }

  type Draft = { -readonly [K in keyof Step]: Step[K] };
  const drafts: Draft[] = [];
  // sort keys packed in one number: block (2 bits), host (20), phase (5), order of appearance (24)
  const keys: number[] = [];
  for (const c of changes) {
    const kind = (c.after ?? c.before)!.kind;
    const hostIdx = hostOrder.get(c.host)!;
    for (const pair of commandsFor(c)) {
      const phase = phaseOf(kind, stepAction(c.action, pair.removing), c.host === scope.director);
      keys.push(((phase.block * 2 ** 20 + hostIdx) * 32 + phase.id) * 2 ** 24 + drafts.length);
      const d: Draft = { id: 0, host: c.host, argv: pair.argv, undo: pair.undo, reason: c.reason, change: c.key, phase: phase.id };
      if (pair.undoReason) d.undoReason = pair.undoReason;
      if (c.span) d.span = c.span;
      drafts.push(d);
    }
  }
  // (block, host, phase, order of appearance): a stable sort within a phase
  keys.sort((a, b) => a - b);
  const steps: Step[] = keys.map((k, i) => {
    const d = drafts[k % 2 ** 24]!;
    d.id = i + 1;
    return d;
  });

  const hosts: Record<string, TransportSpec> = {};
  for (const s of steps) {
    if (hosts[s.host]) continue;
    const t = desired.hosts.get(s.host) ?? opts.hosts?.get(s.host);
    hosts[s.host] = t ?? (s.host === scope.director ? { kind: "local" } : { kind: "ssh", user: "root", host: s.host });
  }
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  return {
    steps,
    changes,
    hosts,
    vips: [...scope.vips].sort(),
    fingerprint: fingerprint(running),
    summary: { add: count("create") + count("replace"), change: count("update"), destroy: count("delete") + count("replace") },
  };
}
