/** CST -> AST of the session statements: show, commit, confirm, rollback, abort, save, load, help. */
import type * as A from "./ast.js";
import type * as C from "./cst.js";
import { first, type AstContext } from "./to-ast-context.js";
import * as val from "./values.js";
import { error } from "./diagnostic.js";

export function showStatement(cx: AstContext, c: C.ShowStatementCstChildren): A.ShowStmt {
  const topic = first(c.ShowTopic);
  return {
    kind: "show",
    span: cx.stmt,
    ...(topic ? { topic: cx.v(topic, topic.image) } : {}),
    args: (c.arg ?? []).map((t) => cx.v(t, cx.text(t))),
  };
}

export function watchStatement(cx: AstContext, c: C.WatchStatementCstChildren, spec: A.ServiceSpec | undefined): A.WatchStmt | undefined {
  for (const [label, kw] of [["period", "Kw_interval"], ["samples", "Kw_count"]] as const) {
    if ((c[label]?.length ?? 0) > 1) cx.duplicate(`\`${c[kw]![0]!.image}\``, c[kw]![1]!, c[kw]![0]!);
  }
  const stmt: { -readonly [K in keyof A.WatchStmt]: A.WatchStmt[K] } = { kind: "watch", span: cx.stmt };
  if (spec) stmt.spec = spec;
  const p = first(c.period);
  if (p) {
    const n = cx.take(val.parseWatchInterval(cx.text(p), cx.span(p)));
    if (n !== undefined) stmt.interval = cx.v(p, n);
  }
  const s = first(c.samples);
  if (s) {
    const n = cx.take(val.parseSampleCount(cx.text(s), cx.span(s)));
    if (n !== undefined) stmt.count = cx.v(s, n);
  }
  for (const w of c.json ?? []) {
    if (cx.text(w) === "json" && !stmt.json) stmt.json = cx.v(w, true);
    else {
      cx.diags.push(error("unexpected-word", `\`watch\` takes a service first, then \`interval PERIOD\`, \`count SAMPLES\` or \`json\`; not \`${cx.text(w)}\``, cx.span(w), { hint: "usage: watch [SERVICE] [interval PERIOD] [count SAMPLES] [json]" }));
      cx.failed = true;
    }
  }
  return stmt;
}

export function doctorStatement(cx: AstContext, c: C.DoctorStatementCstChildren, spec: A.ServiceSpec | undefined, vip: A.V<string> | undefined): A.DoctorStmt {
  const stmt: { -readonly [K in keyof A.DoctorStmt]: A.DoctorStmt[K] } = { kind: "doctor", span: cx.stmt };
  if (c.Kw_candidate) stmt.candidate = cx.v(c.Kw_candidate[0]!, true);
  if (spec) stmt.spec = spec;
  if (vip) stmt.vip = vip;
  const w = first(c.json);
  if (w && cx.text(w) === "json") stmt.json = cx.v(w, true);
  else if (w) {
    cx.diags.push(error("unexpected-word", `\`doctor\` takes \`candidate\`, a VIP or a service, then \`json\`; not \`${cx.text(w)}\``, cx.span(w), { hint: "usage: doctor [candidate] [VIP|SERVICE] [json]" }));
    cx.failed = true;
  }
  return stmt;
}

export function commitStatement(cx: AstContext, c: C.CommitStatementCstChildren): A.CommitStmt | undefined {
  for (const key of ["Kw_check", "Kw_confirmed", "Kw_comment", "Kw_force", "Kw_on"] as const) {
    const toks = c[key];
    if (toks && toks.length > 1) cx.duplicate(`\`${toks[0]!.image}\``, toks[1]!, toks[0]!);
  }
  const stmt: { -readonly [K in keyof A.CommitStmt]: A.CommitStmt[K] } = { kind: "commit", span: cx.stmt };
  if (c.Kw_check) stmt.check = cx.v(c.Kw_check[0]!, true);
  if (c.Kw_force) stmt.force = cx.v(c.Kw_force[0]!, true);
  if (c.Kw_on) stmt.directorOnly = cx.v(c.Kw_on[0]!, true);
  if (c.Kw_confirmed) {
    const d = first(c.duration);
    const secs = d ? cx.take(val.parseDuration(cx.text(d), cx.span(d))) : null;
    if (secs !== undefined) stmt.confirmed = { value: secs, span: cx.span(d ?? c.Kw_confirmed[0]!) };
  }
  if (c.text) stmt.comment = cx.v(c.text[0]!, cx.text(c.text[0]!));
  return stmt;
}

export function confirmStatement(cx: AstContext, _c: C.ConfirmStatementCstChildren): A.ConfirmStmt {
  return { kind: "confirm", span: cx.stmt };
}

export function rollbackStatement(cx: AstContext, c: C.RollbackStatementCstChildren): A.RollbackStmt {
  const r = first(c.revision);
  return { kind: "rollback", span: cx.stmt, ...(r ? { revision: cx.v(r, Number(r.image)) } : {}) };
}

export function abortStatement(cx: AstContext, _c: C.AbortStatementCstChildren): A.AbortStmt {
  return { kind: "abort", span: cx.stmt };
}

export function saveStatement(cx: AstContext, c: C.SaveStatementCstChildren): A.SaveStmt {
  if ((c.path?.length ?? 0) > 1) cx.duplicate("`to`", c.Kw_to![1]!, c.Kw_to![0]!);
  if ((c.format?.length ?? 0) > 1) cx.duplicate("`format`", c.Kw_format![1]!, c.Kw_format![0]!);
  const to = first(c.path);
  const format = first(c.format);
  return {
    kind: "save",
    span: cx.stmt,
    ...(to ? { to: cx.v(to, cx.text(to)) } : {}),
    ...(format ? { format: cx.v(format, cx.text(format)) } : {}),
  };
}

export function loadStatement(cx: AstContext, c: C.LoadStatementCstChildren): A.LoadStmt {
  const t = c.path[0]!;
  return { kind: "load", span: cx.stmt, path: cx.v(t, cx.text(t)) };
}

export function helpStatement(cx: AstContext, c: C.HelpStatementCstChildren): A.HelpStmt {
  const t = first(c.topic);
  return { kind: "help", span: cx.stmt, ...(t ? { topic: cx.v(t, cx.text(t)) } : {}) };
}
