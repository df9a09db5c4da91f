/**
 * Runs argv on a host through the OpenSSH client: BatchMode (never a
 * password prompt), one connection reused (ControlMaster/ControlPersist),
 * and every argument quoted for the remote shell, which sees one string.
 */
import { shellJoin } from "../util/index.js";
import { runBatched } from "./batch.js";
import { runLocal } from "./local.js";
import type { TransportSpec } from "../model/index.js";
import type { Command, ExecResult, Executor, ManyOptions, RunOptions } from "./types.js";

type Ssh = Extract<TransportSpec, { kind: "ssh" }>;

/** The ssh command line for a remote argv (no shared connection without a private control directory). Exported for tests. */
export function sshArgv(t: Ssh, controlDir: string | undefined, argv: readonly string[]): string[] {
  return [
    "ssh",
    "-o", "BatchMode=yes",
    "-o", "ConnectTimeout=10",
    "-o", "ServerAliveInterval=15",
    ...(controlDir ? ["-o", "ControlMaster=auto", "-o", `ControlPath=${controlDir}/ssh-%C`, "-o", "ControlPersist=60"] : ["-o", "ControlMaster=no", "-o", "ControlPath=none"]),
    ...(t.port ? ["-p", String(t.port)] : []),
    ...(t.user ? ["-l", t.user] : []),
    "--",
    t.host,
    shellJoin(argv),
  ];
}

export class SshExecutor implements Executor {
  readonly describe: string;
  constructor(
    readonly host: string,
    private readonly t: Ssh,
    private readonly controlDir: string | undefined,
  ) {
    this.describe = `ssh ${t.user ? `${t.user}@` : ""}${t.host}${t.port ? `:${t.port}` : ""}`;
  }

  async run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult> {
    const r = await runLocal(sshArgv(this.t, this.controlDir, argv), opts);
    // 255 is ssh's own failure (unreachable, refused, authentication)
    if (r.exitCode === 255 && /^ssh: |Permission denied \(|Host key verification failed/m.test(r.stderr)) {
      return { ...r, stderr: `cannot reach ${this.describe}: ${r.stderr.trim()}\n` };
    }
    return r;
  }

  runMany(cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions): Promise<ExecResult[]> {
    return runBatched((argv, o) => this.run(argv, o), cmds, opts);
  }

  async close(): Promise<void> {
    if (!this.controlDir) return;
    await runLocal(["ssh", "-o", `ControlPath=${this.controlDir}/ssh-%C`, "-O", "exit", ...(this.t.port ? ["-p", String(this.t.port)] : []), this.t.host]);
  }
}
