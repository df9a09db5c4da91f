/**
 * `lvsh watch [SERVICE] [--interval S] [--count N] [--json]`: the live
 * view of the Session (session/watch.ts) from the command line. On a
 * terminal, keys are read raw while it runs (`q` or Ctrl-C leaves) and the
 * terminal's mode is given back as it was; off one, Ctrl-C (SIGINT) ends
 * it the same way, after the sample being shown.
 */
import { parse, type WatchStmt } from "../lang/index.js";
import { openSession, runWatch, watchService, type FrontIO } from "../session/index.js";
import { selfCommand } from "../util/self.js";
import { WATCH_USAGE, type Invocation } from "./args.js";

type Of<K extends Invocation["kind"]> = Extract<Invocation, { kind: K }>;

/** Leaves on `q`, `Q` or Ctrl-C typed on the terminal, or on SIGINT; gives back the terminal's raw mode as it was. */
export function terminalKeys(stop: () => void): () => void {
  const stdin = process.stdin;
  const onSignal = () => stop();
  process.on("SIGINT", onSignal);
  if (!stdin.isTTY) return () => void process.off("SIGINT", onSignal);
  const wasRaw = stdin.isRaw;
  const onData = (b: Buffer) => {
    if (/[qQ\x03]/.test(b.toString("latin1"))) stop();
  };
  stdin.setRawMode(true);
  stdin.on("data", onData);
  stdin.resume();
  return () => {
    stdin.off("data", onData);
    stdin.setRawMode(wasRaw);
    stdin.pause();
    process.off("SIGINT", onSignal);
  };
}

export async function watchCmd(inv: Of<"watch">, io: FrontIO): Promise<number> {
  const live: FrontIO = Object.assign(Object.create(io) as FrontIO, { live: terminalKeys });
  const file = "<command line>";
  const text = ["watch", ...inv.service].join(" ");
  const parsed = parse(text, file);
  const stmt = parsed.statements[0];
  const { session, diagnostics: opened } = await openSession(live, { target: inv.target, yes: inv.yes, lvshCommand: selfCommand() });
  try {
    session.sources.set(file, text);
    if (opened.length && !inv.json) io.stderr(session.render(opened) + "\n");
    const refused = parsed.diagnostics.length || parsed.statements.length !== 1 || stmt?.kind !== "watch" ? parsed.diagnostics : watchService(stmt as WatchStmt, session.candidate, session.context).diagnostics;
    if (refused.some((d) => d.severity === "error") || stmt?.kind !== "watch") {
      io.stderr(`${session.render(refused)}\n${WATCH_USAGE}\n`);
      return 2;
    }
    if (stmt.interval || stmt.count || stmt.json) {
      io.stderr(`lvsh: watch: the interval, count and JSON are options here (--interval, --count, --json)\n${WATCH_USAGE}\n`);
      return 2;
    }
    const { key } = watchService(stmt, session.candidate, session.context);
    await runWatch(session, { ...(key ? { service: key } : {}), intervalS: inv.intervalS, ...(inv.count ? { count: inv.count } : {}), json: inv.json });
    return 0;
  } finally {
    await session.close();
  }
}
