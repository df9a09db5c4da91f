/**
 * Statements -> candidate configuration. Pure: takes a configuration and a
 * context, returns new ones with the diagnostics. `vip`, `service`,
 * `add rs`, `arp hide` and `host` are declarative (`engine` and `sync
 * daemon` state their whole setting): each makes its object
 * exist with the options given and ipvsadm's defaults for the rest, so
 * evaluating a script twice gives the same configuration.
 */
import {
  error,
  maxPrefix,
  printAddr,
  printServiceSpec,
  warning,
  type AddrLit,
  type ConfigStatement,
  type Diagnostic,
  type DiagnosticCode,
  type Family,
  type RsOpts,
  type RsTarget,
  type ServiceSpec,
  type ServiceStmt,
  type Span,
} from "../lang/index.js";
import { checkDest, checkService, unusableAddress } from "./checks.js";
import { evaluateKeepalived } from "./ha.js";
import { destKeyOf, serviceKeyOf } from "./keys.js";
import { drainKey, type Config, type Context, type DrainDef, type EngineDef, type HostDef, type RealDef, type ServiceDef, type SyncDaemonDef, type VipDef } from "./types.js";

interface Work {
  vips: Map<string, VipDef>;
  services: Map<string, ServiceDef>;
  hosts: Map<string, HostDef>;
  engine?: EngineDef;
  sync?: SyncDaemonDef;
  drains?: Map<string, DrainDef>;
}

export interface EvalResult {
  readonly config: Config;
  readonly context: Context;
  readonly diagnostics: Diagnostic[];
}

const DEFAULT_SCHEDULER = "wlc";
const DEFAULT_PERSISTENCE = 360;

class Evaluator {
  readonly diags: Diagnostic[] = [];
  /**
   * The current VIP or service is not the one the script meant: a statement
   * that would have chosen it failed. What depends on the context is then
   * skipped without a word (its complaints would be consequences of that
   * error), until a statement chooses the context again.
   */
  lost = false;
  /** Services whose reals map this evaluation has copied already (copy on first write). */
  private readonly ownReals = new Set<string>();
  constructor(
    public work: Work,
    public ctx: { vip: string | null; service: string | null },
  ) {}

  err(code: DiagnosticCode, message: string, span: Span, hint?: string): void {
    this.diags.push(error(code, message, span, hint ? { hint } : {}));
  }

  /** `.2` against the current VIP; a full address as is. */
  resolve(a: AddrLit): { addr: string; family: Family } | undefined {
    if (a.kind === "ip") return a;
    if (this.lost) return undefined;
    const vip = this.ctx.vip;
    if (!vip) {
      this.err("no-vip", `\`${printAddr(a)}\` is shorthand for an address in the current VIP's network, but there is no current VIP`, a.span, "declare one first: `vip ADDR`");
      return undefined;
    }
    if (vip.includes(":")) {
      this.err("shorthand-ipv6", `\`${printAddr(a)}\` shorthand works only with an IPv4 VIP; the current VIP is ${vip}`, a.span, "write the full IPv6 address");
      return undefined;
    }
    const parts = vip.split(".").map(Number);
    parts.splice(4 - a.octets.length, a.octets.length, ...a.octets);
    return { addr: parts.join("."), family: 4 };
  }

  /** The key of a service named by a spec (for service, del service, use service). */
  specKey(spec: ServiceSpec): { key: string; proto: ServiceDef["proto"]; addr: string | null; port: number; fwmark: number | null; family: Family } | undefined {
    if (spec.kind === "fwmark") {
      const family: Family = spec.ipv6 ? 6 : 4;
      return { key: serviceKeyOf({ proto: null, addr: null, port: 0, fwmark: spec.mark, family }), proto: null, addr: null, port: 0, fwmark: spec.mark, family };
    }
    let addr: { addr: string; family: Family } | undefined;
    if (spec.addr) addr = this.resolve(spec.addr);
    else if (this.lost) return undefined;
    else if (this.ctx.vip) addr = { addr: this.ctx.vip, family: this.ctx.vip.includes(":") ? 6 : 4 };
    else {
      this.err("no-vip", `\`${printServiceSpec(spec)}\` has no address and there is no current VIP`, spec.span, `declare one first (\`vip ADDR\`) or write ADDR:${spec.port}`);
      return undefined;
    }
    if (!addr) return undefined;
    const bad = spec.addr && unusableAddress(addr.addr, "a service address", spec.addr.span);
    if (bad) return void this.diags.push(bad);
    const proto = spec.proto?.value ?? "tcp";
    const s = { proto, addr: addr.addr, port: spec.port, fwmark: null, family: addr.family };
    return { key: serviceKeyOf(s), ...s };
  }

  vip(s: ConfigStatement & { kind: "vip" }): void {
    const r = this.resolve(s.addr);
    if (!r) return void (this.lost = true);
    const bad = unusableAddress(r.addr, "a VIP", s.addr.span);
    if (bad) return void (this.diags.push(bad), (this.lost = true));
    if (s.prefix && s.prefix.value > maxPrefix(r.family)) {
      this.lost = true;
      return this.err("invalid-prefix", `an IPv${r.family} prefix is at most ${maxPrefix(r.family)}`, s.prefix.span);
    }
    // an existing VIP keeps what the statement does not say (`vip ADDR` alone selects it)
    const prior = this.work.vips.get(r.addr);
    this.work.vips.set(r.addr, {
      addr: r.addr,
      family: r.family,
      prefix: s.prefix?.value ?? prior?.prefix ?? maxPrefix(r.family),
      iface: s.iface?.value ?? prior?.iface ?? null,
      arpHide: prior?.arpHide ?? null,
      ...(prior?.pair ? { pair: prior.pair } : {}),
      span: s.span,
    });
    if (this.ctx.vip !== r.addr) this.ctx.service = null;
    this.ctx.vip = r.addr;
    this.lost = false;
  }

  service(s: ServiceStmt): void {
    const k = this.specKey(s.spec);
    if (!k) return void (this.lost = true);
    const o = s.opts;
    // an existing service keeps what the statement does not say (`service :80` alone selects it);
    // a new one gets ipvsadm's defaults; `persistent 0` ends persistence
    const prior = this.work.services.get(k.key);
    const persistence = o.persistent ? (o.persistent.value === 0 ? null : (o.persistent.value ?? DEFAULT_PERSISTENCE)) : (prior?.persistence ?? null);
    const def: ServiceDef = {
      key: k.key,
      proto: k.proto,
      addr: k.addr,
      port: k.port,
      fwmark: k.fwmark,
      family: k.family,
      scheduler: o.scheduler?.value ?? prior?.scheduler ?? DEFAULT_SCHEDULER,
      persistence,
      netmask: o.netmask?.value ?? prior?.netmask ?? maxPrefix(k.family),
      flags: o.flags?.value ?? prior?.flags ?? [],
      onePacket: o.onePacket ? true : (prior?.onePacket ?? false),
      pe: o.pe?.value ?? prior?.pe ?? null,
      vip: k.addr ?? this.ctx.vip,
      reals: this.work.services.get(k.key)?.reals ?? new Map(),
      ...keepalivedFields(this.work.services.get(k.key)),
      span: s.span,
    };
    if (!this.work.services.has(k.key)) this.ownReals.add(k.key);
    const problems = checkService(def, s);
    this.diags.push(...problems);
    if (problems.some((d) => d.severity === "error")) return void (this.lost = true);
    this.work.services.set(k.key, def);
    this.ctx.service = k.key;
    if (k.addr) this.ctx.vip = k.addr;
    // a fwmark service keeps the current VIP as it is, known or not
    if (k.addr) this.lost = false;
  }

  currentService(span: Span): ServiceDef | undefined {
    if (this.lost) return undefined;
    const key = this.ctx.service;
    const svc = key ? this.work.services.get(key) : undefined;
    if (!svc) this.err("no-service", "there is no current service for these real servers", span, "declare one first: `service :PORT SCHEDULER`, or `use service SPEC`");
    return svc;
  }

  target(t: RsTarget, svc: ServiceDef): { addr: string; family: Family; port: number; key: string } | undefined {
    const r = this.resolve(t.addr);
    if (!r) return undefined;
    const port = t.port ?? (svc.fwmark !== null ? 0 : svc.port);
    return { addr: r.addr, family: r.family, port, key: destKeyOf({ addr: r.addr, port }) };
  }

  /** `at`: the target, when the caller has it already. */
  buildDest(t: RsTarget, base: Omit<RealDef, "key" | "span"> | undefined, opts: RsOpts, svc: ServiceDef, span: Span, at = this.target(t, svc)): RealDef | undefined {
    const r = at;
    if (!r) return undefined;
    const method = opts.method?.value ?? base?.method ?? "dr";
    // assigned, not spread from empty objects: 10,000 real servers come through here
    const def = {
      key: r.key,
      addr: r.addr,
      family: r.family,
      port: r.port,
      method,
      weight: opts.weight?.value ?? base?.weight ?? 1,
      uThreshold: opts.max?.value ?? base?.uThreshold ?? 0,
      lThreshold: opts.min?.value ?? base?.lThreshold ?? 0,
    } as { -readonly [K in keyof RealDef]: RealDef[K] };
    if (method === "tun") Object.assign(def, tunFields(opts, base));
    if (base?.check) def.check = base.check;
    def.span = span;
    const problems = checkDest(def, svc, t, opts);
    if (problems.length === 0) return def;
    this.diags.push(...problems);
    return problems.some((d) => d.severity === "error") ? undefined : def;
  }

  withReals(svc: ServiceDef, f: (reals: Map<string, RealDef>) => void): void {
    if (this.ownReals.has(svc.key)) return f(svc.reals as Map<string, RealDef>);
    const reals = new Map(svc.reals);
    f(reals);
    this.work.services.set(svc.key, { ...svc, reals });
    this.ownReals.add(svc.key);
  }

  addRs(s: ConfigStatement & { kind: "add-rs" }): void {
    const svc = this.currentService(s.span);
    if (!svc) return;
    this.withReals(svc, (reals) => {
      for (const t of s.targets) {
        // an existing real server keeps what the statement does not say
        const known = this.target(t, svc);
        if (!known) continue;
        const d = this.buildDest(t, reals.get(known.key), s.opts, svc, s.span, known);
        // its check is set by `check ... rs`, not by `add rs`: re-adding keeps it
        const check = d && reals.get(d.key)?.check;
        if (d) reals.set(d.key, check ? { ...d, check } : d);
      }
    });
  }

  /** A real server a statement names that must exist (`set rs`, `check ... rs`): said when it does not. */
  existingReal(reals: ReadonlyMap<string, RealDef>, key: string, svc: ServiceDef, t: RsTarget): RealDef | undefined {
    const prior = reals.get(key);
    if (!prior) this.err("unknown-rs", `${key} is not a real server of ${svc.key}`, t.span, `add it first with \`add rs ${printAddr(t.addr)}\``);
    return prior;
  }

  /** For each named real server of the service that exists (the others said): f, with the service's own copy of its reals. */
  eachExisting(svc: ServiceDef, targets: readonly RsTarget[], f: (reals: Map<string, RealDef>, t: RsTarget, prior: RealDef) => void): void {
    this.withReals(svc, (reals) => {
      for (const t of targets) {
        const r = this.target(t, svc);
        const prior = r && this.existingReal(reals, r.key, svc, t);
        if (prior) f(reals, t, prior);
      }
    });
  }

  setRs(s: ConfigStatement & { kind: "set-rs" }): void {
    const svc = this.currentService(s.span);
    if (!svc) return;
    this.eachExisting(svc, s.targets, (reals, t, prior) => {
      const d = this.buildDest(t, prior, s.opts, svc, s.span);
      if (d) reals.set(d.key, d);
    });
  }

  delRs(s: ConfigStatement & { kind: "del-rs" }): void {
    const svc = this.currentService(s.span);
    if (!svc) return;
    this.withReals(svc, (reals) => {
      for (const t of s.targets) {
        const r = this.target(t, svc);
        if (r && !reals.delete(r.key)) {
          this.diags.push(warning("not-found", `${r.key} is not a real server of ${svc.key}: nothing to delete`, t.span));
        }
      }
    });
  }

  /** `maintenance rs ... on|off`: weight 0 on the director while on; the configured weight is kept. */
  maintenanceRs(s: ConfigStatement & { kind: "maintenance-rs" }): void {
    const svc = this.currentService(s.span);
    if (!svc) return;
    this.eachExisting(svc, s.targets, (reals, _t, prior) => {
      const { maintenance: _m, ...rest } = prior;
      reals.set(prior.key, s.on.value ? { ...rest, maintenance: true } : rest);
    });
  }

  /** `drain rs`: the real servers go (or stay at weight 0) once idle; the commit waits for that. */
  drainRs(s: ConfigStatement & { kind: "drain-rs" }): void {
    let svc: ServiceDef | undefined;
    if (s.from) {
      const k = this.specKey(s.from);
      if (!k) return;
      svc = this.work.services.get(k.key);
      if (!svc) return this.err("unknown-service", `there is no service ${k.key}`, s.from.span, "`show services` lists them");
    } else svc = this.currentService(s.span);
    if (!svc) return;
    const then = s.then?.value ?? "del";
    const drains = (this.work.drains = new Map(this.work.drains ?? []));
    this.eachExisting(svc, s.targets, (reals, _t, prior) => {
      const key = drainKey(svc.key, prior.key);
      // drained twice before a commit: the first weight is the one to restore
      const weight = drains.get(key)?.weight ?? prior.weight;
      drains.set(key, { service: svc.key, dest: prior.key, addr: prior.addr, timeout: s.timeout?.value ?? 300, then, force: !!s.force, weight, span: s.span });
      if (then === "del") reals.delete(prior.key);
      else reals.set(prior.key, { ...prior, weight: 0, span: s.span });
    });
  }

  delService(s: ConfigStatement & { kind: "del-service" }): void {
    const k = this.specKey(s.spec);
    if (!k) return;
    if (!this.work.services.delete(k.key)) {
      this.diags.push(warning("not-found", `there is no service ${k.key}: nothing to delete`, s.spec.span));
    }
    if (this.ctx.service === k.key) this.ctx.service = null;
  }

  delVip(s: ConfigStatement & { kind: "del-vip" }): void {
    const r = this.resolve(s.addr);
    if (!r) return;
    if (!this.work.vips.delete(r.addr)) {
      this.diags.push(warning("not-found", `there is no VIP ${r.addr}: nothing to delete`, s.addr.span));
    }
    for (const [key, svc] of this.work.services) if (svc.vip === r.addr) this.work.services.delete(key);
    if (this.ctx.vip === r.addr) this.ctx = { vip: null, service: null };
    else if (this.ctx.service && !this.work.services.has(this.ctx.service)) this.ctx.service = null;
  }

  useService(s: ConfigStatement & { kind: "use-service" }): void {
    const k = this.specKey(s.spec);
    if (!k) return void (this.lost = true);
    const svc = this.work.services.get(k.key);
    if (!svc) {
      this.lost = true;
      return this.err("unknown-service", `there is no service ${k.key}`, s.spec.span, `declare it with \`service ${printServiceSpec(s.spec)}\``);
    }
    this.ctx.service = k.key;
    if (svc.vip) this.ctx.vip = svc.vip;
    if (svc.vip || k.addr) this.lost = false;
  }

  useVip(s: ConfigStatement & { kind: "use-vip" }): void {
    const r = this.resolve(s.addr);
    if (!r) return void (this.lost = true);
    if (!this.work.vips.has(r.addr)) {
      this.lost = true;
      return this.err("unknown-vip", `there is no VIP ${r.addr}`, s.addr.span, `declare it with \`vip ${r.addr}\``);
    }
    this.ctx = { vip: r.addr, service: null };
    this.lost = false;
  }

  arpHide(s: ConfigStatement & { kind: "arp-hide" }): void {
    if (this.lost) return;
    const vip = this.ctx.vip ? this.work.vips.get(this.ctx.vip) : undefined;
    if (!vip) {
      return this.err("no-vip", this.ctx.vip ? `${this.ctx.vip} is not declared as a VIP` : "there is no current VIP to hide", s.span, "declare it first: `vip ADDR [on IFACE]`");
    }
    // IPv6 has no ARP: neighbour discovery answers only for the interface that holds an address,
    // so the VIP on the real servers' lo is hidden; `arp hide on rs` alone binds it there
    if (vip.family === 6 && (s.via?.value === "arptables" || (s.dev && s.dev.value !== "lo"))) {
      const what = s.via?.value === "arptables" ? s.via.span : s.dev!.span;
      return this.err("arp-hide-ipv6", `${vip.addr} is an IPv6 VIP: there is no ARP to hide it from, only the interface it is on`, what, "write `arp hide on rs` alone: it binds the VIP on the real servers' lo, where neighbour discovery does not answer for it");
    }
    const via = s.via?.value ?? (vip.family === 6 ? "sysctl" : "arptables");
    const dev = s.dev?.value ?? (via === "sysctl" ? "lo" : "eth0");
    this.work.vips.set(vip.addr, { ...vip, arpHide: { via, dev, ...(s.dev ? { devGiven: true } : {}), span: s.span } });
  }

  host(s: ConfigStatement & { kind: "host" }): void {
    let def: HostDef | undefined;
    const subj = s.subject;
    if (subj.kind === "director") def = { key: "director", subject: { kind: "director" }, transport: s.transport, span: s.span };
    else if (subj.kind === "name") def = { key: subj.name, subject: { kind: "name", name: subj.name }, transport: s.transport, span: s.span };
    else {
      const r = this.resolve(subj.addr);
      if (r) def = { key: r.addr, subject: { kind: "addr", addr: r.addr }, transport: s.transport, span: s.span };
    }
    if (def) this.work.hosts.set(def.key, def);
  }

  run(s: ConfigStatement): void {
    switch (s.kind) {
      case "vip":
        return this.vip(s);
      case "service":
        return this.service(s);
      case "add-rs":
        return this.addRs(s);
      case "set-rs":
        return this.setRs(s);
      case "del-rs":
        return this.delRs(s);
      case "drain-rs":
        return this.drainRs(s);
      case "maintenance-rs":
        return this.maintenanceRs(s);
      case "del-service":
        return this.delService(s);
      case "del-vip":
        return this.delVip(s);
      case "use-service":
        return this.useService(s);
      case "use-vip":
        return this.useVip(s);
      case "arp-hide":
        return this.arpHide(s);
      case "check":
      case "sorry":
      case "quorum":
      case "inhibit":
      case "director-pair":
      case "engine":
      case "sync":
        return evaluateKeepalived(this, s);
      case "host":
        return this.host(s);
      case "clear":
        this.lost = false;
        this.ownReals.clear();
        this.work = { vips: new Map(), services: new Map(), hosts: new Map(), ...(this.work.drains ? { drains: this.work.drains } : {}) };
        this.ctx = { vip: null, service: null };
        return;
    }
  }
}

/** What a service keeps when it is declared again: its keepalived metadata, like its real servers. */
function keepalivedFields(prior: ServiceDef | undefined): Partial<Pick<ServiceDef, "check" | "sorry" | "quorum" | "inhibitOnFailure">> {
  if (!prior) return {};
  const { check, sorry, quorum, inhibitOnFailure } = prior;
  return { ...(check ? { check } : {}), ...(sorry ? { sorry } : {}), ...(quorum ? { quorum } : {}), ...(inhibitOnFailure ? { inhibitOnFailure } : {}) };
}

function tunFields(opts: RsOpts, base: Omit<RealDef, "key" | "span"> | undefined): Pick<RealDef, "tunType" | "tunPort" | "tunCsum"> {
  const tunType = opts.tunType?.value ?? base?.tunType ?? "ipip";
  const changedType = opts.tunType && base?.tunType !== opts.tunType.value;
  const tunPort = opts.tunPort?.value ?? (changedType ? undefined : base?.tunPort);
  const tunCsum = opts.csum?.value ?? (changedType ? undefined : base?.tunCsum);
  return {
    tunType,
    ...(tunPort !== undefined ? { tunPort } : {}),
    ...(tunType !== "ipip" ? { tunCsum: tunCsum ?? "nocsum" } : {}),
  };
}

/**
 * Applies statements to a configuration. The input is not changed.
 * `contextLost`: statements that follow one that failed to parse and would
 * have chosen the context (parse's `contextLost`).
 */
export function evaluate(statements: readonly ConfigStatement[], config: Config, context: Context, contextLost?: ReadonlySet<unknown>): EvalResult {
  const work: Work = {
    vips: new Map(config.vips),
    services: new Map(config.services),
    hosts: new Map(config.hosts),
    ...(config.engine ? { engine: config.engine } : {}),
    ...(config.sync ? { sync: config.sync } : {}),
    ...(config.drains ? { drains: new Map(config.drains) } : {}),
  };
  const ev = new Evaluator(work, { ...context });
  for (const s of statements) {
    if (contextLost?.has(s)) ev.lost = true;
    ev.run(s);
  }
  return { config: ev.work, context: { ...ev.ctx }, diagnostics: ev.diags };
}
