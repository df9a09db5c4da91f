/**
 * Several commands in one process on the far side: a POSIX sh script that
 * runs each quoted command (its stdin, if any, in a here-document), then
 * prints a marker line with its exit code to stdout and stderr; with
 * stopAtFailure it ends at the first command that fails. Used over ssh and
 * netns, where each process start costs a round trip (or ~90 ms in a TCG
 * guest).
 */
import { randomBytes } from "node:crypto";
import { shellJoin, shellQuote } from "../util/index.js";
import { asCommand, NOT_RUN, type Command, type ExecResult, type ManyOptions, type RunOptions } from "./types.js";

const MARK = "__lvsh_batch_";

/** The longest script passed as an argument (`sh -c`), with room for ssh's quoting; a longer one is read from stdin (`sh -s`). */
export const BATCH_ARG_MAX = 32 * 1024;

/**
 * `inherit`: the command that reads the batch shell's own stdin (the caller
 * gives the shell its input) instead of a here-document.
 */
export function batchScript(cmds: readonly (readonly string[] | Command)[], nonce: string, opts: ManyOptions = {}, inherit?: number): string {
  // the batch shell names itself to its commands: a long one (keepalived's install) watches whether its parent, lvsh or ssh, went away
  return "LVSH_BATCH=$$; export LVSH_BATCH\n" + cmds
    .map(asCommand)
    .map((c, i) => {
      const eof = `__LVSH_IN_${nonce}_${i}`;
      // no input: /dev/null, never the rest of a script read from stdin (sh -s)
      // an input that does not end a line: printf's, byte for byte (a here-document would end it with one)
      const partial = i !== inherit && c.stdin !== undefined && c.stdin !== "" && !c.stdin.endsWith("\n");
      const input = i === inherit || partial ? "" : c.stdin === undefined ? " </dev/null" : ` <<'${eof}'\n${c.stdin}${eof}`;
      const run = `${partial ? `printf '%s' ${shellQuote(c.stdin!)} | ` : ""}${shellJoin(c.argv)}${input}\ns=$?; printf '\\n${MARK}${nonce}_${i}_%s\\n' "$s"; printf '\\n${MARK}${nonce}_${i}_%s\\n' "$s" >&2`;
      return opts.stopAtFailure && !c.read ? `${run}; [ "$s" -eq 0 ] || exit 0` : run;
    })
    .join("\n");
}

/** runMany through a `sh -c` on the far side (one round trip): `run` starts that shell. */
export async function runBatched(
  run: (argv: readonly string[], opts?: RunOptions) => Promise<ExecResult>,
  cmds: readonly (readonly string[] | Command)[],
  opts: ManyOptions = {},
): Promise<ExecResult[]> {
  const one = cmds.length === 1 ? asCommand(cmds[0]!) : undefined;
  // a long command line (keepalived's file in pieces) goes the batch's way: over ssh the far side's
  // shell would get it as one argument
  if (one && one.argv.reduce((n, a) => n + a.length + 1, 0) <= BATCH_ARG_MAX) return [await run(one.argv, one.stdin !== undefined ? { stdin: one.stdin } : {})];
  if (!cmds.length) return [];
  const nonce = randomBytes(6).toString("hex");
  const all = cmds.map(asCommand);
  // one argument of a process may not pass 128 kB (Linux's MAX_ARG_STRLEN; over ssh the far side's
  // shell gets the command as one, too). A longer script: its longest input (an ipvsadm -R of
  // thousands of lines) becomes the shell's own stdin, read by that command as from a file; if it is
  // still too long (long command lines), the script goes on the shell's stdin (sh -s, which bash, the
  // sh of some systems, reads a byte at a time)
  const script = batchScript(all, nonce, opts);
  let r: ExecResult;
  if (script.length <= BATCH_ARG_MAX) r = await run(["sh", "-c", script]);
  else {
    const inputs = all.map((c, i) => ({ i, n: c.stdin?.length ?? -1 })).filter((x) => x.n >= 0);
    const longest = inputs.sort((a, b) => b.n - a.n)[0]?.i;
    const short = longest !== undefined ? batchScript(all, nonce, opts, longest) : undefined;
    if (short !== undefined && short.length <= BATCH_ARG_MAX) r = await run(["sh", "-c", short], { stdin: all[longest!]!.stdin! });
    else r = await run(["sh", "-s"], { stdin: script });
  }
  return splitBatch(r, nonce, cmds.length);
}

function split(text: string, nonce: string, n: number): { parts: string[]; codes: (number | undefined)[] } {
  const parts: string[] = [];
  const codes: (number | undefined)[] = [];
  let rest = text;
  for (let i = 0; i < n; i++) {
    const m = new RegExp(`\\n${MARK}${nonce}_${i}_(\\d+)\\n`).exec(rest);
    if (!m) {
      parts.push(rest);
      rest = "";
      codes.push(undefined);
      continue;
    }
    parts.push(rest.slice(0, m.index));
    codes.push(Number(m[1]));
    rest = rest.slice(m.index + m[0].length);
  }
  return { parts, codes };
}

/** Splits the output of batchScript back into one result per command. */
export function splitBatch(result: ExecResult, nonce: string, n: number): ExecResult[] {
  const out = split(result.stdout, nonce, n);
  const err = split(result.stderr, nonce, n);
  const firstMissing = out.codes.findIndex((c) => c === undefined);
  return Array.from({ length: n }, (_, i) => {
    const code = out.codes[i];
    if (code !== undefined) return { exitCode: code, stdout: out.parts[i]!, stderr: err.parts[i] ?? "", ms: result.ms / n };
    // stopped after a failure (stopAtFailure): the rest did not run
    if (out.codes.slice(0, i).some((c) => c !== undefined && c !== 0)) return { exitCode: 255, stdout: "", stderr: NOT_RUN, ms: 0 };
    // the batch stopped before this command (the connection dropped, the shell died)
    return {
      exitCode: result.exitCode === 0 ? 255 : result.exitCode,
      stdout: i === firstMissing ? (out.parts[i] ?? "") : "",
      stderr: i === firstMissing ? (err.parts[i] ?? "") || "lvsh: the command batch ended before this command\n" : NOT_RUN,
      ms: 0,
    };
  });
}
