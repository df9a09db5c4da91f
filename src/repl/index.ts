/**
 * The interactive shell: node:repl with an lvsh eval. A statement left
 * incomplete at the end of a line continues on the next.
 */
import repl from "node:repl";
import { Session } from "../session/index.js";
import { VERSION } from "../cli/version.js";

export function startRepl(): Promise<number> {
  const session = new Session({ write: (t) => void process.stdout.write(t) });
  let n = 0;
  process.stdout.write(`lvsh ${VERSION}. Type \`help\` for the statements; nothing changes until \`commit\`.\n`);
  const server = repl.start({
    prompt: "lvsh> ",
    ignoreUndefined: true,
    eval: (input, _ctx, _file, cb) => {
      // lines gathered after an incomplete statement continue it
      const text = input.replace(/\n$/, "").replace(/\n/g, " ");
      if (!text.trim()) return cb(null, undefined);
      const file = `<input:${++n}>`;
      session.run(text, file).then(
        (outcome) => {
          const incomplete = outcome.diagnostics.length > 0 && outcome.diagnostics.every((d) => d.code === "incomplete-statement");
          if (incomplete) {
            n--;
            return cb(new repl.Recoverable(new Error("incomplete")), undefined);
          }
          if (outcome.diagnostics.length) process.stderr.write(session.render(outcome.diagnostics) + "\n");
          cb(null, undefined);
        },
        (e: unknown) => cb(e as Error, undefined),
      );
    },
  });
  return new Promise((resolve) => server.on("exit", () => resolve(0)));
}
