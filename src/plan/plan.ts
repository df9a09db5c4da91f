/** Running state + desired state -> a plan: ordered steps with undos (a value). */
import type { Desired, State, TransportSpec } from "../model/index.js";
import { commandsFor } from "./commands.js";
import { diff, type DiffScope } from "./diff.js";
import { fingerprint } from "./fingerprint.js";
import { phaseOf, PHASES, stepAction } from "./phases.js";
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
  for (const h of [...desired.hosts.keys(), ...Object.keys(running.hosts)]) if (!hostOrder.has(h)) hostOrder.set(h, hostOrder.size);
  const blocks = new Map(PHASES.map((p) => [p.id, p.block]));

  const drafts: (Omit<Step, "id"> & { seq: number })[] = [];
  for (const c of changes) {
    const kind = (c.after ?? c.before)!.kind;
    for (const pair of commandsFor(c)) {
      const phase = phaseOf(kind, stepAction(c.action, pair.removing), c.host === scope.director);
      drafts.push({
        host: c.host,
        argv: pair.argv,
        undo: pair.undo,
        ...(pair.undoReason ? { undoReason: pair.undoReason } : {}),
        reason: c.reason,
        change: c.key,
        phase: phase.id,
        ...(c.span ? { span: c.span } : {}),
        seq: drafts.length,
      });
    }
  }
  drafts.sort(
    (a, b) =>
      blocks.get(a.phase)! - blocks.get(b.phase)! ||
      hostOrder.get(a.host)! - hostOrder.get(b.host)! ||
      a.phase - b.phase ||
      a.seq - b.seq,
  );
  const steps: Step[] = drafts.map(({ seq: _s, ...d }, i) => ({ id: i + 1, ...d }));

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
    fingerprint: fingerprint(running),
    summary: { add: count("create") + count("replace"), change: count("update"), destroy: count("delete") + count("replace") },
  };
}
