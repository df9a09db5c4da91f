/**
 * `watch`: samples the director every interval and shows each sample --
 * redrawn in place on a terminal (the cursor goes back up over the last
 * frame, written over line by line; the whole screen after the terminal
 * was resized), plain lines or NDJSON otherwise -- until its
 * count is reached or the person presses `q` or Ctrl-C. Each sample's
 * connections/s go into the Session's history (sparklines here and in
 * `show rs`).
 */
import type { Diagnostic, WatchStmt } from "../lang/index.js";
import { evaluate, type Config, type Context } from "../model/index.js";
import type { Session } from "./session.js";
import { readSample, sampleJson, type Sample } from "./watch-sample.js";
import { plainLines, renderFrame } from "./watch-view.js";

export interface WatchOptions {
  /** One service's key (serviceKeyOf); none: all. */
  readonly service?: string;
  readonly intervalS: number;
  /** Samples to take; none: until stopped. */
  readonly count?: number;
  readonly json: boolean;
}

/** The default interval: the kernel's rate estimator updates every 2 s. */
export const DEFAULT_INTERVAL_S = 2;

const ESC = "\x1b[";

/** Records a sample's connections/s in the session's history. */
export function remember(session: Session, sample: Sample): void {
  if (sample.unread) return;
  const values = new Map<string, number>();
  for (const s of sample.services) for (const r of s.reals) if (r.cps !== null) values.set(r.key, r.cps);
  session.rateHistory.add(sample.at.getTime(), values);
}

export async function runWatch(session: Session, o: WatchOptions): Promise<number> {
  const io = session.io;
  const terminal = io.columns !== undefined && !o.json;
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  const release = io.live?.(stop);
  let drawn = 0;
  let drawnAt: number | undefined;
  let samples = 0;
  try {
    if (terminal) io.write(`${ESC}?25l`);
    while (!stopped) {
      const sample = await readSample(session, o.service);
      remember(session, sample);
      samples++;
      if (o.json) io.write(sampleJson(sample) + "\n");
      else if (!terminal) io.write(plainLines(sample));
      else {
        const title = `watch: ${sample.at.toISOString().slice(11, 19)} UTC, every ${o.intervalS} s${o.count ? `, ${samples} of ${o.count}` : ""} (q leaves)`;
        const columns = io.columns;
        const rows = io.rows;
        const frame = renderFrame(sample, session.rateHistory, title, { ...(columns !== undefined ? { columns } : {}), ...(rows !== undefined ? { rows } : {}), ...(io.color ? { color: true } : {}) });
        // back over the last frame, each line written over and the rest of it cleared, then what
        // is left below cleared (never the whole screen from its top: terminals such as tmux keep a
        // screen cleared whole in their scrollback). After a resize the terminal may have re-wrapped
        // the last frame: the whole screen is redrawn.
        const back = !drawn ? "" : columns === drawnAt ? `${ESC}${drawn}F` : `${ESC}H${ESC}2J`;
        io.write(back + frame.replace(/\n/g, `${ESC}K\n`) + `${ESC}J`);
        drawn = frame.split("\n").length - 1;
        drawnAt = columns;
      }
      if (o.count !== undefined && samples >= o.count) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, o.intervalS * 1000);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    if (terminal) io.write(`${ESC}?25h`);
    release?.();
  }
  return samples;
}

/** The service a `watch` names, as a key of the candidate; or why not (`unknown-service` lists the services there are). */
export function watchService(s: WatchStmt, candidate: Config, context: Context): { key?: string; diagnostics: Diagnostic[] } {
  if (!s.spec) return { diagnostics: [] };
  // `:80` with no current VIP (the command line): the one service on that port, when there is one
  const spec = s.spec;
  if (spec.kind === "addr" && !spec.addr && !context.vip) {
    const proto = spec.proto?.value ?? "tcp";
    const on = [...candidate.services.entries()].filter(([, x]) => x.fwmark === null && x.port === spec.port && x.proto === proto);
    if (on.length === 1) return { key: on[0]![0], diagnostics: [] };
  }
  const r = evaluate([{ kind: "use-service", spec: s.spec, span: s.spec.span }], candidate, context);
  const known = [...candidate.services.keys()];
  const diagnostics = r.diagnostics.map((d) =>
    d.code === "unknown-service" ? { ...d, hint: known.length ? `the services are ${known.join(", ")}` : "there are no services yet" } : d,
  );
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  return { diagnostics, ...(r.context.service ? { key: r.context.service } : {}) };
}

/** The statement's options, defaults filled in. */
export function watchOptions(s: WatchStmt, key: string | undefined): WatchOptions {
  return { ...(key ? { service: key } : {}), intervalS: s.interval?.value ?? DEFAULT_INTERVAL_S, ...(s.count ? { count: s.count.value } : {}), json: !!s.json };
}
