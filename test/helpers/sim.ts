/** Test helpers for the simulated target: sessions on a fresh state directory, and its hosts' kernel state. */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newSimHost, SimExecutor } from "../../src/sim/index.js";
import { Session } from "../../src/session/index.js";
import { Site } from "../../src/txn/index.js";

export function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), "lvsh-state-"));
}

export interface SimOptions {
  inject?: string;
  yes?: boolean;
  /** How long a commit waits for another's lock (ms; the tests' default 2 s). */
  lockWaitMs?: number;
  /** Hosts side by side in a commit's real-server phases (default: the Site's). */
  parallel?: number;
  /** A terminal this wide (none: the output is not a terminal). */
  columns?: number;
}

export async function simSession(stateDir: string, opts: SimOptions = {}) {
  const site = new Site({ target: "sim", stateDir, ...(opts.inject ? { inject: opts.inject } : {}), ...(opts.parallel ? { parallel: opts.parallel } : {}) });
  const out: string[] = [];
  const session = new Session({
    io: { write: (t) => void out.push(t), ...(opts.columns ? { columns: opts.columns } : {}) },
    site,
    yes: opts.yes ?? true,
    lockWaitMs: opts.lockWaitMs ?? 2000,
  });
  const opened = await session.open();
  return { session, site, out, opened };
}

/** Runs statements in a new session (as a new lvsh process would); throws with the rendered errors. */
export async function lvsh(stateDir: string, src: string, opts: SimOptions = {}) {
  const s = await simSession(stateDir, opts);
  const r = await s.session.run(src, "<test>", { validate: true });
  await s.session.close();
  return { ...r, out: s.out.join(""), rendered: s.session.render(r.diagnostics), session: s.session };
}

/**
 * Every simulated host's whole kernel state, arrays sorted: equal iff the
 * hosts hold the same. A host in its untouched default state is left out
 * (it holds what it held before anything touched it).
 */
export function simKernel(stateDir: string): Record<string, unknown> {
  const dir = join(stateDir, "sim", "hosts");
  const sortDeep = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortDeep).map((x) => JSON.stringify(x)).sort().map((x) => JSON.parse(x) as unknown);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortDeep(x)]));
    return v;
  };
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const f of files) {
    const h = sortDeep(JSON.parse(readFileSync(join(dir, f), "utf8"))) as { name: string };
    if (JSON.stringify(h) !== JSON.stringify(sortDeep(newSimHost(h.name)))) out[f] = h;
  }
  return out;
}

/** What a simulated host listens on (`tcp *:8080`, `tcp 192.0.2.10:80`; [] for nothing): what its readiness check sees. */
export function simListen(stateDir: string, host: string, listen: readonly string[]): void {
  new SimExecutor(host, join(stateDir, "sim", "hosts")).update((h) => {
    h.listen = [...listen];
  });
}
