/**
 * Several commands in one process on the far side: a POSIX sh script that
 * runs each quoted command, then prints a marker line with its exit code to
 * stdout and stderr. Used over ssh and netns, where each process start costs
 * a round trip (or ~90 ms in a TCG guest).
 */
import { shellJoin } from "../plan/index.js";
import type { ExecResult } from "./types.js";

const MARK = "__lvsh_batch_";

export function batchScript(argvs: readonly (readonly string[])[], nonce: string): string {
  return argvs
    .map((argv, i) => `${shellJoin(argv)}; s=$?; printf '\\n${MARK}${nonce}_${i}_%s\\n' "$s"; printf '\\n${MARK}${nonce}_${i}_%s\\n' "$s" >&2`)
    .join("\n");
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
    // the batch stopped before this command (the connection dropped, the shell died)
    return {
      exitCode: result.exitCode === 0 ? 255 : result.exitCode,
      stdout: i === firstMissing ? (out.parts[i] ?? "") : "",
      stderr: i === firstMissing ? (err.parts[i] ?? "") || "lvsh: the command batch ended before this command\n" : "lvsh: not run: the batch ended earlier\n",
      ms: 0,
    };
  });
}
