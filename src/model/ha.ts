/**
 * The keepalived metadata statements (`check`, `sorry server`, `quorum`,
 * `inhibit on failure`, `director pair`, `engine`, `sync daemon`): their definitions, with the
 * checks one statement can make, applied to the evaluator's configuration
 * (declaratively, like the other statements). Pure.
 */
import { unusableAddress } from "./checks.js";
import {
  error,
  limits,
  type AddrLit,
  type CheckStmt,
  type ConfigStatement,
  type Diagnostic,
  type DiagnosticCode,
  type DirectorPairStmt,
  type EngineStmt,
  type Family,
  type RsTarget,
  type Span,
  type SyncStmt,
} from "../lang/index.js";
import { KEEPALIVED_CONF, type DirectorPair, type EngineDef, type HealthCheck, type RealDef, type ServiceDef, type SyncDaemonDef, type VipDef } from "./types.js";

/** What of the evaluator these statements use. */
export interface Evaluating {
  readonly work: { readonly vips: Map<string, VipDef>; readonly services: Map<string, ServiceDef>; engine?: EngineDef; sync?: SyncDaemonDef };
  readonly ctx: { readonly vip: string | null };
  /** The context is not the one the script meant (a statement that chose it failed): say nothing of it. */
  readonly lost: boolean;
  readonly diags: Diagnostic[];
  err(code: DiagnosticCode, message: string, span: Span, hint?: string): void;
  resolve(a: AddrLit): { addr: string; family: Family } | undefined;
  currentService(span: Span): ServiceDef | undefined;
  target(t: RsTarget, svc: ServiceDef): { addr: string; family: Family; port: number; key: string } | undefined;
  withReals(svc: ServiceDef, f: (reals: Map<string, RealDef>) => void): void;
  existingReal(reals: ReadonlyMap<string, RealDef>, key: string, svc: ServiceDef, t: RsTarget): RealDef | undefined;
}

type Kw = Extract<ConfigStatement, { kind: "check" | "sorry" | "quorum" | "inhibit" | "director-pair" | "engine" | "sync" }>;

/** A check statement's check, lvsh's defaults filled in. */
export function healthCheckOf(s: CheckStmt): HealthCheck {
  const o = s.opts;
  const type = s.type.value;
  if (type === "none") return { kind: "none" };
  const every = o.every?.value ?? limits.checkEvery.default;
  const timeout = o.timeout?.value ?? limits.checkTimeout.default;
  const retry = o.retry?.value ?? limits.checkRetry.default;
  const port = o.port?.value ?? null;
  switch (type) {
    case "tcp":
    case "udp":
    case "ping":
      return { kind: type, every, timeout, retry, port };
    case "smtp":
      return { kind: type, helo: o.helo?.value ?? null, every, timeout, retry, port };
    case "dns":
      return { kind: type, name: s.path!.value, type: o.queryType?.value ?? "SOA", every, timeout, retry, port };
    case "misc":
      return { kind: type, command: s.path!.value, timeout: o.timeout?.value ?? null, dynamic: !!o.dynamic, every, retry, port: null };
    case "http":
    case "https":
      return { kind: type, path: s.path!.value, expect: o.expect?.value ?? null, every, timeout, retry, port };
  }
}

/** A check of a real server on port 0 (fwmark services) must say which port to check. */
export function checkPortProblem(check: HealthCheck, rsPort: number, span: Span, what: string): Diagnostic | undefined {
  if (check.kind === "none" || check.kind === "ping" || check.kind === "misc" || check.port !== null || rsPort !== 0) return undefined;
  return error("check-needs-port", `${what} is on port 0 (every port of a fwmark service): the check needs \`port N\``, span, { hint: "add e.g. `port 80`" });
}

export interface PairInput {
  readonly addrs: readonly [string, string];
  readonly vip: string;
}

/** A `director pair` statement's pair, with its problems. */
export function directorPairOf(s: DirectorPairStmt, p: PairInput): { pair?: DirectorPair; problems: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const [a, b] = p.addrs;
  if (a === b) problems.push(error("pair-same-address", `the two directors are both ${a}`, s.addrs[1].span, { hint: "name the two directors' own addresses" }));
  for (const [i, x] of [a, b].entries()) {
    if (x === p.vip) {
      problems.push(
        error("pair-is-vip", `${x} is the VIP itself: the pair names the directors' own addresses`, s.addrs[i]!.span, {
          hint: "the VIP moves between the two directors; each has an address of its own",
        }),
      );
    }
  }
  const priorities = s.priority?.value ?? limits.priority.default;
  if (priorities[0] === priorities[1]) {
    problems.push(error("pair-priority-tie", `both directors have priority ${priorities[0]}: VRRP needs one to be higher (MASTER)`, s.priority!.span));
  }
  if (problems.length) return { problems };
  const pair: DirectorPair = {
    addrs: [a, b],
    priorities: [priorities[0], priorities[1]],
    vrid: s.vrid?.value ?? limits.vrid.default,
    iface: s.iface?.value ?? null,
    span: s.span,
  };
  return { pair, problems };
}

function check(ev: Evaluating, s: CheckStmt): void {
  const svc = ev.currentService(s.span);
  if (!svc) return;
  const hc = healthCheckOf(s);
  if (s.targets.length === 0) {
    const p = svc.fwmark !== null ? checkPortProblem(hc, 0, s.span, `${svc.key}'s real servers`) : undefined;
    if (p) return void ev.diags.push(p);
    const { check: _old, ...rest } = svc;
    ev.work.services.set(svc.key, hc.kind === "none" ? rest : { ...svc, check: hc });
    return;
  }
  ev.withReals(svc, (reals) => {
    for (const t of s.targets) {
      const r = ev.target(t, svc);
      if (!r) continue;
      const prior = ev.existingReal(reals, r.key, svc, t);
      if (!prior) continue;
      const p = checkPortProblem(hc, prior.port, t.span, `real server ${prior.key}`);
      if (p) ev.diags.push(p);
      else reals.set(r.key, { ...prior, check: hc });
    }
  });
}

function sorry(ev: Evaluating, s: Extract<Kw, { kind: "sorry" }>): void {
  const svc = ev.currentService(s.span);
  const r = svc && ev.target(s.target, svc);
  if (!svc || !r) return;
  const span = s.target.span;
  if (r.family !== svc.family) return ev.err("family-mismatch", `the sorry server ${r.addr} is IPv${r.family} but ${svc.key} is IPv${svc.family}`, span);
  if (svc.addr === r.addr) return ev.err("rs-is-vip", `the sorry server ${r.addr} is the service's own address`, span);
  const bad = unusableAddress(r.addr, "a sorry server", span);
  if (bad) return void ev.diags.push(bad);
  ev.work.services.set(svc.key, { ...svc, sorry: { addr: r.addr, family: r.family, port: r.port, span: s.span } });
}

function directorPair(ev: Evaluating, s: DirectorPairStmt): void {
  if (ev.lost) return;
  const vip = ev.ctx.vip ? ev.work.vips.get(ev.ctx.vip) : undefined;
  if (!vip) return ev.err("no-vip", "`director pair` is for the current VIP, and there is none", s.span, "declare it first: `vip ADDR on IFACE`");
  const a = ev.resolve(s.addrs[0]);
  const b = ev.resolve(s.addrs[1]);
  if (!a || !b) return;
  const bad = [unusableAddress(a.addr, "a director", s.addrs[0].span), unusableAddress(b.addr, "a director", s.addrs[1].span)].filter((d) => d !== undefined);
  if (bad.length) return void ev.diags.push(...bad);
  const { pair, problems } = directorPairOf(s, { addrs: [a.addr, b.addr], vip: vip.addr });
  ev.diags.push(...problems);
  if (pair) ev.work.vips.set(vip.addr, { ...vip, pair });
}

/** `engine keepalived [config PATH]` / `engine lvsh`: the whole setting, as written (what it does not say is the default). */
function engine(ev: Evaluating, s: EngineStmt): void {
  if (s.engine.value === "lvsh") delete ev.work.engine;
  else ev.work.engine = { kind: "keepalived", path: s.path?.value ?? KEEPALIVED_CONF, span: s.span };
}

/** `sync daemon on IFACE [id N]` / `sync daemon off`: the whole setting, as written. What it needs is checked on the whole configuration (validate-ha). */
function sync(ev: Evaluating, s: SyncStmt): void {
  if (!s.iface) delete ev.work.sync;
  else ev.work.sync = { iface: s.iface.value, id: s.id?.value ?? 0, span: s.span };
}

/** Replaces the current service's definition by `f` of it. */
function updateService(ev: Evaluating, span: Span, f: (svc: ServiceDef) => ServiceDef): void {
  const svc = ev.currentService(span);
  if (svc) ev.work.services.set(svc.key, f(svc));
}

export function evaluateKeepalived(ev: Evaluating, s: Kw): void {
  switch (s.kind) {
    case "check":
      return check(ev, s);
    case "sorry":
      return sorry(ev, s);
    case "quorum":
      return updateService(ev, s.span, (svc) => ({ ...svc, quorum: { value: s.value.value, span: s.span } }));
    case "inhibit":
      return updateService(ev, s.span, (svc) => ({ ...svc, inhibitOnFailure: true }));
    case "director-pair":
      return directorPair(ev, s);
    case "engine":
      return engine(ev, s);
    case "sync":
      return sync(ev, s);
  }
}
