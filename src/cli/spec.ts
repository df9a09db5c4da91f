/**
 * The command line, declared once: `--help`, argument parsing and the
 * shell completion scripts are all generated from these tables.
 */

export interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  readonly type: "boolean" | "string";
  /** The value's name in help, for string options. */
  readonly value?: string;
  readonly summary: string;
  /** Values to complete, when they are a fixed list. */
  readonly choices?: readonly string[];
}

export interface CommandSpec {
  readonly name: string;
  /** e.g. `FILE`. */
  readonly args: string;
  readonly summary: string;
}

export const options: readonly OptionSpec[] = [
  { long: "command", short: "c", type: "string", value: "STATEMENTS", summary: "run these statements (separated by ; or newlines)" },
  { long: "dry-run", short: "n", type: "boolean", summary: "print the plan as commands per host; apply nothing" },
  { long: "json", type: "boolean", summary: "with --dry-run: the plan as JSON" },
  { long: "help", short: "h", type: "boolean", summary: "show this help" },
  { long: "version", short: "V", type: "boolean", summary: "show the version" },
];

export const commands: readonly CommandSpec[] = [
  { name: "check", args: "FILE...", summary: "validate scripts: report every error, apply nothing" },
];

export const usageLines = [
  "lvsh                      interactive shell",
  "lvsh [OPTIONS] FILE.lvsh  run a script (also as #!/usr/bin/env lvsh)",
  "lvsh [OPTIONS] -c 'STATEMENTS'",
  "lvsh COMMAND [ARGS]",
];

export const exitCodes = [
  ["0", "success"],
  ["1", "an error in the script, or a failed commit"],
  ["2", "a usage error"],
] as const;
