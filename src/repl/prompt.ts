/**
 * Inquirer prompts inside the shell's readline. Both would read the
 * terminal at once, so while a prompt runs the shell's keypress listeners
 * are detached, and afterwards re-attached with the terminal back in raw
 * mode (inquirer leaves it cooked, which would echo every key twice).
 */
import type { Interface } from "node:readline";

export async function withPrompt<T>(server: Interface | undefined, ask: () => Promise<T>): Promise<T> {
  if (!server) return ask();
  const mine = process.stdin.listeners("keypress") as ((...a: unknown[]) => void)[];
  for (const l of mine) process.stdin.removeListener("keypress", l);
  server.pause();
  try {
    return await ask();
  } finally {
    for (const l of process.stdin.listeners("keypress") as ((...a: unknown[]) => void)[]) {
      if (!mine.includes(l)) process.stdin.removeListener("keypress", l);
    }
    for (const l of mine) process.stdin.on("keypress", l);
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    server.resume();
  }
}

/** Ctrl-C (SIGINT) at the prompt rejects inquirer's promise: that is a no. */
export async function confirmPrompt(server: Interface | undefined, message: string, dflt = false): Promise<boolean> {
  const { confirm } = await import("./prompts.js");
  try {
    return await withPrompt(server, () => confirm({ message, default: dflt }));
  } catch {
    return false;
  }
}
