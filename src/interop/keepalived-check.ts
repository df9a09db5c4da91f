/**
 * A keepalived checker block (HTTP_GET, SSL_GET, TCP_CHECK, UDP_CHECK,
 * SMTP_CHECK, PING_CHECK, DNS_CHECK, MISC_CHECK) -> an lvsh health check.
 * Values come from the checker, else the real server, else the virtual
 * server, else keepalived's defaults (delay_loop 60 s, connect_timeout 5 s,
 * retry 1; MISC_CHECK retry 0, DNS_CHECK retry 3), as keepalived itself
 * inherits them. FILE_CHECK and BFD_CHECK watch something lvsh does not
 * declare (a tracked file, a BFD session): noted, not imported.
 */
import { limits, parseDnsName, parseDnsType, parseHeloName, parseMiscCommand, parseStatusCodes } from "../lang/index.js";
import type { HealthCheck } from "../model/index.js";
import type { KaNode } from "./keepalived-conf.js";
import { info, intArg, lost, noDelayBeforeRetry, secondsArg, type KaCtx } from "./keepalived-values.js";

export interface CheckDefaults {
  delayLoop?: number | undefined;
  connectTimeout?: number | undefined;
  retry?: number | undefined;
}

/** keepalived's own defaults for what lvsh's check has. */
export const KEEPALIVED_DEFAULTS = { delayLoop: 60, connectTimeout: 5, retry: 1 } as const;

type Kind = Exclude<HealthCheck["kind"], "none">;

const kinds: Readonly<Record<string, Kind>> = {
  HTTP_GET: "http",
  SSL_GET: "https",
  TCP_CHECK: "tcp",
  UDP_CHECK: "udp",
  SMTP_CHECK: "smtp",
  PING_CHECK: "ping",
  DNS_CHECK: "dns",
  MISC_CHECK: "misc",
};

/** keepalived's retry default where a checker has its own (check_misc.c, check_dns.h). */
const ownRetryDefault: Partial<Record<Kind, number>> = { misc: 0, dns: 3 };

/** What a checker lvsh cannot say watches. */
const unsayable: Readonly<Record<string, string>> = {
  FILE_CHECK: "it follows a track_file's value; lvsh has no tracked files",
  BFD_CHECK: "it follows a BFD session; lvsh has no BFD",
};

const NOSPAN = { file: "", start: 0, end: 0, line: 0, col: 0, endLine: 0, endCol: 0 };

interface Url {
  line: number;
  path?: string;
  expect?: string;
}

function readUrl(c: KaCtx, n: KaNode): Url {
  const url: Url = { line: n.line };
  const extra: KaNode[] = [];
  for (const k of n.block ?? []) {
    const [key, ...args] = k.words;
    if (key === "path" && args[0] !== undefined) url.path = args[0];
    else if (key === "status_code") {
      const r = parseStatusCodes(args.join(","), NOSPAN);
      if (r.ok) url.expect = r.value;
      else lost(c, k.line, `\`${k.words.join(" ")}\`: not status codes`);
    } else extra.push(k);
  }
  const where = url.path ? `the url ${url.path}` : "a url";
  for (const k of extra) {
    if (k.words[0] === "digest") lost(c, k.line, `\`digest ${k.words[1] ?? ""}\` of ${where}: lvsh's check compares the status code only, not the page's digest`);
    else lost(c, k.line, `\`${k.words.join(" ")}\` in ${where}: lvsh checks the path and the status code only`);
  }
  return url;
}

function inRange(c: KaCtx, n: KaNode, v: number | undefined, lim: { min: number; max: number }, what: string): number | undefined {
  if (v === undefined || (v >= lim.min && v <= lim.max)) return v;
  lost(c, n.line, `${what} ${v}: lvsh takes ${lim.min} to ${lim.max}; left to lvsh's default`);
  return undefined;
}

/** What lvsh's check of this kind cannot say, by keyword. */
const noSuch: Readonly<Record<string, string>> = {
  payload: "lvsh's udp check sends no payload of its own (keepalived sends random bytes)",
  require_reply: "lvsh's udp check does not ask for a reply (only an ICMP error fails it)",
  min_reply_length: "lvsh's udp check does not ask for a reply",
  max_reply_length: "lvsh's udp check does not ask for a reply",
  user: "lvsh's misc check runs as keepalived's default script user",
  host: "a deprecated host block; lvsh checks the real server itself",
};

interface Specific {
  helo?: string;
  name?: string;
  type?: string;
  command?: string;
  miscTimeout?: number;
  dynamic?: boolean;
}

/** A keyword only one kind of checker has; false: not one of them. */
function readSpecific(c: KaCtx, kind: Kind, k: KaNode, s: Specific): boolean {
  const [key, ...args] = k.words;
  const span = NOSPAN;
  if (kind === "smtp" && key === "helo_name") {
    const r = parseHeloName(args.join(" "), span);
    if (r.ok) s.helo = r.value;
    else lost(c, k.line, `\`${k.words.join(" ")}\`: ${r.diag.message}`);
  } else if (kind === "dns" && key === "name") {
    const r = parseDnsName(args[0] ?? "", span);
    if (r.ok) s.name = r.value;
    else lost(c, k.line, `\`${k.words.join(" ")}\`: ${r.diag.message}`);
  } else if (kind === "dns" && key === "type") {
    const r = parseDnsType(args[0] ?? "", span);
    if (r.ok) s.type = r.value;
    else lost(c, k.line, `\`${k.words.join(" ")}\`: ${r.diag.message}; keepalived ignores it too (SOA)`);
  } else if (kind === "misc" && key === "misc_path") {
    if (args.length > 1) info(c, k.line, `\`${k.words.join(" ")}\`: keepalived runs \`${args[0]}\` only (quote the whole command line to pass arguments)`);
    const r = parseMiscCommand(args[0] ?? "", span);
    if (r.ok) s.command = r.value;
    else lost(c, k.line, `\`${k.words.join(" ")}\`: ${r.diag.message}`);
  } else if (kind === "misc" && key === "misc_timeout") {
    const t = secondsArg(c, k);
    // 0: keepalived's default, the checker's delay_loop
    if (t) s.miscTimeout = t;
  } else if (kind === "misc" && key === "misc_dynamic") s.dynamic = true;
  else return false;
  return true;
}

export function readChecker(c: KaCtx, n: KaNode, defaults: CheckDefaults, rsPort: number): HealthCheck | undefined {
  const block = n.words[0] ?? "";
  const kind = kinds[block];
  if (!kind) {
    const why = unsayable[block];
    return void lost(c, n.line, why ? `\`${block}\` cannot be said in lvsh: ${why}` : `\`${block}\`: lvsh's checks are http (HTTP_GET), https (SSL_GET), tcp, udp, smtp, ping, dns and misc (TCP_CHECK ... MISC_CHECK)`);
  }
  const own: CheckDefaults = { ...defaults };
  let retry: number | undefined;
  let port: number | null = null;
  const urls: Url[] = [];
  const s: Specific = {};
  const connects = kind !== "misc";
  for (const k of n.block ?? []) {
    const [key] = k.words;
    if (readSpecific(c, kind, k, s)) continue;
    if (key === "connect_port" && connects && kind !== "ping") port = intArg(c, k, 1, 65535) ?? null;
    else if (key === "connect_port" && kind === "ping") lost(c, k.line, `\`${k.words.join(" ")}\` in PING_CHECK: a ping has no port`);
    else if (key === "connect_timeout" && connects) own.connectTimeout = secondsArg(c, k);
    else if (key === "retry" || (key === "nb_get_retry" && (kind === "http" || kind === "https"))) retry = intArg(c, k);
    else if (key === "delay_loop") own.delayLoop = secondsArg(c, k);
    else if (key === "delay_before_retry") noDelayBeforeRetry(c, k);
    else if (key === "url" && (kind === "http" || kind === "https")) urls.push(readUrl(c, k));
    else if (key === "nb_get_retry") lost(c, k.line, `\`${k.words.join(" ")}\` in ${block}: keepalived knows nb_get_retry in HTTP_GET and SSL_GET only and ignores it here (unknown keyword), and so does the import; \`retry\` is the word`);
    else if (key && noSuch[key]) lost(c, k.line, `\`${k.words.join(" ")}\` in ${block}: ${noSuch[key]}`);
    else lost(c, k.line, `\`${k.words.join(" ")}\` in ${block}: lvsh has no such check setting`);
  }
  // the checker's retry, else the real server's or virtual server's, else the checker kind's default
  const retryOf = retry ?? own.retry ?? ownRetryDefault[kind] ?? KEEPALIVED_DEFAULTS.retry;
  const every = inRange(c, n, own.delayLoop ?? KEEPALIVED_DEFAULTS.delayLoop, limits.checkEvery, "delay_loop") ?? limits.checkEvery.default;
  const timeout = inRange(c, n, own.connectTimeout ?? KEEPALIVED_DEFAULTS.connectTimeout, limits.checkTimeout, "connect_timeout") ?? limits.checkTimeout.default;
  const retries = inRange(c, n, retryOf, limits.checkRetry, "retry") ?? limits.checkRetry.default;
  const checkPort = port === rsPort ? null : port;
  switch (kind) {
    case "tcp":
    case "udp":
    case "ping":
      return { kind, every, timeout, retry: retries, port: checkPort };
    case "smtp":
      return { kind, helo: s.helo ?? null, every, timeout, retry: retries, port: checkPort };
    case "dns":
      return { kind, name: s.name ?? ".", type: s.type ?? "SOA", every, timeout, retry: retries, port: checkPort };
    case "misc": {
      if (!s.command) return void lost(c, n.line, "MISC_CHECK without a misc_path: keepalived drops it too; not imported");
      const miscTimeout = inRange(c, n, s.miscTimeout, limits.checkTimeout, "misc_timeout") ?? null;
      return { kind, command: s.command, timeout: miscTimeout, dynamic: !!s.dynamic, every, retry: retries, port: null };
    }
    case "http":
    case "https": {
      const [url, ...more] = urls;
      if (!url?.path) return void lost(c, n.line, `${block} without a url path: not imported`);
      if (more.length) {
        const others = more.map((u) => u.path ?? "(no path)").join(", ");
        lost(c, more[0]!.line, `${block} with ${urls.length} urls: lvsh checks the first (${url.path}) only; keepalived also checked ${others}`);
      }
      return { kind, path: url.path, expect: url.expect ?? null, every, timeout, retry: retries, port: checkPort };
    }
  }
}
