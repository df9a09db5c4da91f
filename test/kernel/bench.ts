/**
 * The bench scenario (guest/scenario-bench.sh) from the host's side: its
 * result, the ratio lvsh / bare `ipvsadm -R`, and the breakdown of the lvsh
 * run read from the kernel's sched_process_{fork,exec,exit} trace. Pure.
 */
import type { LvshRun } from "./checks.js";

export interface BenchResult {
  services: number;
  per_service: number;
  entries: number;
  node_ms: number;
  lvsh_version_ms: number;
  /** The bare `ipvsadm -R` runs, before and after each of lvsh's. */
  bare_ms: number[];
  /** Every lvsh run's time (the first is `lvsh`, traced); older results have none. */
  lvsh_runs_ms?: number[];
  bare_lines: number;
  save_ms: number;
  thresholds_ms: number;
  clear_ms: number[];
  lvsh: LvshRun;
  lvsh_lines: number;
  same_table: boolean;
  /** Why there is no trace; "" when there is one. */
  tracing: string;
  trace: string;
}

interface Proc {
  pid: number;
  parent: number;
  forked: number;
  execs: { file: string; at: number }[];
  exited?: number;
}

/** The processes of a sched_process_{fork,exec,exit} trace (timestamps in seconds). */
export function parseSchedTrace(text: string): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  const get = (pid: number, at: number): Proc => {
    let p = procs.get(pid);
    if (!p) {
      p = { pid, parent: 0, forked: at, execs: [] };
      procs.set(pid, p);
    }
    return p;
  };
  for (const line of text.split("\n")) {
    const m = /\s(\d+\.\d+): (sched_process_\w+): (.*)$/.exec(line);
    if (!m) continue;
    const at = Number(m[1]);
    const f = Object.fromEntries([...m[3]!.matchAll(/(\w+)=(\S+)/g)].map((x) => [x[1], x[2]]));
    if (m[2] === "sched_process_fork") {
      const c = get(Number(f.child_pid), at);
      c.parent = Number(f.pid);
      c.forked = at;
    } else if (m[2] === "sched_process_exec") get(Number(f.pid), at).execs.push({ file: String(f.filename), at });
    else if (m[2] === "sched_process_exit") get(Number(f.pid), at).exited = at;
  }
  return procs;
}

export interface Segment {
  /** `node` for lvsh's own work between commands; else the command (with what it ran, for a batch). */
  what: string;
  ms: number;
}

export interface Breakdown {
  /** From node's exec to its exit. */
  nodeMs: number;
  /** In order: node's work and the commands it ran. */
  segments: Segment[];
  /** Totals by kind: `node`, and each command's name. */
  totals: Record<string, number>;
}

const base = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/** What a child of node ran: its last program, and for a shell the programs the shell ran. */
function describe(p: Proc, procs: Map<number, Proc>): string {
  const prog = base(p.execs.at(-1)?.file ?? "?");
  if (prog !== "sh" && prog !== "bash") return prog;
  const kids = [...procs.values()].filter((c) => c.parent === p.pid && c.execs.length).sort((a, b) => a.forked - b.forked);
  return `${prog}: ${kids.map((k) => base(k.execs.at(-1)!.file)).join(", ")}`;
}

/**
 * lvsh's run as segments: node's start-up up to its first command, each
 * command it started (a read of a host is one `sh` running the state tools;
 * `ipvsadm` alone is the `ipvsadm -R` of a batch), and node's own work in
 * between. Undefined when the trace has no node.
 */
export function breakdown(trace: string): Breakdown | undefined {
  const procs = parseSchedTrace(trace);
  const node = [...procs.values()].find((p) => p.execs.some((e) => base(e.file) === "node"));
  if (!node || node.exited === undefined) return undefined;
  // `timeout`'s child execs ip (netns exec), env, then node, in one process
  const execAt = node.execs.find((e) => base(e.file) === "node")!.at;
  const threads = new Set([node.pid, ...[...procs.values()].filter((p) => p.parent === node.pid && p.execs.length === 0).map((p) => p.pid)]);
  const children = [...procs.values()]
    .filter((p) => threads.has(p.parent) && p.execs.length > 0 && p.exited !== undefined)
    .sort((a, b) => a.forked - b.forked);
  const segments: Segment[] = [];
  let t = execAt;
  const ms = (a: number, b: number): number => Math.round((b - a) * 1000);
  for (const c of children) {
    if (c.forked > t) segments.push({ what: "node", ms: ms(t, c.forked) });
    segments.push({ what: describe(c, procs), ms: ms(c.forked, c.exited!) });
    t = Math.max(t, c.exited!);
  }
  if (node.exited > t) segments.push({ what: "node", ms: ms(t, node.exited) });
  const totals: Record<string, number> = {};
  for (const s of segments) {
    const k = s.what.split(":")[0]!;
    totals[k] = (totals[k] ?? 0) + s.ms;
  }
  return { nodeMs: ms(execAt, node.exited), segments, totals };
}

/**
 * Runs alternate, bare first and last (the guest's speed drifts: within one
 * boot a bare run took 7.2 s and a later one 15.3 s): each lvsh run over the
 * mean of the bare runs on either side of it, and the median of those.
 */
export function ratio(r: BenchResult): number {
  const runs = r.lvsh_runs_ms?.length ? r.lvsh_runs_ms : [r.lvsh.ms];
  if (r.bare_ms.length !== runs.length + 1) return median(runs) / median(r.bare_ms);
  return median(runs.map((ms, i) => ms / ((r.bare_ms[i]! + r.bare_ms[i + 1]!) / 2)));
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The figures, for people: the ratio, then where lvsh's time goes. */
export function benchReport(r: BenchResult): string[] {
  const secs = (ms: readonly number[]) => ms.map((m) => (m / 1000).toFixed(1)).join(", ");
  const runs = r.lvsh_runs_ms?.length ? r.lvsh_runs_ms : [r.lvsh.ms];
  const lines = [
    `${r.entries.toLocaleString("en")} IPVS entries (${r.services} services x ${r.per_service} real servers): lvsh commit ${secs(runs)} s (median ${(median(runs) / 1000).toFixed(1)}), ` +
      `bare ipvsadm -R ${secs(r.bare_ms)} s (median ${(median(r.bare_ms) / 1000).toFixed(1)}), alternating: ratio ${ratio(r).toFixed(2)}x (goal <= 2x; the median of each lvsh run over the bare runs beside it)`,
    `  node -e 0 ${r.node_ms} ms, lvsh --version ${r.lvsh_version_ms} ms; ipvsadm -Sn of the table ${r.save_ms} ms, -Ln --thresholds ${r.thresholds_ms} ms`,
  ];
  const b = r.tracing === "" ? breakdown(r.trace) : undefined;
  if (!b) {
    lines.push(`  (no breakdown: ${r.tracing || "the trace has no node process"})`);
    return lines;
  }
  const first = b.segments[0]?.what === "node" ? b.segments[0].ms : 0;
  lines.push(
    `  breakdown (kernel process trace), node ${b.nodeMs} ms from exec to exit: start-up to the first command ${first} ms, ` +
      Object.entries(b.totals)
        .map(([k, v]) => `${k === "node" ? "node's own work (all)" : k} ${v} ms`)
        .join(", "),
  );
  lines.push(`  in order: ${b.segments.map((s) => `${s.what} ${s.ms}`).join(" | ")}`);
  return lines;
}
