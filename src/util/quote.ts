/**
 * POSIX shell quoting: a word that the shell reads back as exactly this
 * string. Only a small set of characters is left bare -- none that a shell
 * expands, globs (`*`, `?`, `[`...`]`), splits or treats as syntax -- and
 * everything else is single-quoted. `=` is bare except in the first word,
 * where `NAME=value` would be an assignment, not a command.
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(arg: string, first = false): string {
  if (arg !== "" && SAFE.test(arg) && !(first && arg.includes("="))) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map((a, i) => shellQuote(a, i === 0)).join(" ");
}
