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

/* ------------------------------------------------------------------------
 * The lvsh scenarios (guest/scenario-*.sh): the records they write, and
 * checks over them. Each check returns its problems, [] when it passes.
 * ------------------------------------------------------------------------ */

/** One lvsh run (lab_lvsh in guest/lib.sh). */
export interface LvshRun {
  args: string[];
  env: string[];
  /** The namespace lvsh ran in ("" for the guest's own). */
  netns: string;
  exit: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** N fetches of the VIP from the client (lab_fetch). */
export interface Fetch {
  answers: string[];
  curl_exit: number[];
  curl_errors: string[];
  ms: number;
}

/** The director's counters, polled (lab_stats). */
export interface Stats {
  samples: { ms: number; conns: number }[];
  text: string;
}

/** Who answers ARP for the VIP, and the client's entry for it (lab_arp). */
export interface Arp {
  replies: string[];
  neigh: { dst: string; lladdr?: string; state?: string[] }[];
  arping: string;
}

/** What lvsh manages on one host, as the tools print it (lab_snap). */
export interface HostSnap {
  ipvsadm: string;
  arptables: string;
  addr: string;
  sysctl: string;
}

export type Snap = Record<string, HostSnap>;

const tail = (text: string, lines = 6): string => text.trim().split("\n").slice(-lines).join("\n");

/** lvsh exited with `exit` (0: committed); otherwise its stderr says why. */
export function checkLvsh(run: LvshRun, exit = 0): string[] {
  if (run.exit === exit) return [];
  const how = run.exit === 124 || run.exit === 137 ? " (killed by the lab's timeout)" : "";
  return [`lvsh ${run.args.join(" ")} exited ${run.exit}${how}, not ${exit}:\n${tail(run.stderr || run.stdout)}`];
}

/** Every fetch got an answer. */
export function checkAllAnswered(f: Fetch): string[] {
  const problems: string[] = [];
  f.curl_exit.forEach((code, i) => {
    if (code !== 0) problems.push(`fetch ${i + 1} failed: curl exit ${code}: ${f.curl_errors[i] ?? ""}`);
    else if (!f.answers[i]) problems.push(`fetch ${i + 1} got an empty answer`);
  });
  if (f.answers.length === 0) problems.push("no fetch ran");
  return problems;
}

/** Every fetch failed (a set-up that must not carry traffic). */
export function checkNoneAnswered(f: Fetch): string[] {
  const answered = f.answers.map((a, i) => (f.curl_exit[i] === 0 && a ? `fetch ${i + 1} answered by ${a}` : "")).filter(Boolean);
  return f.answers.length === 0 ? ["no fetch ran"] : answered;
}

/** How many fetches each server answered, in the order of `servers`, then any other answer. */
export function shares(f: Fetch): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of f.answers) if (a) out[a] = (out[a] ?? 0) + 1;
  return out;
}

/** The fetches were answered by `servers` in turn (rr): never the same one twice in a row, each as often. */
export function checkAlternates(f: Fetch, servers: readonly string[]): string[] {
  const problems = checkAllAnswered(f);
  f.answers.forEach((a, i) => {
    if (a && !servers.includes(a)) problems.push(`fetch ${i + 1} answered by ${JSON.stringify(a)}`);
    if (i > 0 && a && a === f.answers[i - 1]) problems.push(`fetches ${i} and ${i + 1} both answered by ${a}: not round-robin`);
  });
  const want = f.answers.length / servers.length;
  for (const s of servers) {
    const n = f.answers.filter((a) => a === s).length;
    if (n !== want) problems.push(`${s} answered ${n} of ${f.answers.length} fetches, not ${want}`);
  }
  return problems;
}

/** Each server answered exactly this many fetches (and no one else answered). */
export function checkShares(f: Fetch, want: Readonly<Record<string, number>>): string[] {
  const problems = checkAllAnswered(f);
  const got = shares(f);
  for (const s of new Set([...Object.keys(want), ...Object.keys(got)])) {
    if ((got[s] ?? 0) !== (want[s] ?? 0)) problems.push(`${s} answered ${got[s] ?? 0} of ${f.answers.length} fetches, not ${want[s] ?? 0}`);
  }
  return problems;
}

function ownerOf(macs: Readonly<Record<string, string>>, mac: string | undefined): string {
  const h = Object.keys(macs).find((k) => macs[k] === mac);
  return h ? ` (${h})` : "";
}

/** Only the director answers ARP for the VIP, and the client's entry for it is the director's MAC. */
export function checkArpDirectorOnly(a: Arp, vip: string, macs: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const lb = macs.lb;
  const replies = [...new Set(a.replies)];
  if (!replies.includes(lb!)) problems.push(`the director (${lb}) did not answer ARP for ${vip}`);
  for (const mac of replies.filter((m) => m !== lb)) problems.push(`${mac}${ownerOf(macs, mac)} answers ARP for ${vip}`);
  const entries = a.neigh.filter((e) => e.dst === vip);
  if (entries.length !== 1) problems.push(`the client has ${entries.length} neighbour entries for ${vip}`);
  else if (entries[0]!.lladdr !== lb) {
    problems.push(`the client's ARP entry for ${vip} is ${entries[0]!.lladdr ?? "incomplete"}${ownerOf(macs, entries[0]!.lladdr)}, not the director's ${lb}`);
  }
  return problems;
}

/**
 * The director's counters (the last poll) count `total` connections for the
 * service and `perDest` for each real server (`ADDR:PORT` -> connections;
 * null: the real server must not be listed).
 */
export function checkCounters(s: Stats, service: string, total: number, perDest: Readonly<Record<string, number | null>>): string[] {
  const problems: string[] = [];
  const conns = parseStatsConns(s.text);
  const last = s.samples.at(-1);
  if (conns.get(service) !== total) {
    problems.push(`the service ${service} counted ${conns.get(service) ?? "no"} connections, not ${total} (after ${last?.ms ?? "?"} ms of polling)`);
  }
  for (const [dest, n] of Object.entries(perDest)) {
    if (n === null && conns.has(dest)) problems.push(`${dest} is still listed`);
    else if (n !== null && conns.get(dest) !== n) problems.push(`${dest} counted ${conns.get(dest) ?? "no"} connections, not ${n}`);
  }
  return problems;
}

/** `ipvsadm -Sn` as lines. */
export function saveLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

/** arptables-nft-save's `# Generated ... on DATE` / `# Completed on DATE` lines, the only part of a save that changes by itself. */
export function withoutSaveComments(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^# (Generated|Completed)\b/.test(l))
    .join("\n");
}

export const SNAP_PARTS = ["ipvsadm", "arptables", "addr", "sysctl"] as const;
export type SnapPart = (typeof SNAP_PARTS)[number];

export interface SnapDiffOptions {
  /** The parts to compare (default: all). */
  readonly parts?: readonly SnapPart[];
  /**
   * Count an empty arptables-nft `filter` table (only its chains, policy
   * ACCEPT) as no table: the first `arptables -A` creates it, and removing
   * the rules again leaves it. Functionally the same; not byte for byte.
   */
  readonly emptyArpTableIsNone?: boolean;
}

/** An arptables save that is only an empty nft `filter` table with ACCEPT policies. */
export function isEmptyArpTable(save: string): boolean {
  const lines = withoutSaveComments(save)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.join("\n") === "*filter\n:INPUT ACCEPT\n:OUTPUT ACCEPT";
}

function partText(h: HostSnap, part: SnapPart, opts: SnapDiffOptions): string {
  if (part !== "arptables") return h[part];
  const text = withoutSaveComments(h.arptables);
  return opts.emptyArpTableIsNone && isEmptyArpTable(text) ? "" : text;
}

/**
 * Where two snapshots differ, host by host, part by part, byte for byte
 * (arptables-nft-save's timestamp comments aside): `host part: line N:
 * "before" -> "after"`.
 */
export function snapDiff(before: Snap, after: Snap, opts: SnapDiffOptions = {}): string[] {
  const problems: string[] = [];
  for (const host of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = before[host];
    const b = after[host];
    if (!a || !b) {
      problems.push(`${host}: only in the ${a ? "first" : "second"} snapshot`);
      continue;
    }
    for (const part of opts.parts ?? SNAP_PARTS) {
      const x = partText(a, part, opts);
      const y = partText(b, part, opts);
      if (x === y) continue;
      const xs = x.split("\n");
      const ys = y.split("\n");
      const note = part === "arptables" && x.trim() === "" && isEmptyArpTable(y) ? " (the empty table the first rule created, left behind)" : "";
      // every differing line (up to 8) when the line counts agree; else the first one
      const first = xs.findIndex((l, n) => l !== ys[n]);
      const lines = xs.length === ys.length ? xs.flatMap((l, n) => (l !== ys[n] ? [n] : [])).slice(0, 8) : [first < 0 ? xs.length : first];
      for (const at of lines) {
        problems.push(`${host} ${part}: line ${at + 1}: ${JSON.stringify(xs[at] ?? "(end)")} -> ${JSON.stringify(ys[at] ?? "(end)")}${note}`);
      }
    }
  }
  return problems;
}

/** The parts of `after` that differ from `before` on `host` (to show a change had something to undo). */
export function changedParts(before: Snap, after: Snap, host: string): SnapPart[] {
  return SNAP_PARTS.filter((p) => snapDiff({ [host]: before[host]! }, { [host]: after[host]! }, { parts: [p] }).length > 0);
}

/** `sysctl` output as a map. */
export function sysctls(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^(\S+) = (.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** `ip -j addr show` as `ADDR/PREFIX dev IFACE` (global scope only, as lvsh reads them) plus each link's state. */
export function addrs(json: string): string[] {
  const links = JSON.parse(json) as { ifname: string; addr_info?: { local: string; prefixlen: number; scope: string }[] }[];
  return links.flatMap((l) => (l.addr_info ?? []).filter((a) => a.scope !== "link" && a.scope !== "host").map((a) => `${a.local}/${a.prefixlen} dev ${l.ifname}`));
}

/** Whether a link is administratively up in `ip -j addr show`. */
export function linkUp(json: string, ifname: string): boolean | undefined {
  const links = JSON.parse(json) as { ifname: string; flags?: string[] }[];
  const l = links.find((x) => x.ifname === ifname);
  return l ? (l.flags ?? []).includes("UP") : undefined;
}

/** The `-A CHAIN ...` rules of an arptables save, whitespace trimmed. */
export function arpRules(save: string): string[] {
  return save
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("-A "));
}

/* ------------------------------------------------------------------------
 * `lvsh doctor --json` in the scenarios (lab_doctor in guest/lib.sh).
 * ------------------------------------------------------------------------ */

export interface DoctorFinding {
  host: string;
  code: string;
  severity: "error" | "warning";
  message: string;
  fix: string;
}
export interface DoctorChecked {
  check: string;
  subject: string;
  result: "ok" | "error" | "warning" | "skipped";
  detail?: string;
}
export interface DoctorOut {
  findings: DoctorFinding[];
  checked: Record<string, DoctorChecked[]>;
}

/** doctor's JSON from its run; undefined when its stdout is not that. */
export function doctorOut(run: LvshRun): DoctorOut | undefined {
  try {
    const o = JSON.parse(run.stdout) as DoctorOut;
    return Array.isArray(o.findings) && typeof o.checked === "object" ? o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * doctor ran on `hosts` (every one read, none unreadable) and its errors are
 * exactly `errors` (`HOST CODE`, each at least once): exit 1 when there are
 * any, 0 when none. Warnings are allowed (listed when `errors` is empty, for
 * the reader).
 */
export function checkDoctor(run: LvshRun, hosts: readonly string[], errors: readonly string[]): string[] {
  const out = doctorOut(run);
  if (!out) return [`doctor ${run.args.join(" ")} printed no JSON report (exit ${run.exit}):\n${tail(run.stderr || run.stdout)}`];
  const problems: string[] = [];
  const want = errors.length ? 1 : 0;
  if (run.exit !== want) problems.push(`doctor exited ${run.exit}, not ${want}${run.stderr.trim() ? `:\n${tail(run.stderr)}` : ""}`);
  const read = Object.keys(out.checked).sort();
  if (read.join(" ") !== [...hosts].sort().join(" ")) problems.push(`doctor checked ${read.join(", ") || "no host"}, not ${[...hosts].sort().join(", ")}`);
  const got = out.findings.filter((f) => f.severity === "error");
  for (const e of errors) if (!got.some((f) => `${f.host} ${f.code}` === e)) problems.push(`no error ${e}`);
  for (const f of got) if (!errors.includes(`${f.host} ${f.code}`)) problems.push(`unexpected error ${f.host} ${f.code}: ${f.message}`);
  return problems;
}
