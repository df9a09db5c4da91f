/** Executors for a plan's hosts, by target: simulated, or for real through each host's transport. */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lstatSync, mkdirSync } from "node:fs";
import type { TransportSpec } from "../model/index.js";
import { Injector, parseFault } from "./inject.js";
import { localExecutor, netnsExecutor, SshExecutor, type Executor, type Target } from "../exec/index.js";
import { SimExecutor } from "../sim/index.js";
import { SimIpvsExecutor } from "./sim-ipvs.js";
import { DelayedExecutor } from "./delay.js";

export interface ExecutorOptions {
  readonly target: Target;
  /** Where simulated hosts live. */
  readonly simDir: string;
  /** For ssh control sockets (the path must stay short). */
  readonly stateDir: string;
  /** A test's fault (LVSH_TEST_INJECT: fail:K, kill:K, pause:K:MS), injected by a wrapper around every executor. */
  readonly inject?: string;
  /** A test's hook (LVSH_TEST_SIM_IPVS=1): on the real target, ipvsadm goes to the simulator (target/sim-ipvs.ts). */
  readonly simIpvs?: boolean;
  /** A test's and the bench's network (LVSH_TEST_DELAY_MS): each round trip to a host waits this long first (target/delay.ts). */
  readonly delayMs?: number;
}

/**
 * Where ssh keeps its master connections' sockets: in the state directory
 * (checked: ours, 0700), or when that path is too long for a socket, a
 * directory of our own in the system's temporary directory -- made 0700, or,
 * if it is there already, used only when it is a real directory owned by us
 * that nobody else can enter. Otherwise none: each ssh connects on its own
 * (a socket in a directory others control would let them impersonate a host).
 */
export function controlDir(stateDir: string, tmp = tmpdir(), uid = process.getuid?.()): string | undefined {
  // sockets are named ssh-%C (43 characters); unix socket paths end at 107
  const inState = join(stateDir, "ssh");
  const dir = inState.length < 60 ? inState : join(tmp, `lvsh-ssh-${uid ?? "u"}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") return undefined;
  }
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || st.mode & 0o077) return undefined;
  } catch {
    return undefined;
  }
  return dir;
}

/**
 * The simulated machine a host is, by how it is reached: this machine for
 * `local` (the director's file, as before transports mattered), a machine
 * per network namespace, and per ssh address -- so that, as for real,
 * `host director via netns lb` reaches another machine than the default.
 */
export function simMachine(transport: TransportSpec): string {
  switch (transport.kind) {
    case "local":
      return "director";
    case "netns":
      return `netns-${transport.name}`;
    case "ssh":
      return transport.host;
  }
}

export function makeExecutor(host: string, transport: TransportSpec, opts: ExecutorOptions): Executor {
  if (opts.target === "sim") return new SimExecutor(host, opts.simDir, simMachine(transport));
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
  private readonly injector: Injector | undefined;
  constructor(
    private readonly transports: (host: string) => TransportSpec,
    private readonly opts: ExecutorOptions,
  ) {
    const fault = parseFault(opts.inject);
    this.injector = fault ? new Injector(fault) : undefined;
  }

  get(host: string): Executor {
    const t = this.transports(host);
    const via = JSON.stringify(t);
    const had = this.made.get(host);
    if (had && had.via === via) return had.exec;
    if (had) this.retired.push(had.exec);
    const real = makeExecutor(host, t, this.opts);
    const made = this.opts.simIpvs && this.opts.target !== "sim" ? new SimIpvsExecutor(real, this.opts.simDir, simMachine(t)) : real;
    const slow = this.opts.delayMs ? new DelayedExecutor(made, this.opts.delayMs) : made;
    const exec = this.injector ? this.injector.wrap(slow) : slow;
    this.made.set(host, { exec, via });
    return exec;
  }

  async close(): Promise<void> {
    await Promise.all([...this.made.values()].map((e) => e.exec.close()).concat(this.retired.map((e) => e.close())));
    this.made.clear();
    this.retired.length = 0;
  }
}
