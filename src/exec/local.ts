/** Runs argv on this machine (execa, never a shell). */
import { execa } from "execa";
import { nowMs } from "../util/index.js";
import { runBatched } from "./batch.js";
import { failed, type Command, type ExecResult, type Executor, type ManyOptions, type RunOptions } from "./types.js";

export async function runLocal(argv: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  const t0 = nowMs();
  try {
    const r = await execa(argv[0]!, argv.slice(1), {
      reject: false,
      stripFinalNewline: false,
      ...(opts.stdin !== undefined ? { input: opts.stdin } : { stdin: "ignore" }),
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
      env: { LC_ALL: "C" },
      extendEnv: true,
    });
    const ms = nowMs() - t0;
    if (r.failed && r.exitCode === undefined) {
      return failed(`${argv[0]}: ${r.timedOut ? "timed out" : (r.cause as Error | undefined)?.message ?? r.shortMessage}`, ms);
    }
    return { exitCode: r.exitCode ?? 255, stdout: String(r.stdout), stderr: String(r.stderr), ms };
  } catch (e) {
    return failed(`${argv[0]}: ${(e as Error).message}`, nowMs() - t0);
  }
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
