/**
 * keepalived's connection sync: `lvs_sync_daemon IFACE [[inst] INSTANCE]
 * [id N] ...` in global_defs (and its old name, `lvs_sync_daemon_interface
 * IFACE`) -> `sync daemon on IFACE [id N]`. lvsh's sync follows its own
 * VRRP instances (the export names each director's first), so INSTANCE is
 * not kept; it needs a director pair and `engine keepalived`, which the
 * import then says too. The rest of global_defs is noted, as before.
 */
import { limits, parseIface } from "../lang/index.js";
import { KEEPALIVED_CONF, type Config } from "../model/index.js";
import { lineSpan, type Gathered, type Note } from "./gather.js";
import type { KaNode } from "./keepalived-conf.js";
import { lost, type KaCtx } from "./keepalived-values.js";

const SYNC_WORDS = new Set(["lvs_sync_daemon", "lvs_sync_daemon_interface"]);
/** lvs_sync_daemon's options lvsh has no word for (keepalived's defaults are kept). */
const UNSAID = new Set(["maxlen", "port", "ttl", "group"]);

/** One `lvs_sync_daemon` line, into `g.sync`; what lvsh cannot say of it, a note. */
function syncLine(c: KaCtx, k: KaNode): void {
  const [word, iface, ...rest] = k.words;
  const text = k.words.join(" ");
  if (!iface || !parseIface(iface, lineSpan(c.source, k.line)).ok) return lost(c, k.line, `\`${text}\`: expected an interface name after ${word}`);
  let id = 0;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === "id" && word === "lvs_sync_daemon") {
      const n = Number(rest[++i]);
      // keepalived's id 0 is its default (the VRRP router id): lvsh says it by giving none
      if (!Number.isInteger(n) || n < 0 || n > limits.syncId.max) return lost(c, k.line, `\`${text}\`: the sync id is 0 to ${limits.syncId.max}`);
      id = n;
    } else if (UNSAID.has(w) && word === "lvs_sync_daemon") {
      lost(c, k.line, `\`${w} ${rest[i + 1] ?? ""}\` of lvs_sync_daemon: lvsh's \`sync daemon\` has no such setting (keepalived's default is kept)`);
      i++;
    } else if (w === "inst") i++;
    else if (i > 0 || word !== "lvs_sync_daemon") return lost(c, k.line, `\`${text}\`: lvsh does not know \`${w}\` there`);
    // else: the instance, which lvsh's export names itself
  }
  c.g.sync.push({ source: c.source, line: k.line, iface, id, text });
}

/** `global_defs { ... }`: the sync daemon read; anything else said as one note, as before. */
export function globalDefs(c: KaCtx, n: KaNode): void {
  const body = n.block ?? [];
  for (const k of body) if (SYNC_WORDS.has(k.words[0] ?? "")) syncLine(c, k);
  const rest = body.filter((k) => !SYNC_WORDS.has(k.words[0] ?? ""));
  if (rest.length || !body.length) lost(c, n.line, `\`${n.words.join(" ")} { ... }\`${rest.length < body.length ? " (but lvs_sync_daemon)" : ""}: lvsh has no such setting`);
}

/**
 * The sync daemon of the imported files, on the configuration: with a
 * director pair, `sync daemon on IFACE [id N]` and `engine keepalived`
 * (what runs it); without, a note. Files that differ: the first is taken,
 * the others said.
 */
export function resolveSync(g: Gathered, config: Config): { config: Config; notes: Note[] } {
  const [first, ...others] = g.sync;
  if (!first) return { config, notes: [] };
  const notes: Note[] = [];
  for (const o of others) {
    if (o.iface !== first.iface || o.id !== first.id) {
      notes.push({ source: o.source, line: o.line, kind: "lost", text: `\`${o.text}\`: another sync daemon than ${first.source}'s (\`${first.text}\`), which is the one imported` });
    }
  }
  if (![...config.vips.values()].some((v) => v.pair)) {
    notes.push({ source: first.source, line: first.line, kind: "lost", text: `\`${first.text}\`: connection sync runs between the two directors of a pair, and no director pair was imported (import both directors' files)` });
    return { config, notes };
  }
  const span = lineSpan(first.source, first.line);
  const engine = config.engine ?? { kind: "keepalived" as const, path: KEEPALIVED_CONF, span };
  if (!config.engine) notes.push({ source: first.source, line: first.line, kind: "info", text: `\`${first.text}\`: read as \`sync daemon on ${first.iface}${first.id ? ` id ${first.id}` : ""}\`, which runs through keepalived: the import says \`engine keepalived\` too` });
  return { config: { ...config, engine, sync: { iface: first.iface, id: first.id, span } }, notes };
}
