/**
 * CST -> AST, through a Chevrotain visitor. Converts every value (values.ts)
 * and reports each bad value with its span; a statement with a bad value
 * yields no AST node but its other diagnostics still count.
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import type * as C from "./cst.js";
import { error, type Diagnostic, type Span } from "./diagnostic.js";
import { keywordsInRule } from "./grammar-info.js";
import { LineMap } from "./lines.js";
import { parseIp } from "./ip.js";
import { getParser } from "./parser.js";
import type { AstContext } from "./to-ast-context.js";
import * as ha from "./to-ast-ha.js";
import * as sess from "./to-ast-session.js";
import * as svc from "./to-ast-service.js";
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

function makeBuilder(): AstBuilder {
  const Base = getParser().getBaseCstVisitorConstructorWithDefaults();

  class ToAst extends Base implements AstContext {
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

    vipStatement(c: C.VipStatementCstChildren): A.VipStmt | undefined {
      return svc.vipStatement(this, c);
    }

    serviceSpec(c: C.ServiceSpecCstChildren, n: CstNode): A.ServiceSpec | undefined {
      return svc.serviceSpec(this, c, n);
    }

    serviceStatement(c: C.ServiceStatementCstChildren): A.ServiceStmt | undefined {
      return svc.serviceStatement(this, c);
    }

    serviceOption(c: C.ServiceOptionCstChildren, opts: A.ServiceOpts): void {
      return svc.serviceOption(this, c, opts);
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
      return svc.rsOption(this, c, opts);
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

    addStatement(c: C.AddStatementCstChildren): A.AddRsStmt {
      return svc.addStatement(this, c);
    }

    setStatement(c: C.SetStatementCstChildren): A.SetRsStmt {
      return svc.setStatement(this, c);
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

    drainStatement(c: C.DrainStatementCstChildren): A.DrainRsStmt | undefined {
      const span = this.stmt;
      for (const key of ["Kw_from", "Kw_timeout", "Kw_then", "Kw_force"] as const) {
        const toks = c[key];
        if (toks && toks.length > 1) this.duplicate(`\`${toks[0]!.image}\``, toks[1]!, toks[0]!);
      }
      const targets = this.targets(c.realServer, "drainStatement");
      this.noDuplicateTargets(targets);
      const stmt: { -readonly [K in keyof A.DrainRsStmt]: A.DrainRsStmt[K] } = { kind: "drain-rs", span, targets };
      if (c.serviceSpec) {
        const spec = this.serviceSpec(c.serviceSpec[0]!.children, c.serviceSpec[0]!);
        if (!spec) return undefined;
        stmt.from = spec;
      }
      const d = c.duration?.[0];
      if (d) {
        const secs = this.take(val.parseDuration(this.text(d), this.span(d)));
        if (secs === undefined) return undefined;
        stmt.timeout = this.v(d, secs);
      }
      const then = c.Kw_del?.[0] ?? c.Kw_keep?.[0];
      if (then) stmt.then = this.v(then, then.image as "del" | "keep");
      if (c.Kw_force) stmt.force = this.v(c.Kw_force[0]!, true);
      return stmt;
    }

    maintenanceStatement(c: C.MaintenanceStatementCstChildren): A.MaintenanceRsStmt {
      const targets = this.targets(c.realServer, "maintenanceStatement");
      this.noDuplicateTargets(targets);
      const t = c.Kw_on?.[0] ?? c.Kw_off![0]!;
      return { kind: "maintenance-rs", span: this.stmt, targets, on: this.v(t, t.image === "on") };
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

    arpStatement(c: C.ArpStatementCstChildren): A.ArpHideStmt {
      return svc.arpStatement(this, c);
    }

    checkStatement(c: C.CheckStatementCstChildren): A.CheckStmt | undefined {
      return ha.checkStatement(this, c);
    }

    checkOption(c: C.CheckOptionCstChildren, opts: A.CheckOpts, type: A.CheckKind): void {
      return ha.checkOption(this, c, opts, type);
    }

    sorryStatement(c: C.SorryStatementCstChildren): A.SorryStmt | undefined {
      return ha.sorryStatement(this, c);
    }

    quorumStatement(c: C.QuorumStatementCstChildren): A.QuorumStmt | undefined {
      return ha.quorumStatement(this, c);
    }

    inhibitStatement(c: C.InhibitStatementCstChildren): A.InhibitStmt {
      return ha.inhibitStatement(this, c);
    }

    directorStatement(c: C.DirectorStatementCstChildren): A.DirectorPairStmt | undefined {
      return ha.directorStatement(this, c);
    }

    engineStatement(c: C.EngineStatementCstChildren): A.EngineStmt | undefined {
      return ha.engineStatement(this, c);
    }

    syncStatement(c: C.SyncStatementCstChildren): A.SyncStmt | undefined {
      return ha.syncStatement(this, c);
    }

    hostStatement(c: C.HostStatementCstChildren): A.HostStmt | undefined {
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

    clearStatement(): A.ClearStmt {
      return { kind: "clear", span: this.stmt };
    }

    showStatement(c: C.ShowStatementCstChildren): A.ShowStmt {
      return sess.showStatement(this, c);
    }

    watchStatement(c: C.WatchStatementCstChildren): A.WatchStmt | undefined {
      const spec = c.serviceSpec ? svc.serviceSpec(this, c.serviceSpec[0]!.children, c.serviceSpec[0]!) : undefined;
      if (c.serviceSpec && !spec) return undefined;
      return sess.watchStatement(this, c, spec);
    }

    doctorStatement(c: C.DoctorStatementCstChildren): A.DoctorStmt | undefined {
      const n = c.serviceSpec?.[0];
      // a bare address is a VIP; anything else a service address
      const ep = n?.children.endpoint?.[0];
      const bare = ep && !n!.children.Protocol && parseIp(this.text(ep)) ? this.v(ep, parseIp(this.text(ep))!.text) : undefined;
      const spec = n && !bare ? svc.serviceSpec(this, n.children, n) : undefined;
      if (n && !bare && !spec) return undefined;
      return sess.doctorStatement(this, c, spec, bare);
    }

    commitStatement(c: C.CommitStatementCstChildren): A.CommitStmt | undefined {
      return sess.commitStatement(this, c);
    }

    confirmStatement(c: C.ConfirmStatementCstChildren): A.ConfirmStmt {
      return sess.confirmStatement(this, c);
    }

    rollbackStatement(c: C.RollbackStatementCstChildren): A.RollbackStmt {
      return sess.rollbackStatement(this, c);
    }

    abortStatement(c: C.AbortStatementCstChildren): A.AbortStmt {
      return sess.abortStatement(this, c);
    }

    saveStatement(c: C.SaveStatementCstChildren): A.SaveStmt {
      return sess.saveStatement(this, c);
    }

    loadStatement(c: C.LoadStatementCstChildren): A.LoadStmt {
      return sess.loadStatement(this, c);
    }

    helpStatement(c: C.HelpStatementCstChildren): A.HelpStmt {
      return sess.helpStatement(this, c);
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


export function cstToAst(cst: CstNode, file: string, lines: LineMap, span: Span, diags: Diagnostic[]): A.Statement | undefined {
  builder ??= makeBuilder();
  return builder.build(cst, file, lines, span, diags);
}
