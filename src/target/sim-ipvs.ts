/**
 * A test hook (LVSH_TEST_SIM_IPVS=1): on the real target, each host's
 * `ipvsadm` (and `modprobe` of an IPVS module) goes to the simulator,
 * everything else to the host itself. This machine's kernel has no IPVS;
 * with it, a director in a network namespace is real for `ip`, `sysctl`,
 * `arping` and TCP, and simulated for its IPVS table alone. The real
 * kernel's IPVS is proven in the lab (test/kernel). The transaction code
 * knows nothing of it: a wrapper around the executors, like the injector.
 */
import { asCommand, NOT_RUN, stoppedAt, type Command, type ExecResult, type Executor, type ManyOptions, type RunOptions } from "../exec/index.js";
import { SimExecutor } from "../sim/index.js";

const ipvs = (argv: readonly string[]) => argv[0] === "ipvsadm" || (argv[0] === "modprobe" && argv.some((a) => /^ip_vs/.test(a)));

export class SimIpvsExecutor implements Executor {
  readonly host: string;
  readonly describe: string;
  private readonly sim: SimExecutor;
  constructor(
    private readonly inner: Executor,
    simDir: string,
    machine: string,
  ) {
    this.host = inner.host;
    this.describe = `${inner.describe} (IPVS simulated)`;
    this.sim = new SimExecutor(inner.host, simDir, machine);
  }

  run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult> {
    return ipvs(argv) ? this.sim.run(argv, opts) : this.inner.run(argv, opts);
  }

  async runMany(cmds: readonly (readonly string[] | Command)[], opts: ManyOptions = {}): Promise<ExecResult[]> {
    const all = cmds.map(asCommand);
    if (!all.some((c) => ipvs(c.argv))) return this.inner.runMany(all, opts);
    // in order, each where it runs: the real host's commands batched between the simulated ones
    const out: ExecResult[] = [];
    let i = 0;
    while (i < all.length) {
      if (opts.stopAtFailure && stoppedAt(all, out)) {
        out.push({ exitCode: 255, stdout: "", stderr: NOT_RUN, ms: 0 });
        i++;
        continue;
      }
      if (ipvs(all[i]!.argv)) {
        const c = all[i++]!;
        out.push(await this.sim.run(c.argv, c.stdin !== undefined ? { stdin: c.stdin } : {}));
        continue;
      }
      let j = i;
      while (j < all.length && !ipvs(all[j]!.argv)) j++;
      out.push(...(await this.inner.runMany(all.slice(i, j), opts)));
      i = j;
    }
    return out;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
