/**
 * Fault injection for tests (LVSH_TEST_INJECT), as a wrapper around the
 * executors of one target -- the transaction code knows nothing of it
 * (knftables' fake is a type of its own, not a flag in the real one).
 *
 *   fail:K       step K of the next commit fails (exit 1, an "injected failure")
 *   kill:K       lvsh is killed (SIGKILL) just before step K
 *   pause:K:MS   lvsh waits MS milliseconds before step K, then goes on
 *
 * K is the plan's step number (`show plan`): a commit's round trips say
 * which steps each command carries (runMany's `steps`: one per command, one
 * per line of an `ipvsadm -R`, a readiness check's reads all one step), so
 * the fault lands on step K also when hosts run side by side. The fault
 * fires once; what runs after it (the undo) passes through. Reads are
 * never touched.
 */
import { NOT_RUN, asCommand, stoppedAt, type Command, type ExecResult, type Executor, type ManyOptions, type RunOptions } from "../exec/index.js";

export interface Fault {
  readonly kind: "fail" | "kill" | "pause";
  readonly step: number;
  readonly ms: number;
}

export function parseFault(spec: string | undefined): Fault | undefined {
  const m = spec ? /^(fail|kill|pause):(\d+)(?::(\d+))?$/.exec(spec) : null;
  return m ? { kind: m[1] as Fault["kind"], step: Number(m[2]), ms: Number(m[3] ?? 1000) } : undefined;
}

/** Finds step K in the round trips of every host of a target, and fires the fault once. */
export class Injector {
  private fired = false;
  constructor(readonly fault: Fault) {}

  wrap(inner: Executor): Executor {
    return new InjectingExecutor(inner, this);
  }

  /** Given a round trip's steps per command, where the fault lands: the command index and, in an `ipvsadm -R`, how many of its lines run before it. */
  locate(steps: ManyOptions["steps"]): { index: number; linesBefore: number } | undefined {
    if (this.fired || !steps) return undefined;
    const index = steps.findIndex((ids) => ids.includes(this.fault.step));
    return index < 0 ? undefined : { index, linesBefore: steps[index]!.indexOf(this.fault.step) };
  }

  fire(): void {
    this.fired = true;
  }
}

const injected = (): ExecResult => ({ exitCode: 1, stdout: "", stderr: "lvsh: injected failure (LVSH_TEST_INJECT)\n", ms: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class InjectingExecutor implements Executor {
  constructor(
    private readonly inner: Executor,
    private readonly injector: Injector,
  ) {}

  get host(): string {
    return this.inner.host;
  }

  get describe(): string {
    return this.inner.describe;
  }

  run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult> {
    return this.inner.run(argv, opts);
  }

  async runMany(cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions): Promise<ExecResult[]> {
    if (opts?.oneStep) return this.oneStep(cmds, opts);
    if (!opts?.stopAtFailure) return this.inner.runMany(cmds, opts);
    const all = cmds.map(asCommand);
    const hit = this.injector.locate(opts.steps);
    if (!hit) return this.inner.runMany(all, opts);
    this.injector.fire();
    // what comes before the fault runs for real
    const before = all.slice(0, hit.index);
    const target = all[hit.index]!;
    const lines = target.stdin?.split("\n").filter(Boolean) ?? [];
    const out = before.length ? await this.inner.runMany(before, opts) : [];
    const notRun = (n: number) => Array.from({ length: n }, (): ExecResult => ({ exitCode: 255, stdout: "", stderr: NOT_RUN, ms: 0 }));
    // a batch that stopped before the fault (a read whose failure is data, a readiness check's, does not stop it)
    if (stoppedAt(before, out)) return [...out, ...notRun(all.length - before.length)];
    const partial = hit.linesBefore > 0 ? await this.inner.run(target.argv, { stdin: lines.slice(0, hit.linesBefore).join("\n") + "\n" }) : undefined;
    if (partial && partial.exitCode !== 0) return [...out, partial, ...notRun(all.length - before.length - 1)];
    if (this.injector.fault.kind === "kill") process.kill(process.pid, "SIGKILL");
    if (this.injector.fault.kind === "pause") {
      // then the rest of the round trip, as if nothing had happened
      await sleep(this.injector.fault.ms);
      const rest: Command[] = [...(lines.length > hit.linesBefore ? [{ argv: target.argv, stdin: lines.slice(hit.linesBefore).join("\n") + "\n" }] : partial ? [] : [target]), ...all.slice(hit.index + 1)];
      const after = rest.length ? await this.inner.runMany(rest, opts) : [];
      return [...out, ...(partial && !(lines.length > hit.linesBefore) ? [partial] : []), ...after];
    }
    // fail: the step fails, whatever came before it in its ipvsadm -R took effect
    return [...out, injected(), ...notRun(all.length - before.length - 1)];
  }

  /** A step made of several reads (a readiness check): counted as one; a fault there fails its first read. */
  private async oneStep(cmds: readonly (readonly string[] | Command)[], opts: ManyOptions): Promise<ExecResult[]> {
    if (!this.injector.locate(opts.steps)) return this.inner.runMany(cmds, opts);
    this.injector.fire();
    if (this.injector.fault.kind === "kill") process.kill(process.pid, "SIGKILL");
    if (this.injector.fault.kind === "pause") {
      await sleep(this.injector.fault.ms);
      return this.inner.runMany(cmds, opts);
    }
    return [injected(), ...Array.from({ length: cmds.length - 1 }, (): ExecResult => ({ exitCode: 255, stdout: "", stderr: NOT_RUN, ms: 0 }))];
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
