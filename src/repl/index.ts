/**
 * The interactive shell: node:repl with an lvsh eval. A statement left
 * incomplete at the end of a line continues on the next.
 */
import repl from "node:repl";
import type { Common } from "../cli/args.js";
import type { CliIO } from "../cli/main.js";
import { openSession } from "../cli/main.js";
import { VERSION } from "../cli/version.js";

export async function startRepl(common: Common, io: CliIO): Promise<number> {
  const { session, choice, diagnostics } = await openSession(common, io);
  const target = choice.target === "sim" ? `the simulated target (${choice.why})` : `real hosts (${choice.why})`;
  io.stdout(`lvsh ${VERSION} on ${target}. Type \`help\` for the statements; nothing changes until \`commit\`.\n`);
  if (diagnostics.length) io.stderr(session.render(diagnostics) + "\n");
  let n = 0;
  const server = repl.start({
    prompt: `lvsh(${choice.target === "sim" ? "sim" : "real"})> `,
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
          if (outcome.diagnostics.length) io.stderr(session.render(outcome.diagnostics) + "\n");
          cb(null, undefined);
        },
        (e: unknown) => cb(e as Error, undefined),
      );
    },
  });
  return new Promise((resolve) =>
    server.on("exit", () => {
      void session.close().then(() => resolve(0));
    }),
  );
}
