/**
 * CST -> AST, through a Chevrotain visitor. Converts every value (values.ts)
 * and reports each bad value with its span; a statement with a bad value
 * yields no AST node but its other diagnostics still count.
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import type * as C from "./cst.js";
import type { DiagnosticCode } from "./codes.js";
import { error, type Diagnostic, type Span } from "./diagnostic.js";
import { keywordsInRule } from "./grammar-info.js";
import { LineMap } from "./lines.js";
import { getParser } from "./parser.js";
import { typoKind } from "./typo.js";
import * as val from "./values.js";

export function tokenSpan(file: string, lines: LineMap, t: IToken): Span {
  return lines.span(file, t.startOffset, t.startOffset + t.image.length);
}

type AstBuilder = {
  build(cst: CstNode, file: string, lines: LineMap, span: Span, diags: Diagnostic[]): A.Statement | undefined;
};

/** The first and last token under a CST node. */
function tokenRange(n: CstNode): [IToken, IToken] | undefined {
  let first: IToken | undefined;
  let last: IToken | undefined;
  const walk = (node: CstNode) => {
    for (const list of Object.values(node.children)) {
      for (const el of list) {
        if ("image" in el) {
          if (!first || el.startOffset < first.startOffset) first = el;
          if (!last || el.startOffset > last.startOffset) last = el;
        } else walk(el);
      }
    }
  };
  walk(n);
  return first && last ? [first, last] : undefined;
}

let builder: AstBuilder | undefined;

function first<T>(a: T[] | undefined): T | undefined {
  return a?.[0];
}

function makeBuilder(): AstBuilder {
  const Base = getParser().getBaseCstVisitorConstructorWithDefaults();

  class ToAst extends Base {
    file = "";
    lines = new LineMap("");
    /** The span of the statement being built. */
    stmt!: Span;
    diags: Diagnostic[] = [];
    failed = false;

    constructor() {
      super();
      this.validateVisitor();
    }

    span(t: IToken): Span {
      return tokenSpan(this.file, this.lines, t);
    }

    nodeSpan(n: CstNode): Span {
      const r = tokenRange(n);
      return r ? this.lines.span(this.file, r[0].startOffset, r[1].startOffset + r[1].image.length) : this.stmt;
    }

    take<T>(r: val.Result<T>): T | undefined {
      if (r.ok) return r.value;
      this.diags.push(r.diag);
      this.failed = true;
      return undefined;
    }

    v<T>(t: IToken, value: T): A.V<T> {
      return { value, span: this.span(t) };
    }

    duplicate(what: string, t: IToken, firstTok: IToken): void {
      this.diags.push(
        error("duplicate-option", `${what} is given twice`, this.span(t), {
          related: [{ span: this.span(firstTok), label: "first given here" }],
        }),
      );
      this.failed = true;
    }

    /** Sets opts[key] unless already set (then reports a duplicate). */
    once<O, K extends keyof O>(opts: O, key: K, what: string, t: IToken, value: O[K]): void {
      const prior = opts[key] as unknown as A.V<unknown> | undefined;
      if (prior) {
        this.diags.push(
          error("duplicate-option", `${what} is given twice`, this.span(t), {
            related: [{ span: prior.span, label: "first given here" }],
          }),
        );
        this.failed = true;
        return;
      }
      opts[key] = value;
    }

    text(t: IToken): string {
      return val.unquote(t.image);
    }

    statement(c: C.StatementCstChildren): A.Statement | undefined {
      let node: CstNode | undefined;
      for (const k in c) {
        node = (c as Record<string, CstNode[]>)[k]![0];
        break;
      }
      if (!node) return undefined;
      const method = (this as unknown as Record<string, (ch: unknown, n: CstNode) => A.Statement | undefined>)[node.name];
      return method!.call(this, node.children, node);
    }

    vipStatement(c: C.VipStatementCstChildren, n: CstNode): A.VipStmt | undefined {
      const tok = c.address[0]!.children.Value[0]!;
      const ap = this.take(val.parseAddrPrefix(this.text(tok), this.span(tok)));
      const ifTok = first(c.iface)?.children.AnyWord[0];
      const iface = ifTok ? this.take(val.parseIface(this.text(ifTok), this.span(ifTok))) : undefined;
      if (!ap) return undefined;
      return {
        kind: "vip",
        span: this.stmt,
        addr: ap.addr,
        ...(ap.prefix !== undefined ? { prefix: { value: ap.prefix, span: this.span(tok) } } : {}),
        ...(ifTok && iface !== undefined ? { iface: this.v(ifTok, iface) } : {}),
      };
    }

    serviceSpec(c: C.ServiceSpecCstChildren, n: CstNode): A.ServiceSpec | undefined {
      const span = this.nodeSpan(n);
      if (c.mark) return this.take(val.parseServiceSpecFwmark(this.text(c.mark[0]!), this.span(c.mark[0]!), !!c.Kw_ipv6, span));
      const ep = c.endpoint![0]!;
      const e = this.take(val.parseEndpoint(this.text(ep), this.span(ep)));
      if (!e) return undefined;
      const protoTok = first(c.Protocol);
      return {
        kind: "addr",
        span,
        port: e.port,
        ...(e.addr ? { addr: e.addr } : {}),
        ...(protoTok ? { proto: this.v(protoTok, protoTok.image as A.Proto) } : {}),
      };
    }

    serviceStatement(c: C.ServiceStatementCstChildren, n: CstNode): A.ServiceStmt | undefined {
      const spec = this.serviceSpec(c.serviceSpec[0]!.children, c.serviceSpec[0]!);
      const opts: A.ServiceOpts = {};
      for (const o of c.serviceOption ?? []) this.serviceOption(o.children, opts);
      if (!spec) return undefined;
      return { kind: "service", span: this.stmt, spec, opts };
    }

    serviceOption(c: C.ServiceOptionCstChildren, opts: A.ServiceOpts): void {
      const sched = first(c.scheduler)?.children.Scheduler[0];
      if (sched) return this.once(opts, "scheduler", "a scheduler", sched, this.v(sched, sched.image));
      if (c.Kw_persistent) {
        const kw = c.Kw_persistent[0]!;
        const t = first(c.timeout);
        const p = limits.persistence;
        const secs = t ? this.take(val.parseInteger(t.image, this.span(t), "persistence", p.min, p.max, "invalid-persistence")) : null;
        if (secs === undefined) return;
        return this.once(opts, "persistent", "`persistent`", kw, { value: secs, span: t ? this.span(t) : this.span(kw) });
      }
      if (c.mask) {
        const t = c.mask[0]!;
        const m = this.take(val.parseNetmask(this.text(t), this.span(t)));
        if (m !== undefined) this.once(opts, "netmask", "`netmask`", t, this.v(t, m));
        return;
      }
      if (c.flagList) {
        const t = c.flagList[0]!;
        const f = this.take(val.parseFlags(this.text(t), this.span(t)));
        if (f !== undefined) this.once(opts, "flags", "`flags`", t, this.v(t, f));
        return;
      }
      if (c.Kw_one_packet) return this.once(opts, "onePacket", "`one-packet`", c.Kw_one_packet[0]!, this.v(c.Kw_one_packet[0]!, true as const));
      if (c.Kw_sip) return this.once(opts, "pe", "`pe`", c.Kw_sip[0]!, this.v(c.Kw_sip[0]!, "sip"));
    }

    scheduler(): void {}

    targets(nodes: C.RealServerCstNode[], rule: string): A.RsTarget[] {
      const out: A.RsTarget[] = [];
      const words = keywordsInRule(rule);
      for (const node of nodes) {
        const t = node.children.Value[0]!;
        const r = this.take(val.parseRsTarget(this.text(t), this.span(t), words, (g) => typoKind(g, rule)));
        if (r) out.push(r);
      }
      return out;
    }

    realServer(): void {}

    rsOptions(nodes: C.RsOptionCstNode[] | undefined): A.RsOpts {
      const opts: A.RsOpts = {};
      for (const o of nodes ?? []) this.rsOption(o.children, opts);
      return opts;
    }

    rsOption(c: C.RsOptionCstChildren, opts: A.RsOpts): void {
      const method = first(c.Kw_dr) ?? first(c.Kw_nat) ?? first(c.Kw_tun);
      if (method) return this.once(opts, "method", "a forwarding method", method, this.v(method, method.image as A.Method));
      const tt = first(c.TunType);
      if (tt) return this.once(opts, "tunType", "`type`", tt, this.v(tt, tt.image as A.TunType));
      const cs = first(c.CsumMode);
      if (cs) return this.once(opts, "csum", "a checksum mode", cs, this.v(cs, cs.image as A.CsumMode));
      const num = (t: IToken, what: string, min: number, max: number, code: DiagnosticCode) =>
        this.take(val.parseInteger(this.text(t), this.span(t), what, min, max, code));
      const tp = first(c.tunPort);
      if (tp) {
        const p = this.take(val.parsePort(this.text(tp), this.span(tp)));
        if (p !== undefined) this.once(opts, "tunPort", "`port`", tp, this.v(tp, p));
        return;
      }
      const w = first(c.weight);
      if (w) {
        const x = num(w, "a weight", limits.weight.min, limits.weight.max, "invalid-weight");
        if (x !== undefined) this.once(opts, "weight", "`weight`", w, this.v(w, x));
        return;
      }
      const th = limits.threshold;
      const mn = first(c.min);
      if (mn) {
        const x = num(mn, "a threshold", th.min, th.max, "invalid-threshold");
        if (x !== undefined) this.once(opts, "min", "`min`", mn, this.v(mn, x));
        return;
      }
      const mx = first(c.max);
      if (mx) {
        const x = num(mx, "a threshold", th.min, th.max, "invalid-threshold");
        if (x !== undefined) this.once(opts, "max", "`max`", mx, this.v(mx, x));
      }
    }

    noDuplicateTargets(targets: A.RsTarget[]): void {
      if (targets.length < 2) return;
      const seen = new Map<string, A.RsTarget>();
      for (const t of targets) {
        const key = `${t.addr.kind === "ip" ? t.addr.addr : "." + t.addr.octets.join(".")}|${t.port ?? ""}`;
        const prior = seen.get(key);
        if (prior) {
          this.diags.push(
            error("duplicate-rs", "the same real server is named twice in this statement", t.span, {
              related: [{ span: prior.span, label: "first named here" }],
            }),
          );
          this.failed = true;
        } else seen.set(key, t);
      }
    }

    addStatement(c: C.AddStatementCstChildren, n: CstNode): A.AddRsStmt {
      const targets = this.targets(c.realServer, "addStatement");
      this.noDuplicateTargets(targets);
      return { kind: "add-rs", span: this.stmt, targets, opts: this.rsOptions(c.rsOption) };
    }

    setStatement(c: C.SetStatementCstChildren, n: CstNode): A.SetRsStmt {
      const targets = this.targets(c.realServer, "setStatement");
      this.noDuplicateTargets(targets);
      return { kind: "set-rs", span: this.stmt, targets, opts: this.rsOptions(c.rsOption) };
    }

    addrOf(c: { address?: C.AddressCstNode[] }): A.AddrLit | undefined {
      const t = c.address![0]!.children.Value[0]!;
      return this.take(val.parseAddrLit(this.text(t), this.span(t)));
    }

    delStatement(c: C.DelStatementCstChildren): A.Statement | undefined {
      const span = this.stmt;
      if (c.realServer) {
        const targets = this.targets(c.realServer, "delStatement");
        this.noDuplicateTargets(targets);
        return { kind: "del-rs", span, targets };
      }
      if (c.serviceSpec) {
        const spec = this.serviceSpec(c.serviceSpec[0]!.children, c.serviceSpec[0]!);
        return spec && { kind: "del-service", span, spec };
      }
      const addr = this.addrOf(c);
      return addr && { kind: "del-vip", span, addr };
    }

    useStatement(c: C.UseStatementCstChildren): A.Statement | undefined {
      const span = this.stmt;
      if (c.serviceSpec) {
        const spec = this.serviceSpec(c.serviceSpec[0]!.children, c.serviceSpec[0]!);
        return spec && { kind: "use-service", span, spec };
      }
      const addr = this.addrOf(c);
      return addr && { kind: "use-vip", span, addr };
    }

    arpStatement(c: C.ArpStatementCstChildren, n: CstNode): A.ArpHideStmt {
      if ((c.ArpVia?.length ?? 0) > 1) this.duplicate("`via`", c.ArpVia![1]!, c.ArpVia![0]!);
      if ((c.iface?.length ?? 0) > 1) this.duplicate("`dev`", c.Kw_dev![1]!, c.Kw_dev![0]!);
      const via = first(c.ArpVia);
      const devTok = first(c.iface)?.children.AnyWord[0];
      const dev = devTok ? this.take(val.parseIface(this.text(devTok), this.span(devTok))) : undefined;
      return {
        kind: "arp-hide",
        span: this.stmt,
        ...(via ? { via: this.v(via, via.image as A.ArpVia) } : {}),
        ...(devTok && dev !== undefined ? { dev: this.v(devTok, dev) } : {}),
      };
    }

    checkStatement(c: C.CheckStatementCstChildren, n: CstNode): A.CheckStmt | undefined {
      const typeTok = first(c.Kw_http) ?? first(c.Kw_https) ?? first(c.Kw_tcp) ?? first(c.Kw_none)!;
      const type = this.v(typeTok, typeTok.image as A.CheckKind);
      const opts: A.CheckOpts = {};
      for (const o of c.checkOption ?? []) this.checkOption(o.children, opts, type.value);
      const targets = c.realServer ? this.targets(c.realServer, "checkStatement") : [];
      this.noDuplicateTargets(targets);
      const p = first(c.path);
      return {
        kind: "check",
        span: this.stmt,
        type,
        ...(p ? { path: this.v(p, this.text(p)) } : {}),
        opts,
        targets,
      };
    }

    checkOption(c: C.CheckOptionCstChildren, opts: A.CheckOpts, type: A.CheckKind): void {
      const kw = first(c.Kw_expect) ?? first(c.Kw_every) ?? first(c.Kw_timeout) ?? first(c.Kw_retry) ?? first(c.Kw_port)!;
      if (type === "none" || (type === "tcp" && c.Kw_expect)) {
        const why = type === "none" ? "`check none` takes no options" : "`expect` is for http and https checks";
        this.diags.push(error("check-option-invalid", why, this.span(kw)));
        this.failed = true;
        return;
      }
      const t = (first(c.code) ?? first(c.interval) ?? first(c.seconds) ?? first(c.count) ?? first(c.port))!;
      const text = this.text(t);
      const span = this.span(t);
      if (c.code) {
        const x = this.take(val.parseStatusCodes(text, span));
        if (x !== undefined) this.once(opts, "expect", "`expect`", t, this.v(t, x));
      } else if (c.interval) {
        const x = this.take(val.parseSeconds(text, span, "a check interval", limits.checkEvery.min, limits.checkEvery.max));
        if (x !== undefined) this.once(opts, "every", "`every`", t, this.v(t, x));
      } else if (c.seconds) {
        const x = this.take(val.parseSeconds(text, span, "a check timeout", limits.checkTimeout.min, limits.checkTimeout.max));
        if (x !== undefined) this.once(opts, "timeout", "`timeout`", t, this.v(t, x));
      } else if (c.count) {
        const x = this.take(val.parseInteger(text, span, "a retry count", limits.checkRetry.min, limits.checkRetry.max, "invalid-retry"));
        if (x !== undefined) this.once(opts, "retry", "`retry`", t, this.v(t, x));
      } else {
        const x = this.take(val.parsePort(text, span));
        if (x !== undefined) this.once(opts, "port", "`port`", t, this.v(t, x));
      }
    }

    sorryStatement(c: C.SorryStatementCstChildren, n: CstNode): A.SorryStmt | undefined {
      const [target] = this.targets(c.realServer, "sorryStatement");
      return target && { kind: "sorry", span: this.stmt, target };
    }

    quorumStatement(c: C.QuorumStatementCstChildren, n: CstNode): A.QuorumStmt | undefined {
      const t = c.minWeight[0]!;
      const q = this.take(val.parseInteger(this.text(t), this.span(t), "a quorum", limits.quorum.min, limits.quorum.max, "invalid-quorum"));
      return q === undefined ? undefined : { kind: "quorum", span: this.stmt, value: this.v(t, q) };
    }

    inhibitStatement(_c: C.InhibitStatementCstChildren, n: CstNode): A.InhibitStmt {
      return { kind: "inhibit", span: this.stmt };
    }

    directorStatement(c: C.DirectorStatementCstChildren, n: CstNode): A.DirectorPairStmt | undefined {
      const addrs = c.address.map((a) => {
        const t = a.children.Value[0]!;
        return this.take(val.parseAddrLit(this.text(t), this.span(t)));
      });
      if ((c.Kw_priority?.length ?? 0) > 1) this.duplicate("`priority`", c.Kw_priority![1]!, c.Kw_priority![0]!);
      if ((c.Kw_vrid?.length ?? 0) > 1) this.duplicate("`vrid`", c.Kw_vrid![1]!, c.Kw_vrid![0]!);
      if ((c.Kw_interface?.length ?? 0) > 1) this.duplicate("`interface`", c.Kw_interface![1]!, c.Kw_interface![0]!);
      const { priority: pl, vrid: vl } = limits;
      const prio = (c.priority ?? []).slice(0, 2).map((t) => this.take(val.parseInteger(this.text(t), this.span(t), "a VRRP priority", pl.min, pl.max, "invalid-priority")));
      const vt = first(c.vrid);
      const vrid = vt ? this.take(val.parseInteger(this.text(vt), this.span(vt), "a VRRP router id", vl.min, vl.max, "invalid-vrid")) : undefined;
      const ifTok = first(c.iface)?.children.AnyWord[0];
      const iface = ifTok ? this.take(val.parseIface(this.text(ifTok), this.span(ifTok))) : undefined;
      const [a, b] = addrs;
      if (!a || !b) return undefined;
      const pt = c.priority;
      return {
        kind: "director-pair",
        span: this.stmt,
        addrs: [a, b],
        ...(pt && prio[0] !== undefined && prio[1] !== undefined
          ? { priority: { value: [prio[0], prio[1]] as const, span: this.lines.span(this.file, pt[0]!.startOffset, pt[1]!.startOffset + pt[1]!.image.length) } }
          : {}),
        ...(vt && vrid !== undefined ? { vrid: this.v(vt, vrid) } : {}),
        ...(ifTok && iface !== undefined ? { iface: this.v(ifTok, iface) } : {}),
      };
    }

    hostStatement(c: C.HostStatementCstChildren, n: CstNode): A.HostStmt | undefined {
      let subject: A.HostSubject | undefined;
      if (c.Kw_director) subject = { kind: "director", span: this.span(c.Kw_director[0]!) };
      else {
        const t = c.subject![0]!;
        const span = this.span(t);
        const text = this.text(t);
        const addr = val.parseAddrLit(text, span);
        if (addr.ok) subject = { kind: "addr", addr: addr.value, span };
        else {
          const name = this.take(val.parseHostName(text, span));
          if (name !== undefined) subject = { kind: "name", name, span };
        }
      }
      const transport = this.transport(c.transport[0]!.children, c.transport[0]!);
      if (!subject || !transport) return undefined;
      return { kind: "host", span: this.stmt, subject, transport };
    }

    transport(c: C.TransportCstChildren, n: CstNode): A.Transport | undefined {
      if (c.sshTarget) {
        const t = c.sshTarget[0]!;
        return this.take(val.parseSshTarget(this.text(t), this.span(t)));
      }
      if (c.netnsName) {
        const t = c.netnsName[0]!;
        const name = this.take(val.parseNetnsName(this.text(t), this.span(t)));
        return name === undefined ? undefined : { kind: "netns", name, span: this.span(t) };
      }
      return { kind: "local", span: this.nodeSpan(n) };
    }

    clearStatement(_c: C.ClearStatementCstChildren, n: CstNode): A.ClearStmt {
      return { kind: "clear", span: this.stmt };
    }

    showStatement(c: C.ShowStatementCstChildren, n: CstNode): A.ShowStmt {
      const topic = first(c.ShowTopic);
      return {
        kind: "show",
        span: this.stmt,
        ...(topic ? { topic: this.v(topic, topic.image) } : {}),
        args: (c.arg ?? []).map((t) => this.v(t, this.text(t))),
      };
    }

    commitStatement(c: C.CommitStatementCstChildren, n: CstNode): A.CommitStmt | undefined {
      for (const key of ["Kw_check", "Kw_confirmed", "Kw_comment", "Kw_force", "Kw_on"] as const) {
        const toks = c[key];
        if (toks && toks.length > 1) this.duplicate(`\`${toks[0]!.image}\``, toks[1]!, toks[0]!);
      }
      const stmt: { -readonly [K in keyof A.CommitStmt]: A.CommitStmt[K] } = { kind: "commit", span: this.stmt };
      if (c.Kw_check) stmt.check = this.v(c.Kw_check[0]!, true);
      if (c.Kw_force) stmt.force = this.v(c.Kw_force[0]!, true);
      if (c.Kw_on) stmt.directorOnly = this.v(c.Kw_on[0]!, true);
      if (c.Kw_confirmed) {
        const d = first(c.duration);
        const secs = d ? this.take(val.parseDuration(this.text(d), this.span(d))) : null;
        if (secs !== undefined) stmt.confirmed = { value: secs, span: this.span(d ?? c.Kw_confirmed[0]!) };
      }
      if (c.text) stmt.comment = this.v(c.text[0]!, this.text(c.text[0]!));
      return stmt;
    }

    confirmStatement(_c: C.ConfirmStatementCstChildren, n: CstNode): A.ConfirmStmt {
      return { kind: "confirm", span: this.stmt };
    }

    rollbackStatement(c: C.RollbackStatementCstChildren, n: CstNode): A.RollbackStmt {
      const r = first(c.revision);
      return { kind: "rollback", span: this.stmt, ...(r ? { revision: this.v(r, Number(r.image)) } : {}) };
    }

    abortStatement(_c: C.AbortStatementCstChildren, n: CstNode): A.AbortStmt {
      return { kind: "abort", span: this.stmt };
    }

    saveStatement(c: C.SaveStatementCstChildren, n: CstNode): A.SaveStmt {
      if ((c.path?.length ?? 0) > 1) this.duplicate("`to`", c.Kw_to![1]!, c.Kw_to![0]!);
      if ((c.format?.length ?? 0) > 1) this.duplicate("`format`", c.Kw_format![1]!, c.Kw_format![0]!);
      const to = first(c.path);
      const format = first(c.format);
      return {
        kind: "save",
        span: this.stmt,
        ...(to ? { to: this.v(to, this.text(to)) } : {}),
        ...(format ? { format: this.v(format, this.text(format)) } : {}),
      };
    }

    loadStatement(c: C.LoadStatementCstChildren, n: CstNode): A.LoadStmt {
      const t = c.path[0]!;
      return { kind: "load", span: this.stmt, path: this.v(t, this.text(t)) };
    }

    helpStatement(c: C.HelpStatementCstChildren, n: CstNode): A.HelpStmt {
      const t = first(c.topic);
      return { kind: "help", span: this.stmt, ...(t ? { topic: this.v(t, this.text(t)) } : {}) };
    }

    build(cst: CstNode, file: string, lines: LineMap, span: Span, diags: Diagnostic[]): A.Statement | undefined {
      this.file = file;
      this.lines = lines;
      this.stmt = span;
      this.diags = diags;
      this.failed = false;
      const stmt = this.statement(cst.children as C.StatementCstChildren);
      return this.failed ? undefined : stmt;
    }
  }

  return new ToAst();
}

const limits = val.limits;

export function cstToAst(cst: CstNode, file: string, lines: LineMap, span: Span, diags: Diagnostic[]): A.Statement | undefined {
  builder ??= makeBuilder();
  return builder.build(cst, file, lines, span, diags);
}
