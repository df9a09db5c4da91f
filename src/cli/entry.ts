#!/usr/bin/env node
/**
 * The lvsh executable. `__complete` (run by bash and zsh on every Tab) loads
 * only the command-line tables; everything else loads the whole program.
 */
const argv = process.argv.slice(2);

async function completion(): Promise<number> {
  const { answerComplete } = await import("./complete-args.js");
  process.stdout.write(await answerComplete(argv.slice(1), async (text, opts) => (await import("./complete-statements.js")).completeStatements(text, opts)));
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
