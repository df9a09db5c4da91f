/**
 * One executor interface for every way of reaching a host: host + argv
 * (+ stdin) -> exit code, stdout, stderr, time. A non-zero exit is data;
 * the transaction decides what it means. Only `throw` for bugs.
 */
import type { TransportSpec } from "../model/index.js";

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly stdin?: string;
  readonly timeoutMs?: number;
}

/** A command with what it reads on stdin. */
export interface Command {
  readonly argv: readonly string[];
  readonly stdin?: string;
  /**
   * A read whose failure is data (a readiness check's `ss` where there is
   * none): a batch that stops at the first failure goes on after it.
   */
  readonly read?: boolean;
}

export interface ManyOptions {
  /** Stop at the first command that fails: the ones after it do not run (exit 255, NOT_RUN on stderr). */
  readonly stopAtFailure?: boolean;
  /**
   * The commands are one step of a commit that only reads (a real server's
   * readiness check): fault injection counts them as one step. Transports
   * ignore it.
   */
  readonly oneStep?: boolean;
  /**
   * The plan's steps each command carries (a commit's round trip: one id,
   * or an `ipvsadm -R`'s ids, one per line): fault injection finds its
   * step by id. Transports ignore it.
   */
  readonly steps?: readonly (readonly number[])[];
}

export interface Executor {
  /** The host's name in plans (`director`, an address, a `host` name). */
  readonly host: string;
  /** `local`, `ssh root@192.0.2.2`, `netns lb`, `simulated`, `dry-run` ... */
  readonly describe: string;
  run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult>;
  /** Several commands, in order; real transports send them in one round trip. */
  runMany(cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions): Promise<ExecResult[]>;
  close(): Promise<void>;
}

/** What a command of runMany that did not run says. */
export const NOT_RUN = "lvsh: not run: the batch ended earlier\n";

export function asCommand(c: readonly string[] | Command): Command {
  return "argv" in c ? c : { argv: c };
}

/** Whether a batch that stops at the first failure has stopped: a command but a read failed. */
export function stoppedAt(cmds: readonly Command[], out: readonly ExecResult[]): boolean {
  return out.some((r, i) => r.exitCode !== 0 && !cmds[i]?.read);
}

/** runMany for executors without round trips to save: one command after another. */
export async function runInOrder(exec: Pick<Executor, "run">, cmds: readonly (readonly string[] | Command)[], opts: ManyOptions = {}): Promise<ExecResult[]> {
  const out: ExecResult[] = [];
  const all = cmds.map(asCommand);
  for (const c of all) {
    if (opts.stopAtFailure && stoppedAt(all, out)) {
      out.push({ exitCode: 255, stdout: "", stderr: NOT_RUN, ms: 0 });
      continue;
    }
    out.push(await exec.run(c.argv, c.stdin !== undefined ? { stdin: c.stdin } : {}));
  }
  return out;
}

/** The result of a command that could not be started (missing program, unreachable host ...). */
export function failed(message: string, ms = 0, exitCode = 127): ExecResult {
  return { exitCode, stdout: "", stderr: message.endsWith("\n") ? message : `${message}\n`, ms };
}

export type Target = "sim" | "local";

export interface ExecutorFactoryOptions {
  readonly target: Target;
  /** Where simulated hosts keep their state, and ssh its control sockets. */
  readonly stateDir: string;
}

export type HostTransport = { readonly host: string; readonly transport: TransportSpec };
