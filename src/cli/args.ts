/** argv -> what to do. Pure: no I/O, no process.exit; tested on its own. */
import { exportFormats, names, saveFormats } from "../interop/formats.js";
import { parseArgs } from "node:util";
import { commands, options } from "./spec.js";
import { parallelValue } from "../txn/settings.js";
import { parseSampleCount, parseWatchInterval, type Span } from "../lang/index.js";

/** The kernel's rate estimator updates every 2 s. */
const DEFAULT_INTERVAL = 2;

export interface Common {
  readonly yes: boolean;
  /** Undefined: decide from the machine (root and IPVS -> local, else sim). */
  readonly target?: "sim" | "local";
  /** `--parallel N`: hosts side by side in a commit's real-server phases. */
  readonly parallel?: number;
}

export type Invocation =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | ({ readonly kind: "repl" } & Common)
  | ({ readonly kind: "run"; readonly source: { readonly file: string } | { readonly text: string }; readonly dryRun: boolean; readonly json: boolean } & Common)
  | ({ readonly kind: "check"; readonly files: readonly string[] } & Common)
  | ({ readonly kind: "show"; readonly topic: string; readonly args: readonly string[]; readonly json: boolean } & Common)
  | ({ readonly kind: "watch"; readonly service: readonly string[]; readonly intervalS: number; readonly count?: number; readonly json: boolean } & Common)
  | ({ readonly kind: "doctor"; readonly args: readonly string[]; readonly json: boolean } & Common)
  | ({ readonly kind: "recover" } & Common)
  | ({ readonly kind: "confirm-timer" } & Common)
  | ({ readonly kind: "import"; readonly from: readonly string[]; readonly rs: readonly string[] } & Common)
  | ({ readonly kind: "export"; readonly format: string; readonly file?: string; readonly to?: string } & Common)
  | ({ readonly kind: "save"; readonly format: string; readonly to?: string } & Common)
  | { readonly kind: "completion"; readonly shell: string }
  | { readonly kind: "complete"; readonly words: readonly string[] }
  | { readonly kind: "usage-error"; readonly message: string; readonly usage?: string };

/** `lvsh watch`'s usage line (its errors end with it). */
export const WATCH_USAGE = "usage: lvsh watch [SERVICE] [--interval SECONDS] [--count N] [--json]";

/** `lvsh doctor`'s usage line. */
export const DOCTOR_USAGE = "usage: lvsh doctor [candidate] [VIP|SERVICE] [--json]";

export function parseCli(argv: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(options.map((o) => [o.long, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.long === "rs" || o.long === "from" ? { multiple: true } : {}) }])),
        real: { type: "boolean" },
      },
    });
  } catch (e) {
    return { kind: "usage-error", message: (e as Error).message.replace(/\. To specify a positional.*$/s, "") };
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const pos = parsed.positionals;
  if (v.help) return { kind: "help" };
  if (v.version) return { kind: "version" };
  if (v.sim && v.target === "local") return { kind: "usage-error", message: "--sim and --target local contradict each other" };
  if (typeof v.target === "string" && v.target !== "sim" && v.target !== "local") return { kind: "usage-error", message: `--target is sim or local, not ${JSON.stringify(v.target)}` };
  const target = v.sim || v.target === "sim" ? "sim" : v.target === "local" || v.real ? "local" : undefined;
  let parallel: number | undefined;
  if (typeof v.parallel === "string") {
    const p = parallelValue(v.parallel);
    if (typeof p === "string") return { kind: "usage-error", message: `--parallel: ${p}` };
    parallel = p;
  }
  const common: Common = { yes: v.yes === true, ...(target ? { target } : {}), ...(parallel !== undefined ? { parallel } : {}) };
  const dryRun = v["dry-run"] === true;
  const json = v.json === true;
  const cmd = pos[0] !== undefined ? commands.find((c) => c.name === pos[0]) : undefined;
  if (json && !dryRun && cmd?.name !== "show" && cmd?.name !== "watch" && cmd?.name !== "doctor") return { kind: "usage-error", message: "--json goes with --dry-run, show, watch or doctor" };
  if (cmd && typeof v.command === "string") return { kind: "usage-error", message: `${cmd.name} does not take -c` };
  // each option goes with the subcommands of its row (spec.ts), "" being a script
  const stray = options.find((o) => o.for && !o.for.includes(cmd?.name ?? "") && v[o.long] !== undefined);
  if (stray) return { kind: "usage-error", message: `--${stray.long} does not go with ${cmd ? cmd.name : "a script"}` };
  const str = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : undefined);
  switch (cmd?.name) {
    case "check":
      return pos.length < 2 ? { kind: "usage-error", message: "check needs at least one FILE" } : { kind: "check", files: pos.slice(1), ...common };
    case "show":
      if (pos.length < 2) return { kind: "usage-error", message: `show needs a topic: ${cmd.choices!.join(", ")}` };
      if (!cmd.choices!.includes(pos[1]!)) return { kind: "usage-error", message: `show ${pos[1]}: topics are ${cmd.choices!.join(", ")}` };
      return { kind: "show", topic: pos[1]!, args: pos.slice(2), json, ...common };
    case "watch":
      return watchArgs(pos.slice(1), str("interval"), str("count"), json, common);
    case "doctor": {
      const args = pos.slice(1);
      // the words of one statement: nothing that would start another
      const bad = args.find((w) => /[;#\n"'\\]/.test(w) || w === "json");
      if (bad !== undefined) return { kind: "usage-error", message: `doctor: ${JSON.stringify(bad)} is not a VIP or a service${bad === "json" ? " (--json)" : ""}`, usage: DOCTOR_USAGE };
      return { kind: "doctor", args, json, ...common };
    }
    case "recover":
      return pos.length > 1 ? { kind: "usage-error", message: "recover takes no arguments" } : { kind: "recover", ...common };
    case "__confirm-timer":
      return { kind: "confirm-timer", ...common };
    case "import":
      if (pos.length > 1) return { kind: "usage-error", message: `import takes options only; unexpected ${JSON.stringify(pos[1])}` };
      if (v.from && v.rs) return { kind: "usage-error", message: "--rs reads a running real server; it does not go with --from (give its arptables-save output as another --from)" };
      return { kind: "import", from: (v.from as string[] | undefined) ?? [], rs: (v.rs as string[] | undefined) ?? [], ...common };
    case "export": {
      const format = str("format") ?? "ipvsadm";
      if (!names(exportFormats).includes(format)) return { kind: "usage-error", message: `export formats are ${names(exportFormats).join(", ")}; not ${JSON.stringify(format)}` };
      if (pos.length > 2) return { kind: "usage-error", message: `export takes one FILE.lvsh; unexpected ${JSON.stringify(pos[2])}` };
      return { kind: "export", format, ...(pos[1] ? { file: pos[1] } : {}), ...(str("to") ? { to: str("to")! } : {}), ...common };
    }
    case "save": {
      const format = str("format") ?? "lvsh";
      if (!names(saveFormats).includes(format)) return { kind: "usage-error", message: `save formats are ${names(saveFormats).join(", ")}; not ${JSON.stringify(format)}` };
      if (pos.length > 1) return { kind: "usage-error", message: `save takes options only; unexpected ${JSON.stringify(pos[1])}` };
      return { kind: "save", format, ...(str("to") ? { to: str("to")! } : {}), ...common };
    }
    case "completion":
      if (pos.length !== 2 || !cmd.choices!.includes(pos[1]!)) return { kind: "usage-error", message: "completion needs a shell: bash or zsh" };
      return { kind: "completion", shell: pos[1]! };
    case "__complete":
      return { kind: "complete", words: pos.slice(1) };
  }
  if (typeof v.command === "string") {
    if (pos.length) return { kind: "usage-error", message: `-c takes the statements; unexpected ${JSON.stringify(pos[0])}` };
    return { kind: "run", source: { text: v.command }, dryRun, json, ...common };
  }
  if (pos.length === 0) {
    if (dryRun) return { kind: "usage-error", message: "--dry-run needs a FILE or -c" };
    return { kind: "repl", ...common };
  }
  if (pos.length > 1) return { kind: "usage-error", message: `one script at a time; unexpected ${JSON.stringify(pos[1])}` };
  return { kind: "run", source: { file: pos[0]! }, dryRun, json, ...common };
}

/** `lvsh watch`'s arguments: the interval and count checked here, the service words by the session (it knows the services). */
function watchArgs(service: string[], interval: string | undefined, count: string | undefined, json: boolean, common: Common): Invocation {
  const refuse = (message: string): Invocation => ({ kind: "usage-error", message, usage: WATCH_USAGE });
  const at: Span = { file: "<command line>", start: 0, end: 0, line: 1, col: 1, endLine: 1, endCol: 1 };
  let intervalS = DEFAULT_INTERVAL;
  if (interval !== undefined) {
    const r = parseWatchInterval(interval, at);
    if (!r.ok) return refuse(`--interval ${JSON.stringify(interval)}: ${r.diag.message}`);
    intervalS = r.value;
  }
  let samples: number | undefined;
  if (count !== undefined) {
    const r = parseSampleCount(count, at);
    if (!r.ok) return refuse(`--count ${JSON.stringify(count)}: ${r.diag.message}`);
    samples = r.value;
  }
  // the service is one statement's words: nothing that would start another
  const bad = service.find((w) => /[;#\n"'\\]/.test(w));
  if (bad !== undefined) return refuse(`watch: ${JSON.stringify(bad)} is not a service address`);
  return { kind: "watch", service, intervalS, ...(samples !== undefined ? { count: samples } : {}), json, ...common };
}
