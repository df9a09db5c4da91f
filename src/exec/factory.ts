/** Executors for a plan's hosts, by target: simulated, or for real through each host's transport. */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import type { TransportSpec } from "../model/index.js";
import { localExecutor, netnsExecutor } from "./local.js";
import { SimExecutor } from "./sim/executor.js";
import { SshExecutor } from "./ssh.js";
import type { Executor, Target } from "./types.js";

export interface ExecutorOptions {
  readonly target: Target;
  /** Where simulated hosts live. */
  readonly simDir: string;
  /** For ssh control sockets (the path must stay short). */
  readonly stateDir: string;
}

function controlDir(stateDir: string): string {
  // sockets are named ssh-%C (43 characters); unix socket paths end at 107
  const inState = join(stateDir, "ssh");
  const dir = inState.length < 60 ? inState : join(tmpdir(), `lvsh-ssh-${process.getuid?.() ?? "u"}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function makeExecutor(host: string, transport: TransportSpec, opts: ExecutorOptions): Executor {
  if (opts.target === "sim") return new SimExecutor(host, opts.simDir);
  switch (transport.kind) {
    case "local":
      return localExecutor(host);
    case "netns":
      return netnsExecutor(host, transport.name);
    case "ssh":
      return new SshExecutor(host, transport, controlDir(opts.stateDir));
  }
}

/**
 * Executors by host name, made on first use and closed together. A host's
 * transport may change (a `host` statement after the first read): the
 * executor is then made again for the new one.
 */
export class ExecutorPool {
  private readonly made = new Map<string, { exec: Executor; via: string }>();
  private readonly retired: Executor[] = [];
  constructor(
    private readonly transports: (host: string) => TransportSpec,
    private readonly opts: ExecutorOptions,
  ) {}

  get(host: string): Executor {
    const t = this.transports(host);
    const via = JSON.stringify(t);
    const had = this.made.get(host);
    if (had && had.via === via) return had.exec;
    if (had) this.retired.push(had.exec);
    const exec = makeExecutor(host, t, this.opts);
    this.made.set(host, { exec, via });
    return exec;
  }

  async close(): Promise<void> {
    await Promise.all([...this.made.values()].map((e) => e.exec.close()).concat(this.retired.map((e) => e.close())));
    this.made.clear();
    this.retired.length = 0;
  }
}
