/** The result of a simulated command; `changed` says whether the host must be saved. */
export interface SimOut {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly changed: boolean;
}

export function out(code: number, stdout: string, stderr: string, changed = false): SimOut {
  return { code, stdout, stderr, changed };
}
