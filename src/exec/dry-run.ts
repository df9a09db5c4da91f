/** Records what would run and runs nothing. */
import { runInOrder, type Command, type ExecResult, type Executor, type ManyOptions, type RunOptions } from "./types.js";

export class DryRunExecutor implements Executor {
  readonly describe = "dry run";
  readonly calls: { argv: readonly string[]; stdin?: string }[] = [];

  constructor(readonly host: string) {}

  async run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult> {
    this.calls.push({ argv, ...(opts?.stdin !== undefined ? { stdin: opts.stdin } : {}) });
    return { exitCode: 0, stdout: "", stderr: "", ms: 0 };
  }

  runMany(cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions): Promise<ExecResult[]> {
    return runInOrder(this, cmds, opts);
  }

  async close(): Promise<void> {}
}
