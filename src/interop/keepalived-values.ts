/** Reading keepalived.conf values, with notes on what cannot be read (shared by the importers). */
import type { Gathered } from "./gather.js";
import type { KaNode } from "./keepalived-conf.js";

export interface KaCtx {
  readonly g: Gathered;
  readonly source: string;
}

export function lost(c: KaCtx, line: number, text: string): void {
  c.g.notes.push({ source: c.source, line, kind: "lost", text });
}

export function info(c: KaCtx, line: number, text: string): void {
  c.g.notes.push({ source: c.source, line, kind: "info", text });
}

export function intArg(c: KaCtx, n: KaNode, min = 0, max = 4294967295): number | undefined {
  const text = n.words[1];
  if (text !== undefined && /^\d+$/.test(text) && Number(text) >= min && Number(text) <= max) return Number(text);
  lost(c, n.line, `\`${n.words.join(" ")}\`: expected a number from ${min} to ${max}`);
  return undefined;
}

/** keepalived's TIMER: seconds, maybe with a fraction (lvsh counts whole seconds). */
export function secondsArg(c: KaCtx, n: KaNode): number | undefined {
  const v = Number(n.words[1]);
  if (n.words[1] === undefined || !Number.isFinite(v) || v < 0) {
    lost(c, n.line, `\`${n.words.join(" ")}\`: expected seconds`);
    return undefined;
  }
  if (!Number.isInteger(v)) info(c, n.line, `\`${n.words.join(" ")}\`: lvsh counts whole seconds; rounded up to ${Math.ceil(v)}`);
  return Math.ceil(v);
}

export function boolArg(n: KaNode): boolean {
  const v = (n.words[1] ?? "true").toLowerCase();
  return !["false", "off", "no", "0"].includes(v);
}

/** `delay_before_retry` at any level: lvsh's check has no such delay. */
export function noDelayBeforeRetry(c: KaCtx, n: KaNode): void {
  lost(c, n.line, `\`${n.words.join(" ")}\`: lvsh has no delay between retries (keepalived's default applies)`);
}
