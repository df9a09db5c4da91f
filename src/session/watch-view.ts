/**
 * How `watch` shows a sample: on a terminal, a frame (a table per service,
 * the real servers' last minute of connections/s as a sparkline) no wider
 * than the terminal -- the columns a narrow terminal cannot hold are left
 * out, the least needed first; off a terminal, one plain line per real
 * server per sample, no escapes. Pure.
 */
import { sparkline, type RateHistory } from "./sparkline.js";
import { renderTable } from "./table.js";
import type { RealSample, Sample } from "./watch-sample.js";

/** 1234567 -> `1.2M`: bytes/s in a cell. */
export function humanRate(n: number | null): string {
  if (n === null) return "-";
  for (const [limit, suffix] of [[1e9, "G"], [1e6, "M"], [1e3, "K"]] as const) {
    if (n >= limit) return `${(n / limit).toFixed(n >= limit * 10 ? 0 : 1)}${suffix}`;
  }
  return String(n);
}

const num = (n: number | null) => (n === null ? "-" : String(n));

/** The mark before a real server: `~` at weight 0 (no new connections), `!` in the configuration but not in the kernel. */
export function realMark(r: RealSample): string {
  // a no-break space: the mark stays with its address when a cell wraps
  return r.state === "quiesced" ? "~\u00a0" : r.state === "missing" ? "!\u00a0" : r.state === "down" ? "x\u00a0" : "";
}

interface Column {
  readonly head: string;
  readonly cell: (r: RealSample, spark: string) => string;
}

const col = (head: string, cell: Column["cell"]): Column => ({ head, cell });
const RS = col("real server", (r) => realMark(r) + r.rs);
const SPARK = col("conn/s, last minute", (_r, s) => s);

/** From the widest to the narrowest: the first that fits is drawn. */
const LAYOUTS: readonly (readonly Column[])[] = [
  [RS, col("weight", (r) => num(r.weight)), col("active", (r) => num(r.active)), col("inactive", (r) => num(r.inactive)), col("conn/s", (r) => num(r.cps)), col("pkt/s in", (r) => num(r.inpps)), col("pkt/s out", (r) => num(r.outpps)), col("B/s in", (r) => humanRate(r.inbps)), col("B/s out", (r) => humanRate(r.outbps)), SPARK],
  [RS, col("weight", (r) => num(r.weight)), col("active", (r) => num(r.active)), col("inactive", (r) => num(r.inactive)), col("conn/s", (r) => num(r.cps)), col("B/s in", (r) => humanRate(r.inbps)), col("B/s out", (r) => humanRate(r.outbps)), SPARK],
  [RS, col("w", (r) => num(r.weight)), col("act", (r) => num(r.active)), col("inact", (r) => num(r.inactive)), col("c/s", (r) => num(r.cps)), col("last min", (_r, s) => s)],
  [RS, col("w", (r) => num(r.weight)), col("c/s", (r) => num(r.cps)), col("last min", (_r, s) => s)],
];

const SPARK_WIDTHS = [30, 20, 12, 8, 4];

const fits = (text: string, columns: number | undefined) => columns === undefined || (text.startsWith("┌") || text.startsWith("\x1b[90m┌")) && text.split("\n").every((l) => visible(l) <= columns);
const visible = (l: string) => l.replace(/\x1b\[[0-9;]*m/g, "").length;

/** A line cut to the terminal's width. */
const cut = (l: string, columns: number | undefined) => (columns !== undefined && l.length > columns ? l.slice(0, Math.max(0, columns - 1)) + "…" : l);

export interface FrameStyle {
  readonly columns?: number;
  /** The terminal's height: a taller frame would scroll (and could not be redrawn in place). */
  readonly rows?: number;
  readonly color?: boolean;
}

/** One service's table at the widest layout (and sparkline) that fits: first one line per real server, else wrapped. */
function serviceTable(reals: readonly RealSample[], history: RateHistory, style: FrameStyle): string {
  const max = history.max();
  for (const oneLine of [true, false]) {
    for (const layout of LAYOUTS) {
      for (const w of SPARK_WIDTHS) {
        const rows = reals.map((r) => layout.map((c) => c.cell(r, sparkline(history.values(r.key), w, max) || "-")));
        const text = renderTable(layout.map((c) => c.head), rows, style);
        // top, header, rule, the rows, bottom
        if (fits(text, style.columns) && (!oneLine || text.trimEnd().split("\n").length === rows.length + 4)) return text;
      }
    }
  }
  // narrower than any table: the vertical form renderTable falls back to
  const last = LAYOUTS[LAYOUTS.length - 1]!;
  return renderTable(last.map((c) => c.head), reals.map((r) => last.map((c) => c.cell(r, sparkline(history.values(r.key), 4, max) || "-"))), style);
}

/** A whole frame for a terminal: a title line, each service and its table, the legend of the marks. */
export function renderFrame(sample: Sample, history: RateHistory, title: string, style: FrameStyle): string {
  const lines: string[] = [cut(title, style.columns)];
  if (sample.unread) lines.push(cut(`cannot read the director: ${sample.unread}`, style.columns));
  else if (!sample.services.length) lines.push("no services");
  for (const s of sample.services) {
    lines.push(cut(`${s.service}${s.running ? "" : " (not in the kernel)"}`, style.columns));
    if (s.reals.length) lines.push(serviceTable(s.reals, history, style).trimEnd());
    else lines.push("  no real servers");
  }
  const states = new Set(sample.services.flatMap((s) => s.reals.map((r) => r.state)));
  const legend = [...(states.has("quiesced") ? ["~ weight 0: no new connections"] : []), ...(states.has("missing") ? ["! configured, not in the kernel"] : []), ...(states.has("down") ? ["x down (check): keepalived's health check took it out"] : [])];
  if (legend.length) lines.push(cut(legend.join("; "), style.columns));
  const all = lines.join("\n").split("\n");
  // the line under the frame is where the cursor waits: the frame takes one row fewer than the terminal
  if (style.rows !== undefined && all.length > style.rows - 1) {
    const keep = Math.max(1, style.rows - 2);
    return [...all.slice(0, keep), cut(`… ${all.length - keep} more lines than the terminal has rows; \`watch SERVICE\` shows one service`, style.columns)].join("\n") + "\n";
  }
  return all.join("\n") + "\n";
}

/** Off a terminal: one line per real server, `TIME SERVICE RS key value ...`. */
export function plainLines(sample: Sample): string {
  const t = sample.at.toISOString();
  if (sample.unread) return `${t} unread ${JSON.stringify(sample.unread)}\n`;
  const lines = sample.services.flatMap((s) =>
    s.reals.map((r) => `${t} ${s.service} ${r.rs} state ${r.state} weight ${num(r.weight)} active ${num(r.active)} inactive ${num(r.inactive)} cps ${num(r.cps)} inpps ${num(r.inpps)} outpps ${num(r.outpps)} inbps ${num(r.inbps)} outbps ${num(r.outbps)}`),
  );
  return lines.length ? lines.join("\n") + "\n" : `${t} no real servers\n`;
}
