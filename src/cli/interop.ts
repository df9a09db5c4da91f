/** `lvsh import`, `lvsh export`, `lvsh save`: the interop and persistence commands. */
import type { Invocation } from "./args.js";
import type { CliIO } from "./main.js";

type Of<K extends Invocation["kind"]> = Extract<Invocation, { kind: K }>;

function notYet(what: string, io: CliIO): number {
  io.stderr(`lvsh: \`${what}\` is not available yet in this version of lvsh\n`);
  return 1;
}

export async function importCmd(_inv: Of<"import">, io: CliIO): Promise<number> {
  return notYet("import", io);
}

export async function exportCmd(_inv: Of<"export">, io: CliIO): Promise<number> {
  return notYet("export", io);
}

export async function saveCmd(_inv: Of<"save">, io: CliIO): Promise<number> {
  return notYet("save", io);
}
