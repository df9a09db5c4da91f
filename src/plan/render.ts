/**
 * Plans as text, shell or JSON. Text is the steps in the order they run,
 * numbered, each marked as Terraform marks changes (`+ ~ - -/+`), with a
 * summary line. Shell is the same steps as commands, each line pasteable
 * into a shell on its host.
 */
import { describeTransport, type ReadyCheck, type TransportSpec } from "../model/index.js";
import { counted, shellJoin } from "../util/index.js";
import type { Span } from "../lang/index.js";
import type { Change, Plan } from "./types.js";

const marks: Record<Change["action"], string> = { create: "+", update: "~", delete: "-", replace: "-/+" };

function hostTitle(name: string, t: TransportSpec | undefined): string {
  return t ? `${name} (${describeTransport(t)})` : name;
}

export function summaryLine(plan: Plan): string {
  const { add, change, destroy } = plan.summary;
  return `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`;
}

/** `9 steps on 3 hosts`. */
export function stepsLine(plan: Plan): string {
  if (!plan.steps.length) return "no step";
  return `${counted(plan.steps.length, "step")} on ${counted(new Set(plan.steps.map((s) => s.host)).size, "host")}`;
}

export interface PlanTextOptions {
  /** Each step's command (and its undo) instead of what it does: `show plan commands`. */
  readonly commands?: boolean;
  /** Where a statement is, and its text when known (`line 3: add rs .4`). */
  readonly origin?: (span: Span) => string;
}

/**
 * `show plan` and the commit's preview: the steps in the order they run,
 * numbered as the journal, `--dry-run` and a failure report number them,
 * under the host they run on (a new heading each time the host changes),
 * each with the statement it comes from.
 */
export function renderPlanText(plan: Plan, opts: PlanTextOptions = {}): string {
  if (plan.steps.length === 0) return "No changes. The running state matches the candidate.";
  const action = new Map(plan.changes.map((c) => [`${c.host}\0${c.key}`, c.action]));
  const width = String(plan.steps.at(-1)!.id).length;
  const lines: string[] = [];
  let current: string | undefined;
  for (const s of plan.steps) {
    if (s.host !== current) {
      current = s.host;
      lines.push(hostTitle(s.host, plan.hosts[s.host]));
    }
    const n = String(s.id).padStart(width + 2);
    if (opts.commands) {
      lines.push(`${n}  ${shellJoin(s.argv)}`, `${" ".repeat(width + 4)}undo: ${s.wait ? "nothing (a wait changes nothing)" : s.ready || s.readOnly ? "nothing (a check changes nothing)" : s.undo ? shellJoin(s.undo) : `none (${s.undoReason ?? "cannot be undone"})`}`);
      continue;
    }
    // a check changes nothing: no mark
    const mark = s.ready || s.readOnly ? "" : marks[action.get(`${s.host}\0${s.change}`) ?? "update"];
    const from = s.span && opts.origin ? `  [${opts.origin(s.span)}]` : "";
    lines.push(`${n}  ${mark.padEnd(3)} ${s.reason}${from}`);
  }
  lines.push("", `${summaryLine(plan)} ${stepsLine(plan)}.`);
  return lines.join("\n");
}

/** `--dry-run`: the commands, grouped by host in execution order, pasteable. */
export function renderPlanShell(plan: Plan): string {
  const lines = [`# lvsh plan: ${stepsLine(plan)}; nothing has been applied.`];
  if (plan.steps.length === 0) lines.push("# no changes: the running state matches the candidate");
  let current: string | undefined;
  for (const s of plan.steps) {
    if (s.host !== current) {
      current = s.host;
      lines.push("", `# on ${hostTitle(s.host, plan.hosts[s.host])}`);
    }
    lines.push(`${shellJoin(s.argv)}  # ${s.id}. ${s.reason}`);
  }
  lines.push("", `# ${summaryLine(plan)}`);
  return lines.join("\n");
}

export interface PlanJson {
  steps: {
    id: number;
    host: string;
    argv: string[];
    undo: string[] | null;
    undoReason?: string;
    reason: string;
    change: string;
    phase: number;
    source?: string;
    /** A drain's wait (lvsh polls the director; argv is the same wait as a shell loop). */
    wait?: { service: string[]; dest: string; timeout: number; force: boolean };
    /** A real server's readiness check (lvsh reads its host; argv is the same check for a shell). */
    ready?: ReadyCheck;
  }[];
  hosts: Plan["hosts"];
  summary: Plan["summary"];
  fingerprint: string;
}

export function planToJson(plan: Plan): PlanJson {
  return {
    steps: plan.steps.map((s) => ({
      id: s.id,
      host: s.host,
      argv: [...s.argv],
      undo: s.undo ? [...s.undo] : null,
      ...(s.undoReason ? { undoReason: s.undoReason } : {}),
      reason: s.reason,
      change: s.change,
      phase: s.phase,
      ...(s.span ? { source: `${s.span.file}:${s.span.line}:${s.span.col}` } : {}),
      ...(s.wait ? { wait: { service: [...s.wait.service], dest: s.wait.dest, timeout: s.wait.timeout, force: s.wait.force } } : {}),
      ...(s.ready ? { ready: { ...s.ready } } : {}),
    })),
    hosts: plan.hosts,
    summary: plan.summary,
    fingerprint: plan.fingerprint,
  };
}
