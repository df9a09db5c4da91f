/** Whether a process exists (EPERM: it does, another user's). */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Milliseconds on a monotonic clock, for durations. Not `performance.now()`:
 * the `performance` global loads node's perf_hooks (a dozen modules) on
 * first use, at every lvsh start that runs a command.
 */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
