#!/usr/bin/env node
/**
 * The lvsh executable. `__complete` (run by bash and zsh on every Tab) loads
 * only the command-line tables; everything else loads the whole program.
 */
const argv = process.argv.slice(2);

async function completion(): Promise<number> {
  const { completeArgs, formatCompletion } = await import("./complete-args.js");
  const r = await completeArgs(argv[1] ?? "", argv[2] ?? "", async (text) => (await import("./complete-statements.js")).completeStatements(text));
  process.stdout.write(formatCompletion(r));
  return 0;
}

async function program(): Promise<number> {
  const { main } = await import("./main.js");
  return main(argv);
}

(argv[0] === "__complete" ? completion() : program()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`lvsh: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
