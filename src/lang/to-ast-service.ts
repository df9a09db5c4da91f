/** CST -> AST of vip, service, add rs, set rs and arp hide. */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import type { DiagnosticCode } from "./codes.js";
import type * as C from "./cst.js";
import { first, type AstContext } from "./to-ast-context.js";
import * as val from "./values.js";

const limits = val.limits;

export function serviceSpec(cx: AstContext, c: C.ServiceSpecCstChildren, n: CstNode): A.ServiceSpec | undefined {
  const span = cx.nodeSpan(n);
  if (c.mark) return cx.take(val.parseServiceSpecFwmark(cx.text(c.mark[0]!), cx.span(c.mark[0]!), !!c.Kw_ipv6, span));
  const ep = c.endpoint![0]!;
  const e = cx.take(val.parseEndpoint(cx.text(ep), cx.span(ep)));
  if (!e) return undefined;
  const protoTok = first(c.Protocol);
  return {
    kind: "addr",
    span,
    port: e.port,
    ...(e.addr ? { addr: e.addr } : {}),
    ...(protoTok ? { proto: cx.v(protoTok, protoTok.image as A.Proto) } : {}),
  };
}

export function serviceStatement(cx: AstContext, c: C.ServiceStatementCstChildren): A.ServiceStmt | undefined {
  const spec = serviceSpec(cx, c.serviceSpec[0]!.children, c.serviceSpec[0]!);
  const opts: A.ServiceOpts = {};
  for (const o of c.serviceOption ?? []) serviceOption(cx, o.children, opts);
  if (!spec) return undefined;
  return { kind: "service", span: cx.stmt, spec, opts };
}

export function serviceOption(cx: AstContext, c: C.ServiceOptionCstChildren, opts: A.ServiceOpts): void {
  const sched = first(c.scheduler)?.children.Scheduler[0];
  if (sched) return cx.once(opts, "scheduler", "a scheduler", sched, cx.v(sched, sched.image));
  if (c.Kw_persistent) {
    const kw = c.Kw_persistent[0]!;
    const t = first(c.timeout);
    const p = limits.persistence;
    // `persistent 0`: not persistent (as keepalived's persistence_timeout 0), for a service that was
    const secs = t ? (t.image === "0" ? 0 : cx.take(val.parseInteger(t.image, cx.span(t), "persistence", p.min, p.max, "invalid-persistence"))) : null;
    if (secs === undefined) return;
    return cx.once(opts, "persistent", "`persistent`", kw, { value: secs, span: t ? cx.span(t) : cx.span(kw) });
  }
  if (c.mask) {
    const t = c.mask[0]!;
    const m = cx.take(val.parseNetmask(cx.text(t), cx.span(t)));
    if (m !== undefined) cx.once(opts, "netmask", "`netmask`", t, cx.v(t, m));
    return;
  }
  if (c.flagList) {
    const t = c.flagList[0]!;
    const f = cx.take(val.parseFlags(cx.text(t), cx.span(t)));
    if (f !== undefined) cx.once(opts, "flags", "`flags`", t, cx.v(t, f));
    return;
  }
  if (c.Kw_one_packet) return cx.once(opts, "onePacket", "`one-packet`", c.Kw_one_packet[0]!, cx.v(c.Kw_one_packet[0]!, true as const));
  if (c.Kw_sip) return cx.once(opts, "pe", "`pe`", c.Kw_sip[0]!, cx.v(c.Kw_sip[0]!, "sip"));
}

export function rsOption(cx: AstContext, c: C.RsOptionCstChildren, opts: A.RsOpts): void {
  const method = first(c.Kw_dr) ?? first(c.Kw_nat) ?? first(c.Kw_tun);
  if (method) return cx.once(opts, "method", "a forwarding method", method, cx.v(method, method.image as A.Method));
  const tt = first(c.TunType);
  if (tt) return cx.once(opts, "tunType", "`type`", tt, cx.v(tt, tt.image as A.TunType));
  const cs = first(c.CsumMode);
  if (cs) return cx.once(opts, "csum", "a checksum mode", cs, cx.v(cs, cs.image as A.CsumMode));
  const num = (t: IToken, what: string, min: number, max: number, code: DiagnosticCode) =>
    cx.take(val.parseInteger(cx.text(t), cx.span(t), what, min, max, code));
  const tp = first(c.tunPort);
  if (tp) {
    const p = cx.take(val.parsePort(cx.text(tp), cx.span(tp)));
    if (p !== undefined) cx.once(opts, "tunPort", "`port`", tp, cx.v(tp, p));
    return;
  }
  const w = first(c.weight);
  if (w) {
    const x = num(w, "a weight", limits.weight.min, limits.weight.max, "invalid-weight");
    if (x !== undefined) cx.once(opts, "weight", "`weight`", w, cx.v(w, x));
    return;
  }
  const th = limits.threshold;
  const mn = first(c.min);
  if (mn) {
    const x = num(mn, "a threshold", th.min, th.max, "invalid-threshold");
    if (x !== undefined) cx.once(opts, "min", "`min`", mn, cx.v(mn, x));
    return;
  }
  const mx = first(c.max);
  if (mx) {
    const x = num(mx, "a threshold", th.min, th.max, "invalid-threshold");
    if (x !== undefined) cx.once(opts, "max", "`max`", mx, cx.v(mx, x));
  }
}

export function addStatement(cx: AstContext, c: C.AddStatementCstChildren): A.AddRsStmt {
  const targets = cx.targets(c.realServer, "addStatement");
  cx.noDuplicateTargets(targets);
  return { kind: "add-rs", span: cx.stmt, targets, opts: rsOptions(cx, c.rsOption) };
}

export function setStatement(cx: AstContext, c: C.SetStatementCstChildren): A.SetRsStmt {
  const targets = cx.targets(c.realServer, "setStatement");
  cx.noDuplicateTargets(targets);
  return { kind: "set-rs", span: cx.stmt, targets, opts: rsOptions(cx, c.rsOption) };
}

export function vipStatement(cx: AstContext, c: C.VipStatementCstChildren): A.VipStmt | undefined {
  const tok = c.address[0]!.children.Value[0]!;
  const ap = cx.take(val.parseAddrPrefix(cx.text(tok), cx.span(tok)));
  const ifTok = first(c.iface)?.children.AnyWord[0];
  const iface = ifTok ? cx.take(val.parseIface(cx.text(ifTok), cx.span(ifTok))) : undefined;
  if (!ap) return undefined;
  return {
    kind: "vip",
    span: cx.stmt,
    addr: ap.addr,
    ...(ap.prefix !== undefined ? { prefix: { value: ap.prefix, span: cx.span(tok) } } : {}),
    ...(ifTok && iface !== undefined ? { iface: cx.v(ifTok, iface) } : {}),
  };
}

export function arpStatement(cx: AstContext, c: C.ArpStatementCstChildren): A.ArpHideStmt {
  if ((c.ArpVia?.length ?? 0) > 1) cx.duplicate("`via`", c.ArpVia![1]!, c.ArpVia![0]!);
  if ((c.iface?.length ?? 0) > 1) cx.duplicate("`dev`", c.Kw_dev![1]!, c.Kw_dev![0]!);
  const via = first(c.ArpVia);
  const devTok = first(c.iface)?.children.AnyWord[0];
  const dev = devTok ? cx.take(val.parseIface(cx.text(devTok), cx.span(devTok))) : undefined;
  return {
    kind: "arp-hide",
    span: cx.stmt,
    ...(via ? { via: cx.v(via, via.image as A.ArpVia) } : {}),
    ...(devTok && dev !== undefined ? { dev: cx.v(devTok, dev) } : {}),
  };
}

function rsOptions(cx: AstContext, nodes: C.RsOptionCstNode[] | undefined): A.RsOpts {
  const opts: A.RsOpts = {};
  for (const o of nodes ?? []) rsOption(cx, o.children, opts);
  return opts;
}
