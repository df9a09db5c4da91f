/**
 * Runs argv on this machine (never a shell), with LC_ALL=C. node's own
 * spawn: a commit of 10,000 real servers starts a handful of processes, and
 * under an emulated CPU a process library's promise and stream plumbing
 * costs more than the process itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { nowMs } from "../util/index.js";
import { runBatched } from "./batch.js";
import { failed, type Command, type ExecResult, type Executor, type ManyOptions, type RunOptions } from "./types.js";

/** After a timeout's SIGTERM, how long before SIGKILL. */
const KILL_AFTER_MS = 5000;

export function runLocal(argv: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  const t0 = nowMs();
  const ms = () => nowMs() - t0;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), { stdio: [opts.stdin !== undefined ? "pipe" : "ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    } catch (e) {
      resolve(failed(`${argv[0]}: ${(e as Error).message}`, ms()));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (b: Buffer) => out.push(b));
    child.stderr!.on("data", (b: Buffer) => err.push(b));
    let spawnError: Error | undefined;
    child.on("error", (e) => (spawnError ??= e));
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGTERM");
          killer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
        }, opts.timeoutMs)
      : undefined;
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      if (spawnError) return resolve(failed(`${argv[0]}: ${spawnError.message}`, ms()));
      // killed (a timeout, the OOM killer): what it printed stays, so that a batch's commands that ran say so
      if (code === null) {
        const why = `${argv[0]}: ${timedOut ? "timed out" : `killed by ${signal}`}\n`;
        return resolve({ exitCode: 127, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") + why, ms: ms() });
      }
      resolve({ exitCode: code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), ms: ms() });
    });
    if (opts.stdin !== undefined) {
      // a command that exits without reading all of it is not an error of ours (its exit status says what happened)
      child.stdin!.on("error", () => {});
      child.stdin!.end(opts.stdin);
    }
  });
}

/** Runs argv through a prefix (`ip netns exec NAME`), or plainly when the prefix is empty. */
export class PrefixExecutor implements Executor {
  constructor(
    readonly host: string,
    readonly describe: string,
    private readonly prefix: readonly string[],
  ) {}

  run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult> {
    return runLocal([...this.prefix, ...argv], opts);
  }

  runMany(cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions): Promise<ExecResult[]> {
    return runBatched((argv, o) => this.run(argv, o), cmds, opts);
  }

  async close(): Promise<void> {}
}

export function localExecutor(host: string): Executor {
  return new PrefixExecutor(host, "local", []);
}

export function netnsExecutor(host: string, name: string): Executor {
  return new PrefixExecutor(host, `netns ${name}`, ["ip", "netns", "exec", name]);
}
