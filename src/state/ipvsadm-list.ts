/**
 * The listings of `ipvsadm -Ln`: plain (forward, weight, connections),
 * `--thresholds`, `--stats` and `--rate`. `-S` does not save the thresholds
 * (-x/-y), so lvsh reads them here and merges them into the table.
 *
 * Numbers: without --exact, ipvsadm prints big counters with a K, M, G or
 * T suffix (print_largenum: "123456K" = 123456 thousand). They are read
 * back approximately, K = 1000, M = 10^6 and so on.
 */
import { maxPrefix, netmaskToPrefix, parseIPv4 } from "../lang/index.js";
import { destKeyOf, serviceKeyOf, type IpvsService } from "../model/index.js";
import { parseEndpoint } from "./endpoint.js";
import type { ServiceId } from "./ipvsadm-line.js";
import { fail, numberedLines, ok, parseIntIn, type Res, type StateProblem } from "./problem.js";
import { parseSchedFlags } from "./sched-flags.js";

/** The key of a real server in a listing: `${serviceKeyOf(svc)} ${destKeyOf(dest)}`. */
export function listingKey(svc: ServiceId, dest: { addr: string; port: number }): string {
  return `${serviceKeyOf(svc)} ${destKeyOf(dest)}`;
}

export interface IpvsListing<S, D> {
  /** By serviceKeyOf, in listing order. */
  readonly services: Map<string, S>;
  /** By listingKey, in listing order. */
  readonly dests: Map<string, D>;
  readonly problems: StateProblem[];
}

/** `--stats`: totals since the counters were zeroed. */
export interface IpvsStats {
  readonly conns: number;
  readonly inPkts: number;
  readonly outPkts: number;
  readonly inBytes: number;
  readonly outBytes: number;
}

/** `--rate`: per second. */
export interface IpvsRate {
  readonly cps: number;
  readonly inPps: number;
  readonly outPps: number;
  readonly inBps: number;
  readonly outBps: number;
}

/** A real server in plain `-Ln`. `local`: the kernel found the address is the director's own. */
export interface DestCounters {
  readonly forward: "dr" | "nat" | "tun" | "local";
  readonly weight: number;
  readonly activeConns: number;
  readonly inactConns: number;
}

/** A service line of plain `-Ln` (and --thresholds): what follows the address. */
export interface ListedService {
  readonly scheduler: string;
  readonly flags: string[];
  readonly persistence: number | null;
  readonly netmask: number;
  readonly pe: string | null;
  readonly onePacket: boolean;
}

export interface Thresholds {
  readonly uThreshold: number;
  readonly lThreshold: number;
}

const suffixes: Readonly<Record<string, number>> = { "": 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A counter as print_largenum prints it; K/M/G/T are read approximately (K = 1000). */
export function parseLargeNum(text: string): number | null {
  const m = /^(\d+)([KMGT]?)$/.exec(text);
  return m ? Number(m[1]) * suffixes[m[2]!]! : null;
}

function numbers(cols: readonly string[], count: number): Res<number[]> {
  const out = cols.map(parseLargeNum);
  if (out.length !== count || out.some((n) => n === null)) return fail(`expected ${count} numbers, not \`${cols.join(" ")}\``);
  return ok(out as number[]);
}

const protoOf: Readonly<Record<string, "tcp" | "udp" | "sctp">> = { TCP: "tcp", UDP: "udp", SCTP: "sctp" };

/** `TCP  192.0.2.10:80 ...`, `FWM  7 ...`, `FWM  9 IPv6 ...` -> the service and the rest of the words. */
function serviceHead(words: readonly string[]): Res<{ id: ServiceId; rest: string[] }> {
  const [prot, spec, ...rest] = words;
  if (prot === "FWM") {
    const mark = parseIntIn(spec ?? "", 1, 4294967295);
    if (mark === null) return fail(`invalid fwmark \`${spec}\``);
    const v6 = rest[0] === "IPv6";
    return ok({ id: { proto: null, addr: null, port: 0, fwmark: mark, family: v6 ? 6 : 4 }, rest: v6 ? rest.slice(1) : rest });
  }
  const proto = protoOf[prot ?? ""];
  if (!proto || spec === undefined) return fail("expected a service: TCP, UDP, SCTP or FWM, then its address or mark");
  const ep = parseEndpoint(spec);
  if (!ep.ok) return ep;
  if (ep.value.port === null) return fail(`\`${spec}\` has no port`);
  return ok({ id: { proto, addr: ep.value.addr, port: ep.value.port, fwmark: null, family: ep.value.family }, rest });
}

/** `-> ADDR:PORT cols...` -> the real server and its columns. */
function destHead(words: readonly string[]): Res<{ dest: { addr: string; port: number }; cols: string[] }> {
  const [spec, ...cols] = words;
  const ep = parseEndpoint(spec ?? "");
  if (!ep.ok) return ep;
  if (ep.value.port === null) return fail(`\`${spec}\` has no port`);
  return ok({ dest: { addr: ep.value.addr, port: ep.value.port }, cols });
}

interface ListingKind<S, D> {
  /** Words the column header line must contain. */
  readonly header: readonly string[];
  readonly service: (rest: string[], id: ServiceId) => Res<S>;
  readonly dest: (cols: string[]) => Res<D>;
}

function isTitle(trimmed: string): boolean {
  return trimmed.startsWith("IP Virtual Server version") || trimmed.startsWith("-> RemoteAddress:Port");
}

function parseListing<S, D>(text: string, kind: ListingKind<S, D>): IpvsListing<S, D> {
  const out: IpvsListing<S, D> = { services: new Map(), dests: new Map(), problems: [] };
  let current: ServiceId | null = null;
  for (const { line, text: raw } of numberedLines(text)) {
    const trimmed = raw.trim();
    if (trimmed === "" || isTitle(trimmed)) continue;
    const problem = (message: string) => out.problems.push({ line, text: raw, message });
    if (trimmed.startsWith("Prot ")) {
      const missing = kind.header.filter((w) => !trimmed.split(/\s+/).includes(w));
      if (missing.length > 0) problem(`not the listing expected: the header lacks ${missing.join(", ")}`);
      continue;
    }
    const words = trimmed.split(/\s+/);
    if (words[0] === "->") {
      if (!current) problem("a real server before any service");
      else readDestLine(out, kind, current, words.slice(1), problem);
      continue;
    }
    current = readServiceLine(out, kind, words, problem);
  }
  return out;
}

function readServiceLine<S, D>(out: IpvsListing<S, D>, kind: ListingKind<S, D>, words: string[], problem: (m: string) => void): ServiceId | null {
  const head = serviceHead(words);
  if (!head.ok) {
    problem(head.message);
    return null;
  }
  const value = kind.service(head.value.rest, head.value.id);
  if (value.ok) out.services.set(serviceKeyOf(head.value.id), value.value);
  else problem(value.message);
  return head.value.id;
}

function readDestLine<S, D>(out: IpvsListing<S, D>, kind: ListingKind<S, D>, svc: ServiceId, words: string[], problem: (m: string) => void): void {
  const head = destHead(words);
  if (!head.ok) return void problem(head.message);
  const value = kind.dest(head.value.cols);
  if (value.ok) out.dests.set(listingKey(svc, head.value.dest), value.value);
  else problem(value.message);
}

/* ---------------- the service suffixes of -Ln ---------------- */

/** `rr`, `sh (sh-fallback,sh-port)`, `wlc persistent 600 mask 255.255.255.0 pe sip`, `nq ops`. */
function listedService(rest: string[], id: ServiceId): Res<ListedService> {
  const [scheduler, ...words] = rest;
  if (!scheduler) return fail("no scheduler");
  let s: ListedService = { scheduler, flags: [], persistence: null, netmask: maxPrefix(id.family), pe: null, onePacket: false };
  let i = 0;
  if (words[0]?.startsWith("(") && words[0].endsWith(")")) {
    const flags = parseSchedFlags(scheduler, words[i++]!.slice(1, -1));
    if (!flags.ok) return flags;
    s = { ...s, flags: flags.value };
  }
  while (i < words.length) {
    const word = words[i++]!;
    const part = word === "ops" ? ok({ onePacket: true }) : suffix(word, words[i++], id);
    if (!part.ok) return part;
    s = { ...s, ...part.value };
  }
  return ok(s);
}

/** One `persistent N`, `mask M` or `pe NAME` after the scheduler. */
function suffix(word: string, arg: string | undefined, id: ServiceId): Res<Partial<ListedService>> {
  if (arg === undefined) return fail(`\`${word}\` without a value`);
  if (word === "pe") return ok({ pe: arg });
  if (word === "persistent") {
    const persistence = parseIntIn(arg, 1, Number.MAX_SAFE_INTEGER);
    return persistence === null ? fail(`invalid timeout \`${arg}\``) : ok({ persistence });
  }
  if (word === "mask") {
    const netmask = listedMask(arg, id);
    return netmask === null ? fail(`invalid mask \`${arg}\``) : ok({ netmask });
  }
  return fail(`unexpected \`${word}\` after the scheduler`);
}

function listedMask(text: string, id: ServiceId): number | null {
  if (id.family === 6) return parseIntIn(text, 1, 128);
  const ip = parseIPv4(text);
  return ip ? netmaskToPrefix(ip) : null;
}

const forwardOf: Readonly<Record<string, DestCounters["forward"]>> = { Route: "dr", Masq: "nat", Tunnel: "tun", Local: "local" };

/* ---------------- the four listings ---------------- */

/** Plain `ipvsadm -Ln` (also `--exact`): each service's options, each real server's forward, weight, connections. */
export function parseIpvsadmList(text: string): IpvsListing<ListedService, DestCounters> {
  return parseListing(text, {
    header: ["Scheduler"],
    service: listedService,
    dest: (cols) => {
      const forward = forwardOf[cols[0] ?? ""];
      if (!forward) return fail(`unknown forwarding method \`${cols[0]}\``);
      const n = numbers(cols.slice(1), 3);
      return n.ok ? ok({ forward, weight: n.value[0]!, activeConns: n.value[1]!, inactConns: n.value[2]! }) : n;
    },
  });
}

/** `ipvsadm -Ln --thresholds`: per real server (by listingKey), its -x and -y. */
export function parseIpvsadmThresholds(text: string): Map<string, Thresholds> {
  return parseListing(text, {
    header: ["Uthreshold", "Lthreshold"],
    service: () => ok(null),
    dest: (cols) => {
      const n = numbers(cols, 4);
      return n.ok ? ok({ uThreshold: n.value[0]!, lThreshold: n.value[1]! }) : n;
    },
  }).dests;
}

/** `ipvsadm -Ln --stats`. */
export function parseIpvsadmStats(text: string): IpvsListing<IpvsStats, IpvsStats> {
  const read = (cols: string[]): Res<IpvsStats> => {
    const n = numbers(cols, 5);
    return n.ok ? ok({ conns: n.value[0]!, inPkts: n.value[1]!, outPkts: n.value[2]!, inBytes: n.value[3]!, outBytes: n.value[4]! }) : n;
  };
  return parseListing(text, { header: ["Conns", "InPkts"], service: read, dest: read });
}

/** `ipvsadm -Ln --rate`. */
export function parseIpvsadmRate(text: string): IpvsListing<IpvsRate, IpvsRate> {
  const read = (cols: string[]): Res<IpvsRate> => {
    const n = numbers(cols, 5);
    return n.ok ? ok({ cps: n.value[0]!, inPps: n.value[1]!, outPps: n.value[2]!, inBps: n.value[3]!, outBps: n.value[4]! }) : n;
  };
  return parseListing(text, { header: ["CPS", "InPPS"], service: read, dest: read });
}

/** The table with -x/-y of each real server filled in from `--thresholds` (absent ones keep theirs). */
export function withThresholds(services: readonly IpvsService[], thresholds: ReadonlyMap<string, Thresholds>): IpvsService[] {
  return services.map((s) => ({
    ...s,
    dests: s.dests.map((d) => {
      const t = thresholds.get(listingKey(s, d));
      return t ? { ...d, uThreshold: t.uThreshold, lThreshold: t.lThreshold } : d;
    }),
  }));
}
