/**
 * Checks over the smoke scenario's result (guest/smoke.sh writes it as
 * JSON). Pure: each returns its problems, empty when the check passes, so
 * the tests can show that a check passes on the good run and fails on the
 * negative control.
 */

export type Host = "lb" | "rs1" | "rs2" | "client";

export interface SmokeResult {
  variant: string;
  error?: string;
  uname_r: string;
  vip: string;
  fetches: number;
  /** The body of each fetch: the name of the real server that answered; "" when it failed. */
  answers: string[];
  curl_exit: number[];
  curl_errors: string[];
  mac: Record<Host, string>;
  client_neigh_vip: { dst: string; lladdr?: string; state?: string[] }[];
  stats_samples: { ms: number; conns: number }[];
  ipvsadm_save: string;
  ipvsadm_stats: string;
  arptables_rs1_legacy: string;
  arptables_rs2_nft: string;
  timing_ms: { setup: number; fetch: number; poll: number; total: number };
  forks: number;
  true_ms: number;
}

const REAL_SERVERS = ["rs1", "rs2"] as const;

/** The guest runs Debian 12's 6.1 kernel, not this machine's. */
export function checkKernel(r: SmokeResult): string[] {
  return /^6\.1\./.test(r.uname_r) ? [] : [`uname -r is ${r.uname_r}, not 6.1.*`];
}

/** Every fetch answered, by rs1 and rs2 in turn (rr), each half of the time. */
export function checkRoundRobin(r: SmokeResult): string[] {
  const problems: string[] = [];
  if (r.answers.length !== r.fetches) problems.push(`${r.answers.length} answers for ${r.fetches} fetches`);
  r.curl_exit.forEach((code, i) => {
    if (code !== 0) problems.push(`fetch ${i + 1} failed: curl exit ${code}: ${r.curl_errors[i] ?? ""}`);
  });
  r.answers.forEach((a, i) => {
    if (a === "") return;
    if (!(REAL_SERVERS as readonly string[]).includes(a)) problems.push(`fetch ${i + 1} answered by ${JSON.stringify(a)}`);
    if (i > 0 && a === r.answers[i - 1]) problems.push(`fetches ${i} and ${i + 1} both answered by ${a}: not round-robin`);
  });
  for (const rs of REAL_SERVERS) {
    const n = r.answers.filter((a) => a === rs).length;
    if (n !== r.fetches / 2) problems.push(`${rs} answered ${n} of ${r.fetches} fetches, not ${r.fetches / 2}`);
  }
  return problems;
}

/** Active+inactive connections per address from `ipvsadm -Ln --stats --exact` (service and real servers). */
export function parseStatsConns(text: string): Map<string, number> {
  const conns = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(?:TCP|UDP|SCTP|FWM)?\s*(?:->\s*)?(\S+:\d+)\s+(\d+)\s+\d+\s+\d+/.exec(line.trim());
    if (m) conns.set(m[1]!, Number(m[2]));
  }
  return conns;
}

/** The director's counters (read until they settle: the estimator copies them every ~2 s) count every fetch, half per real server. */
export function checkStats(r: SmokeResult, rip: Record<(typeof REAL_SERVERS)[number], string>): string[] {
  const problems: string[] = [];
  const last = r.stats_samples.at(-1);
  if (last === undefined) return ["no ipvsadm --stats sample"];
  if (last.conns !== r.fetches) {
    problems.push(`the service counted ${last.conns} connections for ${r.fetches} fetches (after ${last.ms} ms of polling)`);
  }
  const conns = parseStatsConns(r.ipvsadm_stats);
  for (const rs of REAL_SERVERS) {
    const n = conns.get(`${rip[rs]}:80`);
    if (n !== r.fetches / 2) problems.push(`${rs} (${rip[rs]}) counted ${n ?? "no"} connections, not ${r.fetches / 2}`);
  }
  return problems;
}

/** The client's ARP entry for the VIP is the director's MAC (the real servers keep quiet about the VIP). */
export function checkClientArp(r: SmokeResult): string[] {
  const entries = r.client_neigh_vip.filter((e) => e.dst === r.vip);
  if (entries.length !== 1) return [`the client has ${entries.length} neighbour entries for ${r.vip}`];
  const mac = entries[0]!.lladdr;
  if (mac === r.mac.lb) return [];
  const owner = (Object.keys(r.mac) as Host[]).find((h) => r.mac[h] === mac);
  return [`the client's ARP entry for ${r.vip} is ${mac ?? "incomplete"}${owner ? ` (${owner})` : ""}, not the director's ${r.mac.lb}`];
}
