/** argv -> what to do. Pure: no I/O, no process.exit; tested on its own. */
import { parseArgs } from "node:util";
import { commands, options } from "./spec.js";

export type Invocation =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "repl" }
  | { readonly kind: "run"; readonly source: { readonly file: string } | { readonly text: string }; readonly dryRun: boolean; readonly json: boolean }
  | { readonly kind: "check"; readonly files: readonly string[] }
  | { readonly kind: "usage-error"; readonly message: string };

export function parseCli(argv: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        options.map((o) => [o.long, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
      ),
    });
  } catch (e) {
    return { kind: "usage-error", message: (e as Error).message.replace(/\. To specify a positional.*$/s, "") };
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const pos = parsed.positionals;
  if (v.help) return { kind: "help" };
  if (v.version) return { kind: "version" };
  const dryRun = v["dry-run"] === true;
  const json = v.json === true;
  if (json && !dryRun) return { kind: "usage-error", message: "--json goes with --dry-run" };
  const cmd = pos[0] !== undefined ? commands.find((c) => c.name === pos[0]) : undefined;
  if (cmd?.name === "check") {
    if (pos.length < 2) return { kind: "usage-error", message: "check needs at least one FILE" };
    if (typeof v.command === "string") return { kind: "usage-error", message: "check takes files, not -c" };
    return { kind: "check", files: pos.slice(1) };
  }
  if (typeof v.command === "string") {
    if (pos.length) return { kind: "usage-error", message: `-c takes the statements; unexpected ${JSON.stringify(pos[0])}` };
    return { kind: "run", source: { text: v.command }, dryRun, json };
  }
  if (pos.length === 0) {
    if (dryRun) return { kind: "usage-error", message: "--dry-run needs a FILE or -c" };
    return { kind: "repl" };
  }
  if (pos.length > 1) return { kind: "usage-error", message: `one script at a time; unexpected ${JSON.stringify(pos[1])}` };
  return { kind: "run", source: { file: pos[0]! }, dryRun, json };
}
