/** Records what would run and runs nothing. */
import type { ExecResult, Executor, RunOptions } from "./types.js";

export class DryRunExecutor implements Executor {
  readonly describe = "dry run";
  readonly calls: { argv: readonly string[]; stdin?: string }[] = [];

  constructor(readonly host: string) {}

  async run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult> {
    this.calls.push({ argv, ...(opts?.stdin !== undefined ? { stdin: opts.stdin } : {}) });
    return { exitCode: 0, stdout: "", stderr: "", ms: 0 };
  }

  async runMany(argvs: readonly (readonly string[])[]): Promise<ExecResult[]> {
    const out: ExecResult[] = [];
    for (const a of argvs) out.push(await this.run(a));
    return out;
  }

  async close(): Promise<void> {}
}
