/** `lvsh completion bash|zsh` and the `__complete` protocol (the shell scripts call it on Tab). */
import type { Invocation } from "./args.js";
import type { CliIO } from "./main.js";

type Of<K extends Invocation["kind"]> = Extract<Invocation, { kind: K }>;

export async function completionCmd(_inv: Of<"completion">, io: CliIO): Promise<number> {
  io.stderr("lvsh: `completion` is not available yet in this version of lvsh\n");
  return 1;
}

export async function completeCmd(_inv: Of<"complete">, _io: CliIO): Promise<number> {
  return 1;
}
