/**
 * The command line, declared once: `--help`, argument parsing and the
 * shell completion scripts are all generated from these tables.
 */
import { exportFormats, formats, names, saveFormats } from "../interop/formats.js";
import { showTopicSpecs } from "../lang/show-topics.js";

export interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  readonly type: "boolean" | "string";
  /** The value's name in help, for string options. */
  readonly value?: string;
  readonly summary: string;
  /** Values to complete, when they are a fixed list. */
  readonly choices?: readonly string[];
  /** What each choice is, for completion menus. */
  readonly choiceDocs?: Readonly<Record<string, string>>;
  /**
   * The subcommands it goes with ("" is a script, -c or the shell: no
   * subcommand); none: it goes with every one. The parser refuses it
   * elsewhere, completion offers it only there.
   */
  readonly for?: readonly string[];
}

export interface CommandSpec {
  readonly name: string;
  /** e.g. `FILE`. */
  readonly args: string;
  readonly summary: string;
  /** Values of the first argument, when a fixed list. */
  readonly choices?: readonly string[];
  /** What each choice is, for completion menus. */
  readonly choiceDocs?: Readonly<Record<string, string>>;
  /** Not shown in help or completion (internal). */
  readonly hidden?: boolean;
}

export const options: readonly OptionSpec[] = [
  { long: "command", short: "c", type: "string", value: "STATEMENTS", summary: "run these statements (separated by ; or newlines)", for: [""] },
  { long: "dry-run", short: "n", type: "boolean", summary: "plan against the running state, print the commands per host; apply nothing", for: [""] },
  { long: "json", type: "boolean", summary: "with --dry-run, show or doctor: JSON; with watch: one JSON object per sample and line", for: ["", "show", "watch", "doctor"] },
  { long: "yes", short: "y", type: "boolean", summary: "answer yes to questions (commit over many hosts, over drift)" },
  { long: "parallel", type: "string", value: "N", summary: "commit to at most N hosts at once in the real servers' phases (default 16, or `parallel = N` in the state directory's settings file)" },
  { long: "sim", type: "boolean", summary: "use the simulated target (kept in the state directory)" },
  {
    long: "target",
    type: "string",
    value: "TARGET",
    summary: "sim or local (real hosts); default: local as root with IPVS, else sim",
    choices: ["sim", "local"],
    choiceDocs: { sim: "the simulated target (kept in the state directory)", local: "the real hosts" },
  },
  { long: "from", type: "string", value: "FILE", summary: "import: read an ipvsadm -S file, an arptables-save file or a keepalived.conf instead of the hosts (repeatable)", for: ["import"] },
  { long: "rs", type: "string", value: "ADDR", summary: "import: also read this real server (repeatable)", for: ["import"] },
  {
    long: "format",
    type: "string",
    value: "FORMAT",
    summary: `export/save: ${names(exportFormats).join(", ")} (export); ${names(saveFormats).join(", ")} (save)`,
    choices: names(formats),
    choiceDocs: Object.fromEntries(formats.map((f) => [f.name, f.summary])),
    for: ["export", "save"],
  },
  { long: "to", type: "string", value: "PATH", summary: "save/export: where to write (a file or a directory)", for: ["export", "save"] },
  { long: "interval", type: "string", value: "SECONDS", summary: "watch: seconds between two samples (default 2)", for: ["watch"] },
  { long: "count", type: "string", value: "N", summary: "watch: stop after N samples (default: until q or Ctrl-C)", for: ["watch"] },
  { long: "help", short: "h", type: "boolean", summary: "show this help" },
  { long: "version", short: "V", type: "boolean", summary: "show the version" },
];

export const commands: readonly CommandSpec[] = [
  { name: "check", args: "FILE...", summary: "validate scripts (from the last revision, read offline): report every error, apply nothing" },
  {
    name: "show",
    args: "TOPIC",
    summary: "show a topic: plan, diff, candidate, running, rs, services, hosts, history (what each takes: `lvsh -c 'help show'`; --json: JSON)",
    choices: showTopicSpecs.map((t) => t.name),
    choiceDocs: Object.fromEntries(showTopicSpecs.map((t) => [t.name, t.summary])),
  },
  { name: "watch", args: "[SERVICE] [--interval SECONDS] [--count N] [--json]", summary: "a live view of the services' real servers: connections, rates, a sparkline; q leaves" },
  {
    name: "doctor",
    args: "[candidate] [VIP|SERVICE] [--json]",
    summary: "check every host of the committed configuration: what breaks traffic, where, and the statement that fixes it; exit 1 on an error",
  },
  { name: "recover", args: "", summary: "after lvsh died mid-commit: bring every host back to the state before it" },
  { name: "import", args: "[--from FILE]... | [--rs ADDR]...", summary: "print the running balancer (or files') as an lvsh script" },
  { name: "export", args: "[--format FORMAT] [--to PATH] [FILE.lvsh]", summary: `the committed configuration (or a script's) as ${names(exportFormats).join(", ")}` },
  { name: "save", args: "[--to PATH] [--format lvsh|ipvsadm]", summary: "make the committed configuration survive a reboot" },
  { name: "completion", args: "SHELL", summary: "print the bash or zsh completion script", choices: ["bash", "zsh"] },
  { name: "__complete", args: "", summary: "completion protocol for the shell scripts", hidden: true },
  { name: "__confirm-timer", args: "", summary: "the commit-confirmed timer (started by lvsh)", hidden: true },
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

export const environment = [
  ["LVSH_STATE_DIR", "where revisions, the journal, the lock and simulated hosts live (default /var/lib/lvsh as root, else ~/.local/state/lvsh)"],
] as const;
