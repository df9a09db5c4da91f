/** CST -> AST of the keepalived statements: check, sorry server, quorum, inhibit on failure, director pair, engine, sync daemon. */
import type * as A from "./ast.js";
import type * as C from "./cst.js";
import { error } from "./diagnostic.js";
import { first, type AstContext } from "./to-ast-context.js";
import * as val from "./values.js";

const limits = val.limits;

export function checkStatement(cx: AstContext, c: C.CheckStatementCstChildren): A.CheckStmt | undefined {
  const typeTok =
    first(c.Kw_http) ?? first(c.Kw_https) ?? first(c.Kw_tcp) ?? first(c.Kw_udp) ?? first(c.Kw_smtp) ?? first(c.Kw_ping) ?? first(c.Kw_dns) ?? first(c.Kw_misc) ?? first(c.Kw_none)!;
  const type = cx.v(typeTok, typeTok.image as A.CheckKind);
  const opts: A.CheckOpts = {};
  for (const o of c.checkOption ?? []) checkOption(cx, o.children, opts, type.value);
  const targets = c.realServer ? cx.targets(c.realServer, "checkStatement") : [];
  cx.noDuplicateTargets(targets);
  const p = first(c.path) ?? first(c.dnsName) ?? first(c.command);
  let path: A.V<string> | undefined;
  if (p) {
    const text = cx.text(p);
    const span = cx.span(p);
    const x = c.dnsName ? cx.take(val.parseDnsName(text, span)) : c.command ? cx.take(val.parseMiscCommand(text, span)) : text;
    if (x !== undefined) path = cx.v(p, x);
  }
  return {
    kind: "check",
    span: cx.stmt,
    type,
    ...(path ? { path } : {}),
    opts,
    targets,
  };
}

/** Which check types take an option (the rest report check-option-invalid). */
const optionTypes: Readonly<Record<string, { types: readonly A.CheckKind[]; why: string }>> = {
  expect: { types: ["http", "https"], why: "`expect` is for http and https checks" },
  port: { types: ["http", "https", "tcp", "udp", "smtp", "dns"], why: "`port` is for checks that connect to a port (not ping or misc)" },
  helo: { types: ["smtp"], why: "`helo` is for smtp checks" },
  type: { types: ["dns"], why: "`type` is for dns checks" },
  dynamic: { types: ["misc"], why: "`dynamic` is for misc checks" },
};

export function checkOption(cx: AstContext, c: C.CheckOptionCstChildren, opts: A.CheckOpts, type: A.CheckKind): void {
  const kw =
    first(c.Kw_expect) ?? first(c.Kw_every) ?? first(c.Kw_timeout) ?? first(c.Kw_retry) ?? first(c.Kw_port) ?? first(c.Kw_helo) ?? first(c.Kw_type) ?? first(c.Kw_dynamic)!;
  const allowed = optionTypes[kw.image];
  if (type === "none" || (allowed && !allowed.types.includes(type))) {
    const why = type === "none" ? "`check none` takes no options" : allowed!.why;
    cx.diags.push(error("check-option-invalid", why, cx.span(kw)));
    cx.failed = true;
    return;
  }
  if (c.Kw_dynamic) return cx.once(opts, "dynamic", "`dynamic`", kw, cx.v(kw, true));
  const t = (first(c.code) ?? first(c.interval) ?? first(c.seconds) ?? first(c.count) ?? first(c.port) ?? first(c.helo) ?? first(c.queryType))!;
  const text = cx.text(t);
  const span = cx.span(t);
  if (c.code) {
    const x = cx.take(val.parseStatusCodes(text, span));
    if (x !== undefined) cx.once(opts, "expect", "`expect`", t, cx.v(t, x));
  } else if (c.interval) {
    const x = cx.take(val.parseSeconds(text, span, "a check interval", limits.checkEvery.min, limits.checkEvery.max));
    if (x !== undefined) cx.once(opts, "every", "`every`", t, cx.v(t, x));
  } else if (c.seconds) {
    const x = cx.take(val.parseSeconds(text, span, "a check timeout", limits.checkTimeout.min, limits.checkTimeout.max));
    if (x !== undefined) cx.once(opts, "timeout", "`timeout`", t, cx.v(t, x));
  } else if (c.count) {
    const x = cx.take(val.parseInteger(text, span, "a retry count", limits.checkRetry.min, limits.checkRetry.max, "invalid-retry"));
    if (x !== undefined) cx.once(opts, "retry", "`retry`", t, cx.v(t, x));
  } else if (c.helo) {
    const x = cx.take(val.parseHeloName(text, span));
    if (x !== undefined) cx.once(opts, "helo", "`helo`", t, cx.v(t, x));
  } else if (c.queryType) {
    const x = cx.take(val.parseDnsType(text, span));
    if (x !== undefined) cx.once(opts, "queryType", "`type`", t, cx.v(t, x));
  } else {
    const x = cx.take(val.parsePort(text, span));
    if (x !== undefined) cx.once(opts, "port", "`port`", t, cx.v(t, x));
  }
}

export function sorryStatement(cx: AstContext, c: C.SorryStatementCstChildren): A.SorryStmt | undefined {
  const [target] = cx.targets(c.realServer, "sorryStatement");
  return target && { kind: "sorry", span: cx.stmt, target };
}

export function quorumStatement(cx: AstContext, c: C.QuorumStatementCstChildren): A.QuorumStmt | undefined {
  const t = c.minWeight[0]!;
  const q = cx.take(val.parseInteger(cx.text(t), cx.span(t), "a quorum", limits.quorum.min, limits.quorum.max, "invalid-quorum"));
  return q === undefined ? undefined : { kind: "quorum", span: cx.stmt, value: cx.v(t, q) };
}

export function inhibitStatement(cx: AstContext, _c: C.InhibitStatementCstChildren): A.InhibitStmt {
  return { kind: "inhibit", span: cx.stmt };
}

export function directorStatement(cx: AstContext, c: C.DirectorStatementCstChildren): A.DirectorPairStmt | undefined {
  const addrs = c.address.map((a) => {
    const t = a.children.Value[0]!;
    return cx.take(val.parseAddrLit(cx.text(t), cx.span(t)));
  });
  if ((c.Kw_priority?.length ?? 0) > 1) cx.duplicate("`priority`", c.Kw_priority![1]!, c.Kw_priority![0]!);
  if ((c.Kw_vrid?.length ?? 0) > 1) cx.duplicate("`vrid`", c.Kw_vrid![1]!, c.Kw_vrid![0]!);
  if ((c.Kw_interface?.length ?? 0) > 1) cx.duplicate("`interface`", c.Kw_interface![1]!, c.Kw_interface![0]!);
  const { priority: pl, vrid: vl } = limits;
  const prio = (c.priority ?? []).slice(0, 2).map((t) => cx.take(val.parseInteger(cx.text(t), cx.span(t), "a VRRP priority", pl.min, pl.max, "invalid-priority")));
  const vt = first(c.vrid);
  const vrid = vt ? cx.take(val.parseInteger(cx.text(vt), cx.span(vt), "a VRRP router id", vl.min, vl.max, "invalid-vrid")) : undefined;
  const ifTok = first(c.iface)?.children.AnyWord[0];
  const iface = ifTok ? cx.take(val.parseIface(cx.text(ifTok), cx.span(ifTok))) : undefined;
  const [a, b] = addrs;
  if (!a || !b) return undefined;
  const pt = c.priority;
  return {
    kind: "director-pair",
    span: cx.stmt,
    addrs: [a, b],
    ...(pt && prio[0] !== undefined && prio[1] !== undefined
      ? { priority: { value: [prio[0], prio[1]] as const, span: cx.lines.span(cx.file, pt[0]!.startOffset, pt[1]!.startOffset + pt[1]!.image.length) } }
      : {}),
    ...(vt && vrid !== undefined ? { vrid: cx.v(vt, vrid) } : {}),
    ...(ifTok && iface !== undefined ? { iface: cx.v(ifTok, iface) } : {}),
  };
}

export function engineStatement(cx: AstContext, c: C.EngineStatementCstChildren): A.EngineStmt | undefined {
  const kw = first(c.Kw_keepalived) ?? first(c.Kw_lvsh)!;
  const engine = cx.v(kw, kw.image as "keepalived" | "lvsh");
  const t = first(c.confPath);
  if (!t) return { kind: "engine", span: cx.stmt, engine };
  const path = cx.take(val.parseConfPath(cx.text(t), cx.span(t)));
  return path === undefined ? undefined : { kind: "engine", span: cx.stmt, engine, path: cx.v(t, path) };
}

export function syncStatement(cx: AstContext, c: C.SyncStatementCstChildren): A.SyncStmt | undefined {
  const ifTok = first(c.iface)?.children.AnyWord[0];
  if (!ifTok) return { kind: "sync", span: cx.stmt };
  const iface = cx.take(val.parseIface(cx.text(ifTok), cx.span(ifTok)));
  const it = first(c.syncId);
  const id = it ? cx.take(val.parseInteger(cx.text(it), cx.span(it), "a sync id", limits.syncId.min, limits.syncId.max, "invalid-sync-id")) : undefined;
  if (iface === undefined || (it && id === undefined)) return undefined;
  return { kind: "sync", span: cx.stmt, iface: cx.v(ifTok, iface), ...(it && id !== undefined ? { id: cx.v(it, id) } : {}) };
}
