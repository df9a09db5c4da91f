/** `lvsh --help`, generated from the command-line tables and the grammar's statement list. */
import { statementKeywords } from "../lang/index.js";
import { commands, exitCodes, options, usageLines } from "./spec.js";

export function cliHelp(version: string): string {
  const opt = options.map((o) => {
    const flags = `${o.short ? `-${o.short}, ` : "    "}--${o.long}${o.value ? ` ${o.value}` : ""}`;
    return `  ${flags.padEnd(30)} ${o.summary}`;
  });
  const cmd = commands.map((c) => `  ${`${c.name} ${c.args}`.padEnd(30)} ${c.summary}`);
  return [
    `lvsh ${version}: a transactional shell for Linux Virtual Server (IPVS) load balancers`,
    "",
    "Usage:",
    ...usageLines.map((l) => `  ${l}`),
    "",
    "Commands:",
    ...cmd,
    "",
    "Options:",
    ...opt,
    "",
    `Statements: ${[...statementKeywords().keys()].join(", ")}.`,
    "Run `lvsh -c help` or `help STATEMENT` in the shell for their syntax.",
    "",
    "Example:",
    "  lvsh --dry-run -c 'vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs'",
    "",
    "Environment:",
    "  LVSH_STATE_DIR   the state directory (default /var/lib/lvsh as root, else ~/.local/state/lvsh)",
    "  LVSH_LOCK_WAIT   seconds a commit waits for another committing lvsh (default 30)",
    "  NO_COLOR         no colours on a terminal",
    "",
    "Exit status:",
    ...exitCodes.map(([c, m]) => `  ${c}  ${m}`),
  ].join("\n");
}
