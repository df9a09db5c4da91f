/** Which closed set of values a misspelt word was meant for. */
import type { TokenType } from "chevrotain";
import type { DiagnosticCode } from "./codes.js";
import { wordsForToken } from "./grammar-info.js";
import * as T from "./tokens.js";

/**
 * A misspelt word that was meant as one of a closed set of values. `rule`,
 * the statement it is in, decides between sets that share a word (`tcp` is
 * a protocol, and a check type in `check`).
 */
export function typoKind(guess: string, rule?: string): { code: DiagnosticCode; what: string; words: string[] } | undefined {
  const sets: [TokenType, DiagnosticCode, string][] = [
    [T.Scheduler, "unknown-scheduler", "scheduler"],
    [T.Protocol, "unknown-protocol", "protocol"],
    [T.TunType, "unknown-tunnel-type", "tunnel type"],
    [T.ArpVia, "unknown-arp-method", "ARP hiding method"],
    [T.CheckType, "unknown-check-type", "check type"],
  ];
  if (rule === "checkStatement") sets.unshift(sets.pop()!);
  for (const [cat, code, what] of sets) {
    const words = T.wordsOf(cat);
    if (words.includes(guess)) return { code, what, words };
  }
  const methods = wordsForToken(T.Dr).concat(wordsForToken(T.Nat), wordsForToken(T.Tun));
  if (methods.includes(guess)) return { code: "unknown-method", what: "forwarding method", words: methods };
  return undefined;
}

