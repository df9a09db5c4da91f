/**
 * Opening a session: the target (simulated or real hosts), its state
 * directory and executors, an overdue `commit confirmed` reverted first,
 * then the Session with the running state read. The front ends (the
 * command line, the shell, import/export) only call this.
 */
import type { Diagnostic } from "../lang/index.js";
import { chooseTarget, parseDelay, type TargetChoice } from "../target/index.js";
import { Site, overdueConfirm, stateDirFrom } from "../txn/index.js";
import type { Target } from "../exec/index.js";
import { setPointHook } from "../util/index.js";
import type { FrontIO } from "./io.js";
import { Session } from "./session.js";

/** LVSH_LOCK_WAIT: how many seconds a commit waits for another committing lvsh (default 30). */
export function lockWait(env: NodeJS.ProcessEnv): { lockWaitMs?: number } {
  const v = env.LVSH_LOCK_WAIT;
  return v !== undefined && /^\d+(\.\d+)?$/.test(v) ? { lockWaitMs: Number(v) * 1000 } : {};
}

/**
 * Test hook (LVSH_TEST_INJECT=kill-at:POINT or fail-at:POINT): lvsh is
 * killed (SIGKILL), or the write fails, at a named point of a transaction
 * (`journal:renamed`, `txn:applied`, `revision:synced` ... see util/files.ts).
 */
export function installPointFaults(spec: string | undefined): void {
  // kill-at:POINT (the first time lvsh passes it) or kill-at:POINT#N (the N-th time)
  const m = spec ? /^(kill|fail)-at:([^#]+)(?:#(\d+))?$/.exec(spec) : null;
  if (!m) return;
  let seen = 0;
  setPointHook((name) => {
    if (name !== m[2] || ++seen !== Number(m[3] ?? 1)) return;
    if (m[1] === "kill") process.kill(process.pid, "SIGKILL");
    throw new Error(`injected failure at ${name} (LVSH_TEST_INJECT)`);
  });
}

/** The chosen target, its state directory ($LVSH_STATE_DIR ...) and executors; the test hooks when asked for. */
export async function openSite(target: Target | undefined, env: NodeJS.ProcessEnv = process.env, opts: { parallel?: number | undefined } = {}): Promise<{ site: Site; choice: TargetChoice }> {
  installPointFaults(env.LVSH_TEST_INJECT);
  const choice = await chooseTarget(target);
  const site = new Site({
    target: choice.target,
    stateDir: stateDirFrom(env, process.getuid?.()),
    // a test's fault: injected around the executors (target/inject.ts)
    ...(env.LVSH_TEST_INJECT ? { inject: env.LVSH_TEST_INJECT } : {}),
    // a test's hook: this kernel has no IPVS, so a real director's ipvsadm is simulated (target/sim-ipvs.ts)
    ...(env.LVSH_TEST_SIM_IPVS === "1" ? { simIpvs: true } : {}),
    ...(opts.parallel !== undefined ? { parallel: opts.parallel } : {}),
    // a test's and the bench's network: each round trip to a host waits this long (target/delay.ts)
    ...(parseDelay(env.LVSH_TEST_DELAY_MS) ? { delayMs: parseDelay(env.LVSH_TEST_DELAY_MS)! } : {}),
  });
  return { site, choice };
}

export interface Opened {
  readonly session: Session;
  readonly choice: TargetChoice;
  readonly diagnostics: readonly Diagnostic[];
}

export interface OpenOptions {
  readonly target?: Target | undefined;
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  /** Where the session's output goes (default stdout). */
  readonly write?: (t: string) => void;
  /** How to ask a person; none: scripts (commits over many hosts need --yes). */
  readonly ask?: ((question: string, detail: string) => Promise<boolean>) | undefined;
  /** How to start this lvsh again (the confirm timer, the boot unit). */
  readonly lvshCommand?: readonly string[];
  /** Start from the last revision without reading the hosts (a command that reads them itself: doctor). */
  readonly noRead?: boolean;
  /** Hosts side by side in a commit's real-server phases (`--parallel`). */
  readonly parallel?: number | undefined;
  /** Work that needs no host, done while the hosts are read (Session.open). */
  readonly meanwhile?: () => void;
}

/** A session on the chosen target, with the running state read. */
export async function openSession(io: FrontIO, opts: OpenOptions = {}): Promise<Opened> {
  const { site, choice } = await openSite(opts.target, process.env, { parallel: opts.parallel });
  // a commit confirmed whose timer died is reverted before anything else
  const overdue = await overdueConfirm(site, io.stderr);
  const session = new Session({
    io: {
      write: opts.write ?? io.stdout,
      color: io.tty && !process.env.NO_COLOR,
      // read at each draw: the window may have been resized since
      get columns() {
        return io.tty ? io.columns : undefined;
      },
      get rows() {
        return io.tty ? io.rows : undefined;
      },
      ...(io.live ? { live: io.live } : {}),
    },
    site,
    yes: !!opts.yes,
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...(opts.ask ? { ask: opts.ask } : {}),
    ...(opts.lvshCommand ? { lvshCommand: opts.lvshCommand } : {}),
    ...lockWait(process.env),
  });
  if (overdue?.kind === "reverted") session.revertedOverdue = overdue.revision;
  const diagnostics = opts.noRead ? await session.openAtRevision(opts.meanwhile) : await session.open(opts.meanwhile);
  return { session, choice, diagnostics };
}
