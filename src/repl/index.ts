/**
 * The interactive shell: node:readline with an lvsh completer and its own
 * line handling, over the same Session as scripts. The prompt shows the
 * target, the context, the steps a commit would run and a pending `commit
 * confirmed`; a statement left incomplete (or ended by `\`) continues on
 * the next line and goes into the history whole; Tab works as in bash (the
 * common part at once, the list on a second Tab); Ctrl-C clears the line;
 * Ctrl-L clears the screen; Ctrl-D or `exit` with uncommitted changes asks
 * first. Before every command the shell notices what changed meanwhile (a
 * revision committed by another lvsh or by the confirm timer) and says so.
 * While `watch` runs, the keys go to it (q or Ctrl-C leave it), none into
 * the line; the terminal stays in readline's mode and the prompt comes back.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import readline, { type Interface } from "node:readline";
import { Writable } from "node:stream";
import type { Target } from "../exec/index.js";
import { openSession, type FrontIO, type Session } from "../session/index.js";
import { selfCommand } from "../util/self.js";
import { VERSION } from "../util/version.js";
import { counted } from "../util/words.js";
import { writeNow } from "../util/out.js";
import { complete, type CompletionContext } from "../complete/index.js";
import { serviceKeyOf } from "../model/index.js";
import { parse, shellSource } from "../lang/index.js";
import { overdueConfirm, readPending } from "../txn/index.js";
import { confirmPrompt } from "./prompt.js";
import { askSetup } from "./setup.js";

/** Commands of the shell itself (not statements of the language). */
export const shellCommands: Readonly<Record<string, string>> = {
  setup: "a guided set-up of a VIP, a service and its real servers",
  exit: "leave the shell (asks first if there are uncommitted changes)",
};

/** `0:42`: what is left of a deadline. */
function left(deadline: string, now = Date.now()): string {
  const s = Math.max(0, Math.ceil((Date.parse(deadline) - now) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The prompt: the target, where statements apply, the steps a commit would run now, a pending confirmation. */
export function promptText(session: Session, sim: boolean, continuing = false): string {
  if (continuing) return "...> ";
  const svc = session.context.service ? session.candidate.services.get(session.context.service) : undefined;
  const where = svc ? serviceKeyOf(svc).replace(/^tcp /, "") : (session.context.vip ?? "");
  const n = session.pendingSteps();
  let confirm = "";
  try {
    const p = session.site ? readPending(session.site) : undefined;
    if (p) confirm = ` [confirm ${left(p.deadline)}]`;
  } catch {
    /* a damaged pending file is said by the next command */
  }
  return `lvsh(${sim ? "sim" : "real"})${where ? ` ${where}` : ""}${n ? ` [${n}]` : ""}${confirm}> `;
}

function completionContext(session: Session, netns: () => readonly string[]): CompletionContext {
  return {
    config: session.candidate,
    context: session.context,
    running: session.running,
    links: Object.fromEntries(Object.entries(session.links).map(([h, ls]) => [h, ls.map((l) => l.name)])),
    revisions: session.site?.revisionNumbers() ?? [],
    listDir: (dir) => {
      try {
        return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
      } catch {
        return [];
      }
    },
    netns,
  };
}

/** What the shell is started with (the command line's target and --yes). */
export interface ShellOptions {
  readonly target?: Target | undefined;
  readonly yes: boolean;
}

/** The history file: one statement per line, oldest first. */
function loadHistory(path: string | undefined): string[] {
  if (!path) return [];
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter(Boolean)
      .reverse()
      .slice(0, 1000);
  } catch {
    return [];
  }
}

export async function startRepl(common: ShellOptions, frontIO: FrontIO): Promise<number> {
  let rl: Interface | undefined;
  /** While `watch` runs: where keys go instead of the line (q or Ctrl-C leave it). */
  let watching: ((s: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => void) | undefined;
  const io: FrontIO = Object.assign(Object.create(frontIO) as FrontIO, {
    live: (stop: () => void) => {
      watching = (s, key) => {
        if (s === "q" || s === "Q" || (key?.ctrl && key.name === "c")) stop();
      };
      return () => {
        watching = undefined;
      };
    },
  });
  const ask = async (question: string, detail: string) => {
    io.stdout(detail.endsWith("\n") ? detail : `${detail}\n`);
    return confirmPrompt(rl, question);
  };
  const { session, choice, diagnostics } = await openSession(io, { target: common.target, yes: common.yes, lvshCommand: selfCommand(), ...(io.tty ? { ask } : {}) });
  const sim = choice.target === "sim";
  io.stdout(
    `lvsh ${VERSION} on ${sim ? `the simulated target (${choice.why})` : `real hosts (${choice.why})`}. \`help\` lists the statements, \`setup\` guides you; nothing changes until \`commit\`.\n`,
  );
  if (diagnostics.length) io.stderr(session.render(diagnostics) + "\n");
  let netnsCache: string[] | undefined;
  const netns = () => (netnsCache ??= spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout?.split("\n").map((l) => l.split(" ")[0]!).filter(Boolean) ?? []);
  const historyFile = session.site?.paths.history;

  /** Fragments of a statement that continues on the next line. */
  let fragments: string[] = [];
  let n = 0;
  let busy = false;

  const candidates = (line: string): { values: string[]; partial: string } => {
    const text = [...fragments, line].join(" ");
    const c = complete(text, text.length, completionContext(session, netns));
    let values = c.items.map((i) => i.value);
    if (!fragments.length && (c.start === 0 || /^\s*$/.test(text.slice(0, c.start)))) values = [...values, ...Object.keys(shellCommands).filter((k) => k.startsWith(c.partial))];
    return { values, partial: c.partial };
  };

  rl = readline.createInterface({
    input: process.stdin,
    // not a terminal (a script on stdin, output to a pipe): the prompts go out as the rest does
    // (util/out.ts: whole, in order with stderr, quiet when the reader has gone)
    output: io.tty ? process.stdout : new Writable({ write: (chunk: Uint8Array, _enc, done) => (writeNow(1, chunk), done()) }),
    terminal: io.tty,
    history: loadHistory(historyFile),
    historySize: 1000,
    removeHistoryDuplicates: true,
    completer: (line: string) => {
      const { values, partial } = candidates(line);
      // a single candidate completes with the space that comes after it; several: bash's way (common part, then the list on a second Tab)
      return [values.length === 1 && !values[0]!.endsWith("/") ? [`${values[0]} `] : values, partial];
    },
  });
  const prompt = () => {
    rl!.setPrompt(promptText(session, sim, fragments.length > 0));
    rl!.prompt();
  };

  /** A whole statement goes into the history as one line (the fragments readline kept are replaced). */
  const remember = (statement: string, lines: number) => {
    const h = (rl as unknown as { history?: string[] }).history;
    if (h) {
      h.splice(0, lines);
      if (h[0] !== statement) h.unshift(statement);
    }
    if (historyFile) {
      try {
        appendFileSync(historyFile, statement.replace(/\n/g, " ") + "\n", { mode: 0o600 });
      } catch {
        /* no history on a read-only state directory */
      }
    }
  };

  /** What changed since the last command: an overdue confirmation reverted, another lvsh's revision (re-based on). */
  const notice = async (): Promise<void> => {
    if (!session.site) return;
    const said: string[] = [];
    await overdueConfirm(session.site, (t) => said.push(t));
    const ds = session.syncRevision();
    if (said.length) io.stderr(said.join(""));
    if (ds.length) io.stderr(session.render(ds) + "\n");
  };

  /** `clear` typed in the shell stages removing everything: say how much, and ask (people type `clear` to clear the screen). */
  const confirmClear = async (text: string): Promise<boolean> => {
    if (!parse(text, "<shell>").statements.some((s) => s.kind === "clear")) return true;
    if (session.candidate.vips.size === 0 && session.candidate.services.size === 0) return true;
    const destroy = session.pendingSteps(true);
    io.stdout(`\`clear\` stages removing everything lvsh manages: ${counted(destroy, "step")} to destroy, applied by \`commit\`. (Ctrl-L clears the screen.)\n`);
    return confirmPrompt(rl, "stage removing everything?");
  };

  const runStatement = async (text: string, lines: number): Promise<void> => {
    remember(text, lines);
    if (!(await confirmClear(text))) {
      io.stdout("not staged.\n");
      return;
    }
    // the shell's lines are numbered as typed: setup's statements take one number each
    const file = shellSource(n + 1);
    n += text.split("\n").length;
    const outcome = await session.run(text, file);
    if (outcome.diagnostics.length) io.stderr(session.render(outcome.diagnostics) + "\n");
  };

  const leave = async (): Promise<void> => {
    const pending = session.hasStaged ? session.pendingSteps() : 0;
    if (pending && !(await confirmPrompt(rl, `discard ${counted(pending, "uncommitted change")}?`))) {
      prompt();
      return;
    }
    rl!.close();
  };

  const handle = async (line: string): Promise<void> => {
    // `\` at the end of a line: the statement goes on
    if (/\\\s*$/.test(line)) {
      fragments.push(line.replace(/\\\s*$/, ""));
      return;
    }
    const text = [...fragments, line].join(" ").trim();
    const lines = fragments.length + 1;
    if (!text) {
      fragments = [];
      return;
    }
    const word = text.split(/\s+/)[0];
    if (!fragments.length && (text === "exit" || text === "quit")) {
      remember(text, 1);
      await leave();
      return;
    }
    if (!fragments.length && text === "setup") {
      remember("setup", 1);
      const statements = await askSetup(rl, session, io);
      if (statements) {
        io.stdout(`# setup stages:\n${statements}\n`);
        for (const s of statements.split("\n")) remember(s, 0);
        await runStatement(statements, 0);
      }
      return;
    }
    // a statement left incomplete continues on the next line
    if (parse(text, "<shell>").diagnostics.some((d) => d.code === "incomplete-statement") && word !== undefined) {
      fragments.push(line);
      return;
    }
    fragments = [];
    await notice();
    await runStatement(text, lines);
  };

  // Ctrl-C clears the line (and a statement being continued); it never leaves the shell
  rl.on("SIGINT", () => {
    if (busy) return;
    rl!.write("", { ctrl: true, name: "e" });
    rl!.write("", { ctrl: true, name: "u" });
    fragments = [];
    io.stdout("^C\n");
    prompt();
  });
  // Ctrl-D on an empty line leaves, asking first when there are uncommitted changes
  if (io.tty) {
    const originals = process.stdin.listeners("keypress") as ((s: string, key: { ctrl?: boolean; name?: string }) => void)[];
    for (const l of originals) process.stdin.removeListener("keypress", l);
    process.stdin.on("keypress", (s: string, key: { ctrl?: boolean; name?: string }) => {
      // a live view has the keys: none goes into the line under it
      if (watching) return watching(s, key);
      if (key?.ctrl && key.name === "d" && rl!.line === "" && !busy) return void leave();
      for (const l of originals) l.call(process.stdin, s, key);
    });
  }
  // while the shell waits, say what changed (a revision the confirm timer or another lvsh committed)
  let seen = session.site?.latest()?.number ?? 0;
  const watch = setInterval(() => {
    if (busy || !session.site) return;
    try {
      const now = session.site.latest()?.number ?? 0;
      const promptNow = promptText(session, sim, fragments.length > 0);
      if (now !== seen) {
        seen = now;
        if (io.tty) {
          readline.clearLine(process.stdout, 0);
          readline.cursorTo(process.stdout, 0);
        }
        void notice().then(() => {
          rl!.setPrompt(promptText(session, sim, fragments.length > 0));
          rl!.prompt(true);
        });
      } else if (rl!.line === "" && promptNow !== rl!.getPrompt()) {
        rl!.setPrompt(promptNow);
        rl!.prompt(true);
      }
    } catch {
      /* said by the next command */
    }
  }, 1000);
  watch.unref();

  // lines are handled one at a time, in order (pasted or piped ones arrive together)
  const queue: string[] = [];
  let draining: Promise<void> = Promise.resolve();
  const drain = async (): Promise<void> => {
    while (queue.length) {
      busy = true;
      try {
        await handle(queue.shift()!);
      } catch (e) {
        io.stderr(`lvsh: internal error: ${(e as Error).stack ?? String(e)}\n`);
      }
      busy = false;
      seen = session.site?.latest()?.number ?? seen;
      if (!closed) prompt();
    }
  };
  let closed = false;
  prompt();
  rl.on("line", (line) => {
    queue.push(line);
    if (queue.length === 1 && !busy) draining = drain();
  });
  return new Promise((resolve) =>
    rl!.on("close", () => {
      closed = true;
      clearInterval(watch);
      // what was typed (or piped) before the end still runs
      void draining.then(drain).then(() => {
        io.stdout("\n");
        void session.close().then(() => resolve(0));
      });
    }),
  );
}
