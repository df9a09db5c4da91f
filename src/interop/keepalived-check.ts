/**
 * A keepalived checker block (HTTP_GET, SSL_GET, TCP_CHECK) -> an lvsh
 * health check. Values come from the checker, else the real server, else
 * the virtual server, else keepalived's defaults (delay_loop 60 s,
 * connect_timeout 5 s, retry 1), as keepalived itself inherits them.
 */
import { limits, parseStatusCodes } from "../lang/index.js";
import type { HealthCheck } from "../model/index.js";
import type { KaNode } from "./keepalived-conf.js";
import { intArg, lost, noDelayBeforeRetry, secondsArg, type KaCtx } from "./keepalived-values.js";

export interface CheckDefaults {
  delayLoop?: number | undefined;
  connectTimeout?: number | undefined;
  retry?: number | undefined;
}

/** keepalived's own defaults for what lvsh's check has. */
export const KEEPALIVED_DEFAULTS = { delayLoop: 60, connectTimeout: 5, retry: 1 } as const;

const kinds: Readonly<Record<string, "http" | "https" | "tcp">> = { HTTP_GET: "http", SSL_GET: "https", TCP_CHECK: "tcp" };

const NOSPAN = { file: "", start: 0, end: 0, line: 0, col: 0, endLine: 0, endCol: 0 };

interface Url {
  path?: string;
  expect?: string;
}

function readUrl(c: KaCtx, n: KaNode): Url {
  const url: Url = {};
  for (const k of n.block ?? []) {
    const [key, ...args] = k.words;
    if (key === "path" && args[0] !== undefined) url.path = args[0];
    else if (key === "status_code") {
      const r = parseStatusCodes(args.join(","), NOSPAN);
      if (r.ok) url.expect = r.value;
      else lost(c, k.line, `\`${k.words.join(" ")}\`: not status codes`);
    } else lost(c, k.line, `\`${k.words.join(" ")}\` in a url: lvsh checks the path and the status code only`);
  }
  return url;
}

function inRange(c: KaCtx, n: KaNode, v: number | undefined, lim: { min: number; max: number }, what: string): number | undefined {
  if (v === undefined || (v >= lim.min && v <= lim.max)) return v;
  lost(c, n.line, `${what} ${v}: lvsh takes ${lim.min} to ${lim.max}; left to lvsh's default`);
  return undefined;
}

export function readChecker(c: KaCtx, n: KaNode, defaults: CheckDefaults, rsPort: number): HealthCheck | undefined {
  const kind = kinds[n.words[0] ?? ""];
  if (!kind) return void lost(c, n.line, `\`${n.words[0]}\`: lvsh's checks are http (HTTP_GET), https (SSL_GET) and tcp (TCP_CHECK)`);
  const own: CheckDefaults = { ...defaults };
  let port: number | null = null;
  const urls: Url[] = [];
  for (const k of n.block ?? []) {
    const [key] = k.words;
    if (key === "connect_port") port = intArg(c, k, 1, 65535) ?? null;
    else if (key === "connect_timeout") own.connectTimeout = secondsArg(c, k);
    else if (key === "retry" || key === "nb_get_retry") own.retry = intArg(c, k);
    else if (key === "delay_loop") own.delayLoop = secondsArg(c, k);
    else if (key === "delay_before_retry") noDelayBeforeRetry(c, k);
    else if (key === "url" && kind !== "tcp") urls.push(readUrl(c, k));
    else lost(c, k.line, `\`${k.words.join(" ")}\` in ${n.words[0]}: lvsh has no such check setting`);
  }
  const every = inRange(c, n, own.delayLoop ?? KEEPALIVED_DEFAULTS.delayLoop, limits.checkEvery, "delay_loop") ?? limits.checkEvery.default;
  const timeout = inRange(c, n, own.connectTimeout ?? KEEPALIVED_DEFAULTS.connectTimeout, limits.checkTimeout, "connect_timeout") ?? limits.checkTimeout.default;
  const retry = inRange(c, n, own.retry ?? KEEPALIVED_DEFAULTS.retry, limits.checkRetry, "retry") ?? limits.checkRetry.default;
  const checkPort = port === rsPort ? null : port;
  if (kind === "tcp") return { kind, every, timeout, retry, port: checkPort };
  const [url, ...more] = urls;
  if (more.length) lost(c, n.line, `${n.words[0]} with ${urls.length} urls: lvsh checks one (the first)`);
  if (!url?.path) return void lost(c, n.line, `${n.words[0]} without a url path: not imported`);
  return { kind, path: url.path, expect: url.expect ?? null, every, timeout, retry, port: checkPort };
}
