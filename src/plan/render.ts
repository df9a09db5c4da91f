/**
 * Plans as text, shell or JSON. Text is Terraform's: one line per change
 * with `+ ~ - -/+` and a summary line. Shell is the steps, grouped by host
 * in the order they run, each line pasteable into a shell on that host.
 */
import { describeTransport, type TransportSpec } from "../model/index.js";
import { shellJoin } from "../util/index.js";
import type { Change, Plan, Step } from "./types.js";

const marks: Record<Change["action"], string> = { create: "+", update: "~", delete: "-", replace: "-/+" };

function hostTitle(name: string, t: TransportSpec | undefined): string {
  return t ? `${name} (${describeTransport(t)})` : name;
}

export function summaryLine(plan: Plan): string {
  const { add, change, destroy } = plan.summary;
  return `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`;
}

function where(s: { span?: Step["span"] }): string {
  return s.span ? `${s.span.file}:${s.span.line}` : "";
}

/** `show plan`: the changes per host. */
export function renderPlanText(plan: Plan): string {
  if (plan.changes.length === 0) return "No changes. The running state matches the candidate.";
  const byHost = new Map<string, Change[]>();
  for (const c of plan.changes) byHost.set(c.host, [...(byHost.get(c.host) ?? []), c]);
  const lines: string[] = [];
  const ordered = [...new Set(plan.steps.map((s) => s.host))];
  for (const host of ordered) {
    lines.push(hostTitle(host, plan.hosts[host]));
    for (const c of byHost.get(host) ?? []) {
      const at = where(c);
      lines.push(`  ${marks[c.action].padEnd(3)} ${c.reason}${at ? `  [${at}]` : ""}`);
    }
  }
  lines.push("", summaryLine(plan), `${plan.steps.length} steps on ${ordered.length} host${ordered.length === 1 ? "" : "s"}.`);
  return lines.join("\n");
}

/** `--dry-run`: the commands, grouped by host in execution order, pasteable. */
export function renderPlanShell(plan: Plan): string {
  const hosts = new Set(plan.steps.map((s) => s.host));
  const lines = [`# lvsh plan: ${plan.steps.length} steps on ${hosts.size} host${hosts.size === 1 ? "" : "s"}; nothing has been applied.`];
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
    })),
    hosts: plan.hosts,
    summary: plan.summary,
    fingerprint: plan.fingerprint,
  };
}
