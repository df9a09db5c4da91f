/** Running state + desired state -> a plan: ordered steps with undos (a value). */
import { printDuration, type Span } from "../lang/index.js";
import { destKeyOf, elementKey, serviceKeyOf, type Desired, type ReadyDef, type State, type TransportSpec } from "../model/index.js";
import { commandsFor, drainCommands, readyCommand, readyWhat, type CommandPair } from "./commands.js";
import { diff, type DiffScope } from "./diff.js";
import { fingerprint } from "./fingerprint.js";
import { keepalivedCheck, keepalivedRealKey, keepalivedReals } from "./keepalived.js";
import { phaseOf, stepAction } from "./phases.js";
import type { Change, Element, Plan, Step } from "./types.js";

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

/** The sort key's fields: hosts (20 bits) and order of appearance (24 bits). */
const HOSTS = 2 ** 20;
const ORDER = 2 ** 24;

export function makePlan(running: State, desired: Desired, opts: PlanOptions = {}): Plan {
  const scope: DiffScope = { director: opts.director ?? "director", vips: managedVips(desired.state, opts.vips ?? []) };
  const changes = diff(running, desired.state, scope, desired.origins);
  const hostOrder = new Map<string, number>();
  const readyHosts = [...(desired.ready?.values() ?? [])].map((r) => r.check.host);
  for (const h of [...desired.hosts.keys(), ...Object.keys(desired.state.hosts), ...Object.keys(running.hosts), ...readyHosts]) {
    if (!hostOrder.has(h)) hostOrder.set(h, hostOrder.size);
  }

  type Draft = { -readonly [K in keyof Step]: Step[K] };
  const drafts: Draft[] = [];
  // sort keys packed in one number: block (2 bits), host (20), phase (5), order of appearance (24)
  const keys: number[] = [];
  // a drain's wait and what follows it go last, so that the rest of the plan runs around it:
  // the waits, then the drained real servers' deletes, then what those real servers' hosts tear down
  const late: { wait: Draft[]; after: Draft[] } = { wait: [], after: [] };
  const drainedHosts = new Set<string>();
  const draft = (c: Change, pair: CommandPair, kind: Element["kind"], extra?: Partial<Draft>, phase = phaseOf(kind, stepAction(c.action, pair.removing), c.host === scope.director)): Draft => {
    const d: Draft = { id: 0, host: c.host, argv: pair.argv, undo: pair.undo, reason: c.reason, change: c.key, phase: phase.id };
    if (extra) Object.assign(d, extra);
    if (pair.undoReason) d.undoReason = pair.undoReason;
    if (c.span) d.span = c.span;
    return d;
  };
  const place = (d: Draft, kind: Element["kind"] | "ready" | "keepalived-check", action: "remove" | "set", host: string, phase = phaseOf(kind, action, host === scope.director)) => {
    keys.push(((phase.block * HOSTS + hostOrder.get(host)!) * 32 + phase.id) * ORDER + drafts.length);
    drafts.push(d);
  };
  const keepalivedHosts = new Set<string>();
  const readyPlaced = new Set<string>();
  const placeReady = (ready: ReadyDef, change: string, span: Span | undefined) => {
    const r = ready.check;
    const d: Draft = {
      id: 0,
      host: r.host,
      argv: readyCommand(r),
      undo: [],
      reason: `check real server ${r.addr} ready for ${r.service} (${readyWhat(r)})`,
      change,
      phase: phaseOf("ready", "set", false).id,
      ready: r,
    };
    if (span) d.span = span;
    place(d, "ready", "set", r.host);
  };
  for (const c of changes) {
    const kind = (c.after ?? c.before)!.kind;
    const drain = kind === "dest" ? desired.drains?.get(c.key) : undefined;
    const drains = drain && (c.action === "delete" || (c.action === "update" && c.after?.kind === "dest" && c.after.value.weight === 0));
    if (drain && drains) {
      const d = drainCommands(c, drain.weight, drain.timeout, drain.force);
      const shown = `${drain.dest} of ${drain.service}`;
      if (d.weight0) place(draft(c, d.weight0, kind, { reason: `drain real server ${shown}: weight 0, no new connections` }), kind, "remove", c.host);
      else for (const pair of d.rest) place(draft(c, pair, kind), kind, "set", c.host);
      late.wait.push(draft(c, { argv: d.wait.argv, undo: [], removing: false }, kind, { reason: `wait until ${shown} has no active connection (at most ${printDuration(drain.timeout)}${drain.force ? ", then delete anyway" : ""})`, wait: d.wait.wait }));
      if (d.weight0) {
        for (const pair of d.rest) late.after.push(draft(c, pair, kind));
        drainedHosts.add(drain.rsHost);
      }
      continue;
    }
    for (const pair of commandsFor(c)) {
      const phase = phaseOf(kind, stepAction(c.action, pair.removing), c.host === scope.director);
      place(draft(c, pair, kind, undefined, phase), kind, phase.action, c.host, phase);
    }
    if (c.after?.kind === "keepalived") {
      const k = c.after.value;
      if (k.text !== null && k.text !== (c.before?.kind === "keepalived" ? c.before.value.text : null)) {
        // checked on its director before anything changes (keepalived -t needs that host's interfaces)
        const phase = phaseOf("keepalived-check", "set", true);
        place(draft(c, { argv: keepalivedCheck(k), undo: [], removing: false }, kind, { reason: `check the new ${k.path} with keepalived -t`, readOnly: true }, phase), "keepalived-check", "set", c.host, phase);
      }
      keepalivedHosts.add(c.host);
      // the real servers the new file adds (new to keepalived's configuration; on a first file, not in the
      // director's table): checked ready first. One that keepalived's check holds down stays out of it.
      const old = c.before?.kind === "keepalived" && c.before.value.text !== null ? keepalivedReals(c.before.value.text) : undefined;
      const table = old ? undefined : new Set((running.hosts[c.host]?.ipvs ?? []).flatMap((s) => s.dests.map((d) => elementKey.dest(scope.director, serviceKeyOf(s), destKeyOf(d)))));
      for (const [key, ready] of desired.ready ?? []) {
        const known = old ? old.has(keepalivedRealKey(ready.check.service, ready.check.addr)) : table!.has(key);
        if (known || readyPlaced.has(key)) continue;
        readyPlaced.add(key);
        placeReady(ready, key, c.span);
      }
    }
    // a real server the director is about to add: checked on its host once that host's own steps ran
    const ready = kind === "dest" && c.action === "create" && c.host === scope.director ? desired.ready?.get(c.key) : undefined;
    if (ready) placeReady(ready, c.key, c.span);
  }
  // (block, host, phase, order of appearance): a stable sort within a phase
  keys.sort((a, b) => a - b);
  const sorted = keys.map((k) => drafts[k % ORDER]!);
  // a drained real server's host unbinds the VIP and its ARP hiding only after the director deleted it;
  // with keepalived, every real server's only after keepalived took the file that drops it
  const tearsDown = (d: Draft) => d.phase >= 4 && d.phase <= 5 && (keepalivedHosts.size > 0 || drainedHosts.has(d.host));
  const teardown = drainedHosts.size || keepalivedHosts.size ? sorted.filter(tearsDown) : [];
  const ordered = teardown.length || late.wait.length || late.after.length ? [...sorted.filter((d) => !teardown.includes(d)), ...late.wait, ...late.after, ...teardown] : sorted;
  const steps: Step[] = ordered.map((d, i) => {
    d.id = i + 1;
    return d;
  });

  const hosts: Record<string, TransportSpec> = {};
  for (const s of steps) {
    if (hosts[s.host]) continue;
    const t = desired.hosts.get(s.host) ?? (s.ready ? desired.ready?.get(s.change)?.transport : undefined) ?? opts.hosts?.get(s.host);
    hosts[s.host] = t ?? (s.host === scope.director ? { kind: "local" } : { kind: "ssh", user: "root", host: s.host });
  }
  const counts = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const c of changes) counts[c.action]++;
  // the digest of the state read is taken when asked for (a commit with a person to answer): 10,000 real servers take a while
  let print: string | undefined;
  return {
    steps,
    changes,
    hosts,
    vips: [...scope.vips].sort(),
    get fingerprint() {
      return (print ??= fingerprint(running));
    },
    summary: { add: counts.create + counts.replace, change: counts.update, destroy: counts.delete + counts.replace },
  };
}
