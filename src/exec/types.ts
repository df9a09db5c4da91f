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

export interface Executor {
  /** The host's name in plans (`director`, an address, a `host` name). */
  readonly host: string;
  /** `local`, `ssh root@192.0.2.2`, `netns lb`, `simulated`, `dry-run` ... */
  readonly describe: string;
  run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult>;
  /** Several commands, in order; real transports send them in one round trip. */
  runMany(argvs: readonly (readonly string[])[]): Promise<ExecResult[]>;
  close(): Promise<void>;
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
