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


/**
 * Other tools' names for IPVS's schedulers (haproxy's `balance`, nginx's
 * upstream methods, Envoy's lb_policy; keepalived's lb_algo already uses
 * IPVS's), compared without case, `-` or `_`: what the name means here, and
 * where the other tool's is not quite the same, how.
 */
const foreignSchedulers: Readonly<Record<string, { readonly scheduler: string; readonly note?: string }>> = {
  roundrobin: { scheduler: "rr", note: "haproxy's and nginx's round robin follows the weights: that is `wrr`" },
  staticrr: { scheduler: "wrr" },
  weightedroundrobin: { scheduler: "wrr" },
  leastconn: { scheduler: "wlc", note: "`lc` ignores the weights" },
  leastconnection: { scheduler: "wlc", note: "`lc` ignores the weights" },
  leastconnections: { scheduler: "wlc", note: "`lc` ignores the weights" },
  leastrequest: { scheduler: "wlc" },
  weightedleastconn: { scheduler: "wlc" },
  weightedleastconnection: { scheduler: "wlc" },
  source: { scheduler: "sh", note: "`mh` is the consistent one" },
  sourcehash: { scheduler: "sh" },
  iphash: { scheduler: "sh" },
  destinationhash: { scheduler: "dh" },
  desthash: { scheduler: "dh" },
  maglev: { scheduler: "mh" },
  ringhash: { scheduler: "mh" },
  consistenthash: { scheduler: "mh" },
  random: { scheduler: "twos", note: "a random choice of two, the lighter taken by weight; kernel 5.10+" },
  first: { scheduler: "ovf", note: "the highest weight first, the next once its `max` connections are reached" },
  failover: { scheduler: "fo" },
  overflow: { scheduler: "ovf" },
  neverqueue: { scheduler: "nq" },
  shortestexpecteddelay: { scheduler: "sed" },
};

/** What another tool's scheduler name (`roundrobin`, `leastconn`) is in lvsh, with the hint to give. */
export function foreignScheduler(word: string): { scheduler: string; hint: string } | undefined {
  const f = foreignSchedulers[word.toLowerCase().replace(/[-_]/g, "")];
  if (!f) return undefined;
  const doc = T.keywords.find((k) => k.word === f.scheduler)?.doc ?? "";
  return {
    scheduler: f.scheduler,
    hint: `write \`${f.scheduler}\`, ${doc}${f.note ? `; ${f.note}` : ""}. schedulers: ${T.wordsOf(T.Scheduler).join(", ")}`,
  };
}
