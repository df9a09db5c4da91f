/**
 * The site a session works on (what was called the engine): the balancer's
 * hosts on one target (simulated or real), its state directory, its
 * executors, its revisions, and reading the running state of every host
 * that matters -- the candidate's hosts and those of the last revision (so
 * that what a new configuration drops is still seen, and removed).
 */
import { isSessionStatement, parse, revisionSource, type ConfigStatement } from "../lang/index.js";
import {
  directorHost,
  emptyConfig,
  emptyContext,
  evaluate,
  liftState,
  type Config,
  type Desired,
  type State,
  type TransportSpec,
} from "../model/index.js";
import { type Executor, type Target } from "../exec/index.js";
import { existsSync } from "node:fs";
import { StateFileError } from "../util/index.js";
import { ExecutorPool } from "../target/index.js";
import { readState, type HostReadSpec, type StateRead } from "../state/index.js";
import { ensureDirs, statePaths, type StatePaths } from "./statedir.js";
import { checkChain, pruneRevisions, readRevision, revisionFile, revisionNumbers, type Revision } from "./revisions.js";
import { JournalFile, type Journal } from "./journal.js";
import { readSettings, type Settings } from "./settings.js";
import { DEFAULT_PARALLEL } from "./apply.js";

export interface SiteOptions {
  readonly target: Target;
  readonly stateDir: string;
  /** A test's fault, injected around the executors (target/inject.ts). */
  readonly inject?: string;
  /** A test's hook: the real target's ipvsadm simulated (target/sim-ipvs.ts). */
  readonly simIpvs?: boolean;
  /** A test's and the bench's network: each round trip waits this long (LVSH_TEST_DELAY_MS, target/delay.ts). */
  readonly delayMs?: number;
  /** Hosts side by side in a real-server phase (`--parallel`); else the state directory's settings, else DEFAULT_PARALLEL. */
  readonly parallel?: number;
}

const DIRECTOR_KEYS = ["net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"];
const RS_KEYS = ["all", "lo"].flatMap((d) => [`net.ipv4.conf.${d}.arp_ignore`, `net.ipv4.conf.${d}.arp_announce`]);

/**
 * A stored configuration (a revision's, the one a commit confirmed goes back
 * to), evaluated strictly: lvsh wrote it, so any error means the file was
 * damaged or edited, and it stops whatever would plan from it (`file` names
 * it in the error).
 */
export function configOf(text: string, file = "<revision>", label = file): Config {
  // diagnostics about it later (a plan, a validation) point into the configuration (`revision 3, line 4`), not the file's JSON
  const p = parse(text, label);
  const session = p.statements.find(isSessionStatement);
  const r = evaluate(p.statements.filter((s): s is ConfigStatement => !isSessionStatement(s)), emptyConfig(), emptyContext);
  const first = [...p.diagnostics, ...r.diagnostics].find((d) => d.severity === "error");
  if (first || session) {
    const line = first?.span?.line ?? session?.span.line ?? 1;
    const what = first ? first.message : `\`${session!.kind}\` is not configuration`;
    throw new StateFileError(file, `its configuration does not read back, line ${line}: ${what}`, "lvsh wrote it and will not guess: restore the file from a backup, or move it away");
  }
  return r.config;
}

export interface HostsView {
  readonly transports: Map<string, TransportSpec>;
  readonly specs: HostReadSpec[];
}

export class Site {
  readonly paths: StatePaths;
  private pool: ExecutorPool;
  private transports = new Map<string, TransportSpec>();
  /** Revisions are never rewritten once written: each file is read and parsed once. */
  private readonly revisions = new Map<number, Revision>();
  private readonly configs = new WeakMap<Revision, Config>();
  /** Revisions whose place in the chain was checked. */
  private readonly chained = new Set<number>();

  constructor(readonly opts: SiteOptions) {
    this.paths = statePaths(opts.stateDir, opts.target);
    ensureDirs(this.paths);
    this.pool = new ExecutorPool((h) => this.transportOf(h), {
      target: opts.target,
      simDir: this.paths.simHosts,
      stateDir: opts.stateDir,
      ...(opts.inject ? { inject: opts.inject } : {}),
      ...(opts.simIpvs ? { simIpvs: true } : {}),
      ...(opts.delayMs ? { delayMs: opts.delayMs } : {}),
    });
  }

  private settingsRead: Settings | undefined;

  /** How many hosts of a real-server phase a commit runs at once. */
  get parallel(): number {
    if (this.opts.parallel !== undefined) return this.opts.parallel;
    this.settingsRead ??= readSettings(this.paths.settings);
    return this.settingsRead.parallel ?? DEFAULT_PARALLEL;
  }

  /** The settings file read again (a commit starts with this: a long-running shell sees an edit). */
  rereadSettings(): void {
    this.settingsRead = readSettings(this.paths.settings);
  }

  /** How many revisions a commit keeps (the `revisions` setting): undefined, all. */
  get keepRevisions(): number | undefined {
    this.settingsRead ??= readSettings(this.paths.settings);
    return this.settingsRead.revisions;
  }

  get target(): Target {
    return this.opts.target;
  }

  transportOf(host: string): TransportSpec {
    return this.transports.get(host) ?? (host === "director" ? { kind: "local" } : { kind: "ssh", user: "root", host });
  }

  executor(host: string): Executor {
    return this.pool.get(host);
  }

  /** The latest revision, checked to follow the one before it (a chain of checksums). */
  latest(): Revision | undefined {
    const ns = revisionNumbers(this.paths.revisions);
    if (!ns.length) return undefined;
    const n = ns[ns.length - 1]!;
    const r = this.revision(n)!;
    if (!this.chained.has(n)) {
      checkChain(r, ns.length > 1 && ns[ns.length - 2] === n - 1 ? this.readable(n - 1) : undefined, this.revisionPath(n));
      this.chained.add(n);
    }
    return r;
  }

  /** Revision n, or undefined when it is damaged (said where it is used: `rollback n`, `show history`). */
  private readable(n: number): Revision | undefined {
    try {
      return this.revision(n);
    } catch (e) {
      if (e instanceof StateFileError) return undefined;
      throw e;
    }
  }

  revision(n: number): Revision | undefined {
    const cached = this.revisions.get(n);
    // one removed since (another lvsh's commit pruned it: the revisions setting) is gone here too
    if (cached && existsSync(this.revisionPath(n))) return cached;
    this.revisions.delete(n);
    const r = readRevision(this.paths.revisions, n);
    if (r) this.revisions.set(n, r);
    return r;
  }

  /** A revision this process just wrote, with the configuration it was made from (no need to read or parse it back). */
  remember(revision: Revision, config: Config): void {
    this.revisions.set(revision.number, revision);
    this.configs.set(revision, config);
  }

  revisionNumbers(): number[] {
    return revisionNumbers(this.paths.revisions);
  }

  /** After a commit: the oldest revisions past the `revisions` setting removed (and forgotten here). */
  prune(): number[] {
    const keep = this.keepRevisions;
    if (keep === undefined) return [];
    const removed = pruneRevisions(this.paths.revisions, keep);
    for (const n of removed) this.revisions.delete(n);
    return removed;
  }

  /** What to say of revision n that is not there: which are, and whether older ones were removed. */
  revisionsHint(n?: number): string {
    const ns = this.revisionNumbers();
    if (!ns.length) return "nothing has been committed yet";
    let keep: number | undefined;
    try {
      keep = this.keepRevisions;
    } catch {
      // a damaged settings file is said where it matters (a commit)
    }
    const pruned = n !== undefined && n < ns[ns.length - 1]! && keep !== undefined ? `; lvsh keeps the last ${keep} (the state directory's settings: revisions = ${keep})` : "";
    // runs, so that a gap shows: 6, 8..9
    const runs: string[] = [];
    for (let i = 0; i < ns.length; ) {
      let j = i;
      while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
      runs.push(j > i ? `${ns[i]}..${ns[j]}` : `${ns[i]}`);
      i = j + 1;
    }
    return `${ns.length === 1 ? `the only revision is ${ns[0]}` : `revisions are ${runs.join(", ")}`}${pruned}; \`show history\` lists them`;
  }

  /** The journal of an interrupted commit, if one is there. */
  pendingJournal(): Journal | undefined {
    return new JournalFile(this.paths.journal).read();
  }

  revisionPath(n: number): string {
    return revisionFile(this.paths.revisions, n);
  }

  /** Revision n's configuration (strictly: a damaged one is an error naming its file). */
  revisionConfig(revision: Revision): Config {
    return this.runningConfig({ hosts: {} }, revision);
  }

  /** The hosts to read for these desired states (and the last revision), with what to read on each. */
  hosts(desired: readonly Desired[], revision = this.latest()): HostsView {
    const transports = new Map<string, TransportSpec>();
    const keys = new Map<string, Set<string>>();
    const add = (host: string, t: TransportSpec | undefined, ks: Iterable<string>) => {
      if (!transports.has(host) && t) transports.set(host, t);
      const set = keys.get(host) ?? new Set<string>(host === "director" ? DIRECTOR_KEYS : RS_KEYS);
      for (const k of ks) set.add(k);
      keys.set(host, set);
    };
    // the directors keepalived runs: its file (the desired one's path first), and their IPVS table (what keepalived built)
    const keepalived = new Map<string, string>();
    for (const d of desired) for (const [h, s] of Object.entries(d.state.hosts)) if (s.keepalived && !keepalived.has(h)) keepalived.set(h, s.keepalived.path);
    // a path the last revision ran keepalived with, when the configuration names another now (to stop that one)
    const old = new Map<string, string>();
    for (const [h, s] of Object.entries(revision?.snapshot.hosts ?? {})) {
      if (!s.keepalived) continue;
      if (!keepalived.has(h)) keepalived.set(h, s.keepalived.path);
      else if (keepalived.get(h) !== s.keepalived.path) old.set(h, s.keepalived.path);
    }
    for (const d of desired) for (const [h, t] of d.hosts) add(h, t, Object.keys(d.state.hosts[h]?.sysctls ?? {}));
    for (const [h, t] of Object.entries(revision?.hosts ?? {})) add(h, t, Object.keys(revision?.snapshot.hosts[h]?.sysctls ?? {}));
    add("director", { kind: "local" }, []);
    for (const [h, t] of transports) this.transports.set(h, t);
    const specs = [...keys].map(([host, ks]): HostReadSpec => {
      const k = keepalived.get(host);
      const o = old.get(host);
      return { host, ipvs: host === "director" || k !== undefined, arp: host !== "director", sysctlKeys: [...ks].sort(), ...(k !== undefined ? { keepalived: k, thresholds: false } : {}), ...(o !== undefined ? { keepalivedOld: o } : {}) };
    });
    return { transports, specs };
  }

  /** How to reach hosts a plan has steps on that no read named (a real server only checked, not changed). */
  reach(hosts: Readonly<Record<string, TransportSpec>>): void {
    for (const [h, t] of Object.entries(hosts)) if (!this.transports.has(h)) this.transports.set(h, t);
  }

  async read(view: HostsView): Promise<StateRead> {
    return readState((h) => this.executor(h), view.specs);
  }

  /**
   * The running configuration: the last revision's, or, before lvsh has
   * committed anything here, the one read off the running state.
   */
  runningConfig(running: State, revision = this.latest()): Config {
    if (revision) {
      let c = this.configs.get(revision);
      if (!c) this.configs.set(revision, (c = configOf(revision.config, this.revisionPath(revision.number), revisionSource(revision.number))));
      return c;
    }
    const dir = directorHost(emptyConfig());
    return liftState(running, dir.name);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
