/** The built lvsh on the simulated target of a state directory (never this machine's). */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const LVSH = resolve("dist/lvsh");

export interface CliRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

export function sim(stateDir: string, args: readonly string[], opts: { cwd?: string } = {}): CliRun {
  const r = spawnSync(LVSH, ["--sim", ...args], {
    encoding: "utf8",
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: { ...process.env, LVSH_STATE_DIR: stateDir, NO_COLOR: "1" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
