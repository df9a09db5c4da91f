/**
 * A test's and the bench's network (LVSH_TEST_DELAY_MS=N): every round trip
 * to a host -- one `run`, one `runMany` -- waits N ms first, as an ssh round
 * trip does, so that a commit over many hosts can be timed here as it would
 * go over a network. A wrapper around the executors of one target, like the
 * injector; the transaction code knows nothing of it.
 */
import type { Command, ExecResult, Executor, ManyOptions, RunOptions } from "../exec/index.js";

export function parseDelay(spec: string | undefined): number | undefined {
  return spec !== undefined && /^\d+$/.test(spec) ? Number(spec) : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DelayedExecutor implements Executor {
  constructor(
    private readonly inner: Executor,
    private readonly ms: number,
  ) {}

  get host(): string {
    return this.inner.host;
  }

  get describe(): string {
    return this.inner.describe;
  }

  async run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult> {
    await sleep(this.ms);
    return this.inner.run(argv, opts);
  }

  async runMany(cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions): Promise<ExecResult[]> {
    await sleep(this.ms);
    return this.inner.runMany(cmds, opts);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
