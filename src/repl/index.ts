/**
 * The interactive shell: node:repl with an lvsh eval and completer, over
 * the same Session as scripts. The prompt shows the target, the context
 * and the pending changes; a statement left incomplete continues on the
 * next line; Ctrl-C clears the line; Ctrl-D or `exit` with uncommitted
 * changes asks first.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import repl, { type REPLServer } from "node:repl";
import type { Target } from "../exec/index.js";
import { openSession, type FrontIO } from "../session/index.js";
import { selfCommand } from "../util/self.js";
import { VERSION } from "../util/version.js";
import { complete, type CompletionContext } from "../complete/index.js";
import { compile, serviceKeyOf } from "../model/index.js";
import { makePlan } from "../plan/index.js";
import type { Session } from "../session/index.js";
import { confirmPrompt } from "./prompt.js";
import { askSetup } from "./setup.js";

/** Commands of the shell itself (not statements of the language). */
export const shellCommands: Readonly<Record<string, string>> = {
  setup: "a guided set-up of a VIP, a service and its real servers",
  exit: "leave the shell (asks first if there are uncommitted changes)",
};

/** Changes a commit would make now (against the state read last). */
export function pendingChanges(session: Session): number {
  try {
    return makePlan(session.running, compile(session.candidate), { vips: session.revision()?.vips ?? [] }).changes.length;
  } catch {
    return 0;
  }
}

export function promptText(session: Session, sim: boolean): string {
  const svc = session.context.service ? session.candidate.services.get(session.context.service) : undefined;
  const where = svc ? serviceKeyOf(svc).replace(/^tcp /, "") : (session.context.vip ?? "");
  const n = pendingChanges(session);
  return `lvsh(${sim ? "sim" : "real"})${where ? ` ${where}` : ""}${n ? ` [${n}]` : ""}> `;
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

export async function startRepl(common: ShellOptions, io: FrontIO): Promise<number> {
  let server: REPLServer | undefined;
  const ask = async (question: string, detail: string) => {
    io.stdout(detail.endsWith("\n") ? detail : `${detail}\n`);
    return confirmPrompt(server, question);
  };
  const { session, choice, diagnostics } = await openSession(io, { target: common.target, yes: common.yes, lvshCommand: selfCommand(), ...(io.tty ? { ask } : {}) });
  const sim = choice.target === "sim";
  io.stdout(`lvsh ${VERSION} on ${sim ? `the simulated target (${choice.why})` : `real hosts (${choice.why})`}. \`help\` lists the statements, \`setup\` guides you; nothing changes until \`commit\`.\n`);
  if (diagnostics.length) io.stderr(session.render(diagnostics) + "\n");
  let netnsCache: string[] | undefined;
  const netns = () => (netnsCache ??= spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout?.split("\n").map((l) => l.split(" ")[0]!).filter(Boolean) ?? []);
  let n = 0;

  const run = async (text: string): Promise<"incomplete" | void> => {
    const file = `<input:${++n}>`;
    const outcome = await session.run(text, file);
    if (outcome.diagnostics.length > 0 && outcome.diagnostics.every((d) => d.code === "incomplete-statement")) {
      n--;
      return "incomplete";
    }
    if (outcome.diagnostics.length) io.stderr(session.render(outcome.diagnostics) + "\n");
  };

  const leave = async (): Promise<void> => {
    const pending = pendingChanges(session);
    if (pending && !(await confirmPrompt(server, `discard ${pending} uncommitted change${pending === 1 ? "" : "s"}?`))) {
      server!.displayPrompt();
      return;
    }
    server!.close();
  };

  const candidates = (line: string): { values: string[]; partial: string } => {
    const c = complete(line, line.length, completionContext(session, netns));
    let values = c.items.map((i) => i.value);
    if (c.start === 0 || /^\s*$/.test(line.slice(0, c.start))) values = [...values, ...Object.keys(shellCommands).filter((k) => k.startsWith(c.partial))];
    return { values, partial: c.partial };
  };
  server = repl.start({
    prompt: promptText(session, sim),
    ignoreUndefined: true,
    // lvsh evaluates its own language: no JavaScript context (a new one needs a Console, which a startup snapshot lacks)
    useGlobal: true,
    terminal: io.tty,
    completer: (line: string, cb: (err: Error | null, result: [string[], string]) => void) => {
      const { values, partial } = candidates(line);
      // a single candidate completes inline, with the space that comes after it
      cb(null, [values.length === 1 && !values[0]!.endsWith("/") ? [`${values[0]} `] : values, partial]);
    },
    eval: (input, _ctx, _file, cb) => {
      // lines gathered after an incomplete statement continue it
      const text = input.replace(/\n$/, "").replace(/\n/g, " ");
      const word = text.trim();
      const done = () => {
        server!.setPrompt(promptText(session, sim));
        cb(null, undefined);
      };
      if (!word) return cb(null, undefined);
      if (word === "exit" || word === "quit") {
        void leave();
        return cb(null, undefined);
      }
      if (word === "setup") {
        void askSetup(server, session).then(async (statements) => {
          if (statements) {
            io.stdout(`${statements}\n`);
            await run(statements);
          }
          done();
        });
        return;
      }
      run(text).then(
        (r) => (r === "incomplete" ? cb(new repl.Recoverable(new Error("incomplete")), undefined) : done()),
        (e: unknown) => cb(e as Error, undefined),
      );
    },
  });
  if (session.site) server.setupHistory(session.site.paths.history, () => {});
  server.defineCommand("exit", { help: shellCommands.exit!, action: () => void leave() });

  // Ctrl-C clears the line (it never leaves the shell)
  server.removeAllListeners("SIGINT");
  server.on("SIGINT", () => {
    server!.clearBufferedCommand();
    server!.write("", { ctrl: true, name: "e" });
    server!.write("", { ctrl: true, name: "u" });
    io.stdout("^C\n");
    server!.displayPrompt();
  });
  // Ctrl-D on an empty line leaves, asking first when there are uncommitted changes
  if (io.tty) {
    const originals = process.stdin.listeners("keypress") as ((s: string, key: { ctrl?: boolean; name?: string }) => void)[];
    for (const l of originals) process.stdin.removeListener("keypress", l);
    process.stdin.on("keypress", (s: string, key: { ctrl?: boolean; name?: string }) => {
      if (key?.ctrl && key.name === "d" && server!.line === "") return void leave();
      for (const l of originals) l.call(process.stdin, s, key);
      // readline lists the candidates only on a second Tab; list them on the first when Tab can add nothing
      if (key?.name === "tab" && !key.ctrl) {
        const { values, partial } = candidates(server!.line.slice(0, server!.cursor));
        const common = values.reduce((a, b) => (a.startsWith(b) ? b : b.startsWith(a) ? a : [...a].filter((ch, i) => b[i] === ch).join("")), values[0] ?? "");
        if (values.length > 1 && common.length <= partial.length) for (const l of originals) l.call(process.stdin, s, key);
      }
    });
  }
  return new Promise((resolve) =>
    server!.on("exit", () => {
      void session.close().then(() => resolve(0));
    }),
  );
}
