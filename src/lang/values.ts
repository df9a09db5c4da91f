/**
 * Value conversion, in one place: `.2` -> address, `:80` -> port,
 * `5m` -> seconds, `sh-fallback,sh-port` -> flags ... Each converter takes
 * the text and its span and returns the value or a diagnostic.
 */
import type { AddrLit, RsTarget, ServiceSpec, Transport } from "./ast.js";
import type { DiagnosticCode } from "./codes.js";
import { error, type Diagnostic, type Span } from "./diagnostic.js";
import { maxPrefix, netmaskToPrefix, parseIp, parseIPv4 } from "./ip.js";
import { closest, didYouMean } from "./suggest.js";

export type Result<T> = { ok: true; value: T } | { ok: false; diag: Diagnostic };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(code: DiagnosticCode, message: string, span: Span, hint?: string): Result<T> => ({
  ok: false,
  diag: error(code, message, span, hint ? { hint } : {}),
});

/** Limits, as ipvsadm and the kernel enforce them. */
export const limits = {
  weight: { min: 0, max: 65535 },
  threshold: { min: 0, max: 2147483647 },
  persistence: { min: 1, max: 86400 * 31, default: 360 },
  fwmark: { min: 1, max: 4294967295 },
  port: { min: 1, max: 65535 },
  confirmed: { min: 1, max: 86400 * 7, default: 600 },
  /* health checks, quorum and VRRP (keepalived's ranges) */
  checkEvery: { min: 1, max: 86400, default: 10 },
  checkTimeout: { min: 1, max: 3600, default: 5 },
  checkRetry: { min: 0, max: 100, default: 1 },
  quorum: { min: 1, max: 4294967295 },
  vrid: { min: 1, max: 255, default: 51 },
  priority: { min: 1, max: 254, default: [150, 100] as const },
  /** ipvsadm --syncid and keepalived's lvs_sync_daemon `id` take 0..255; 0 (no filtering) is said by giving none. */
  syncId: { min: 1, max: 255 },
} as const;

/** The scheduler flags ipvsadm knows by name, with the scheduler each belongs to. */
export const schedulerFlags: Readonly<Record<string, string>> = {
  "sh-fallback": "sh",
  "sh-port": "sh",
  "mh-fallback": "mh",
  "mh-port": "mh",
};

export function unquote(text: string): string {
  if (text.startsWith("'") && text.endsWith("'") && text.length > 1) return text.slice(1, -1);
  if (!text.startsWith('"')) return text;
  // as sh's double quotes: a backslash escapes `"` and itself; elsewhere it stays (so `"a\nb"` is not `anb`)
  return text.slice(1, -1).replace(/\\(["\\])/g, "$1");
}

export function parseInteger(text: string, span: Span, what: string, min: number, max: number, code: DiagnosticCode): Result<number> {
  if (!/^\d+$/.test(text)) return fail(code, `${what} must be a whole number from ${min} to ${max}, not \`${text}\``, span);
  const n = Number(text);
  if (n < min || n > max) return fail(code, `${what} must be from ${min} to ${max}, not ${text}`, span);
  return ok(n);
}

export function parsePort(text: string, span: Span, allowZero = false): Result<number> {
  return parseInteger(text, span, "a port", allowZero ? 0 : 1, 65535, "invalid-port");
}

/** An address or the `.N[.N]` shorthand, without port or prefix. */
export function parseAddrLit(text: string, span: Span): Result<AddrLit> {
  if (/^(\.\d+){1,3}$/.test(text)) {
    const octets = text.slice(1).split(".").map(Number);
    if (octets.some((o, i) => o > 255 || text.slice(1).split(".")[i]!.length > 3)) {
      return fail("invalid-address", `\`${text}\` is not a valid shorthand: octets go from 0 to 255`, span);
    }
    return ok({ kind: "short", octets, span });
  }
  const ip = parseIp(text);
  if (!ip) {
    const hint = /^\d+(\.\d+){0,2}$/.test(text)
      ? `an IPv4 address has four parts; \`.${text.split(".").pop()}\` is the shorthand for the current VIP's network`
      : undefined;
    return fail("invalid-address", `\`${text}\` is not an IP address`, span, hint);
  }
  return ok({ kind: "ip", family: ip.family, addr: ip.text, span });
}

/** `ADDR[/PREFIX]`, as `vip` takes it. */
export function parseAddrPrefix(text: string, span: Span): Result<{ addr: AddrLit; prefix?: number }> {
  const slash = text.indexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseAddrLit(addrText, span);
  if (!addr.ok) return addr;
  if (slash < 0) return ok({ addr: addr.value });
  const family = addr.value.kind === "ip" ? addr.value.family : 4;
  const p = parseInteger(text.slice(slash + 1), span, "a prefix length", 1, maxPrefix(family), "invalid-prefix");
  if (!p.ok) return p;
  return ok({ addr: addr.value, prefix: p.value });
}

/** Splits `ADDR:PORT`, `[V6]:PORT`, `:PORT`, `[V6]`, bare `V6` or `ADDR` into address text and port text. */
function splitHostPort(text: string): { host: string; port?: string } | null {
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) return null;
    const rest = text.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return null;
    return rest === "" ? { host: text.slice(1, close) } : { host: text.slice(1, close), port: rest.slice(1) };
  }
  const i = text.indexOf(":");
  if (i < 0) return { host: text };
  if (text.indexOf(":", i + 1) >= 0) return { host: text }; // bare IPv6, no port
  return { host: text.slice(0, i), port: text.slice(i + 1) };
}

/** The address part of a service: `:80`, `ADDR:PORT`, `[V6]:PORT`, `.5:80`. */
export function parseEndpoint(text: string, span: Span): Result<{ addr?: AddrLit; port: number }> {
  if (/^\d+$/.test(text)) {
    return fail("missing-address", `\`${text}\` is not a service address`, span, `write \`:${text}\` for port ${text} on the current VIP`);
  }
  const hp = splitHostPort(text);
  if (!hp) return fail("invalid-address", `\`${text}\` is not ADDR:PORT`, span);
  if (hp.port === undefined) {
    const looksV6 = hp.host.includes(":");
    return fail(
      "missing-port",
      `a service needs a port: \`${text}\` has none`,
      span,
      looksV6 ? `write \`[${hp.host}]:80\`` : `write \`${hp.host}:80\``,
    );
  }
  const port = parsePort(hp.port, span, true);
  if (!port.ok) return port;
  if (hp.host === "") return ok({ port: port.value });
  const addr = parseAddrLit(hp.host, span);
  if (!addr.ok) return addr;
  return ok({ addr: addr.value, port: port.value });
}

/**
 * A real server: `ADDR[:PORT]`, `[V6][:PORT]`, bare V6, `.N[:PORT]`. A word
 * that is none of these but close to a keyword (`drr`) is reported as that
 * typo, through `typo`.
 */
export function parseRsTarget(
  text: string,
  span: Span,
  suggestions: Iterable<string>,
  typo: (guess: string) => { code: DiagnosticCode; what: string; words: string[] } | undefined,
): Result<RsTarget> {
  // a long script names the same real servers again and again: each text is read once (its span is this one's)
  const known = rsTargets.get(text);
  if (known) return ok(known.port === undefined ? { addr: { ...known.addr, span }, span } : { addr: { ...known.addr, span }, port: known.port, span });
  const r = readRsTarget(text, span, suggestions, typo);
  if (r.ok) {
    if (rsTargets.size >= 10_000) rsTargets.clear();
    rsTargets.set(text, r.value);
  }
  return r;
}

/** parseRsTarget's readings, by text (the spans in them are the first reading's). */
const rsTargets = new Map<string, RsTarget>();

function readRsTarget(
  text: string,
  span: Span,
  suggestions: Iterable<string>,
  typo: (guess: string) => { code: DiagnosticCode; what: string; words: string[] } | undefined,
): Result<RsTarget> {
  const hp = splitHostPort(text);
  const addr = hp ? parseAddrLit(hp.host, span) : undefined;
  if (!hp || !addr || !addr.ok) {
    const guess = /^[A-Za-z-]+$/.test(text) ? closest(text, suggestions) : undefined;
    const kind = guess === undefined ? undefined : typo(guess);
    if (guess !== undefined && kind) {
      return fail(kind.code, `unknown ${kind.what} \`${text}\``, span, `did you mean ${guess}? ${kind.what}s: ${kind.words.join(", ")}`);
    }
    const hint = guess !== undefined ? `did you mean ${guess}?` : "write ADDR, ADDR:PORT, [IPV6]:PORT or .N";
    return fail("invalid-address", `\`${text}\` is not a real server address`, span, hint);
  }
  if (hp.port === undefined) return ok({ addr: addr.value, span });
  const port = parsePort(hp.port, span, true);
  if (!port.ok) return port;
  return ok({ addr: addr.value, port: port.value, span });
}

export function parseServiceSpecFwmark(text: string, markSpan: Span, ipv6: boolean, span: Span): Result<ServiceSpec> {
  const mark = parseInteger(text, markSpan, "a firewall mark", limits.fwmark.min, limits.fwmark.max, "invalid-fwmark");
  if (!mark.ok) return mark;
  return ok({ kind: "fwmark", mark: mark.value, ipv6, span });
}

/** A persistence netmask: dotted (`255.255.255.0`) or a prefix length (`24`, `/64`). */
export function parseNetmask(text: string, span: Span): Result<number> {
  const t = text.replace(/^\//, "");
  if (/^\d+$/.test(t)) return parseInteger(t, span, "a netmask prefix", 1, 128, "invalid-netmask");
  const ip = parseIPv4(t);
  const prefix = ip ? netmaskToPrefix(ip) : null;
  if (prefix === null || prefix === 0) {
    return fail("invalid-netmask", `\`${text}\` is not a netmask`, span, "write a mask like 255.255.255.0 or a prefix length like 24");
  }
  return ok(prefix);
}

export function parseFlags(text: string, span: Span): Result<string[]> {
  const flags = text.split(",");
  const out: string[] = [];
  for (const f of flags) {
    if (!(f in schedulerFlags)) {
      const hint = didYouMean(f, Object.keys(schedulerFlags)) ?? `flags are ${Object.keys(schedulerFlags).join(", ")}`;
      return fail("unknown-flag", `unknown scheduler flag \`${f}\``, span, hint);
    }
    if (out.includes(f)) return fail("duplicate-option", `scheduler flag \`${f}\` is given twice`, span);
    out.push(f);
  }
  return ok(out);
}

// Linux's names (1 to 15 characters, no /, no space); not starting with `-`, which a tool could read as an option
const ifaceRe = /^[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]{0,14}$/;

export function parseIface(text: string, span: Span): Result<string> {
  if (!ifaceRe.test(text) || text === "." || text === "..") {
    return fail(
      "invalid-interface",
      `\`${text}\` is not a valid interface name`,
      span,
      "interface names are 1 to 15 letters, digits or _ . : @ - (not starting with -)",
    );
  }
  return ok(text);
}

/** `engine keepalived config PATH`: where keepalived reads its configuration on each director, an absolute file path. */
export function parseConfPath(text: string, span: Span): Result<string> {
  const hint = "write an absolute path, e.g. /etc/keepalived/keepalived.conf";
  if (!text.startsWith("/")) return fail("invalid-config-path", `\`${text}\` is not an absolute path: keepalived's configuration is a file on each director`, span, hint);
  if (text.endsWith("/") || /[\0\n]/.test(text)) return fail("invalid-config-path", `\`${text}\` is not a file path`, span, hint);
  return ok(text);
}

const userRe = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const hostnameRe = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;

/** `[USER@]HOST[:PORT]`; anything a shell could read as more than a word is refused. */
export function parseSshTarget(text: string, span: Span): Result<Transport & { kind: "ssh" }> {
  const bad = (why: string) =>
    fail<Transport & { kind: "ssh" }>("invalid-ssh-target", `\`${text}\` is not an ssh target: ${why}`, span, "write [USER@]HOST[:PORT]");
  let rest = text;
  let user: string | undefined;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!userRe.test(user)) return bad("the user name is not plain");
  }
  const hp = splitHostPort(rest);
  if (!hp || hp.host === "") return bad("no host");
  const isIp = parseIp(hp.host) !== null;
  if (!isIp && !hostnameRe.test(hp.host)) return bad("the host is not a plain name or address");
  let port: number | undefined;
  if (hp.port !== undefined) {
    const p = parsePort(hp.port, span);
    if (!p.ok) return p;
    port = p.value;
  }
  const host = isIp ? parseIp(hp.host)!.text : hp.host;
  return ok({ kind: "ssh", ...(user ? { user } : {}), host, ...(port ? { port } : {}), span });
}

const netnsRe = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export function parseNetnsName(text: string, span: Span): Result<string> {
  if (!netnsRe.test(text)) {
    return fail("invalid-netns", `\`${text}\` is not a plain namespace name`, span, "use letters, digits, _ . -");
  }
  return ok(text);
}

const hostNameRe = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export function parseHostName(text: string, span: Span): Result<string> {
  if (!hostNameRe.test(text)) {
    return fail("invalid-host", `\`${text}\` is neither an address nor a plain host name`, span);
  }
  return ok(text);
}

/** `90`, `90s`, `5m`, `1h` -> seconds. */
export function parseDuration(text: string, span: Span): Result<number> {
  const m = /^(\d+)([smh]?)$/.exec(text);
  if (!m) return fail("invalid-duration", `\`${text}\` is not a duration`, span, "write e.g. 90s, 5m or 1h");
  const n = Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
  const { min, max } = limits.confirmed;
  if (n < min || n > max) return fail("invalid-duration", `a duration must be from 1s to 7 days`, span);
  return ok(n);
}

/** `watch`'s interval: `2`, `0.5`, `2s`, `1m` -> seconds, above 0 and at most an hour. */
export function parseWatchInterval(text: string, span: Span): Result<number> {
  const m = /^(\d+(?:\.\d+)?|\.\d+)([sm]?)$/.exec(text);
  if (!m) return fail("invalid-interval", `an interval must be a positive number of seconds, not \`${text}\``, span, "write e.g. 2, 0.5 or 1m");
  const n = Number(m[1]) * (m[2] === "m" ? 60 : 1);
  if (!(n > 0) || n > 3600) return fail("invalid-interval", `an interval must be above 0 and at most 3600 seconds, not ${n}`, span);
  return ok(n);
}

/** `watch`'s count of samples: a whole number from 1. */
export function parseSampleCount(text: string, span: Span): Result<number> {
  const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1)) return fail("invalid-count", `a count of samples must be a whole number from 1, not \`${text}\``, span, "write e.g. 3");
  return ok(n);
}

/** `10`, `10s`, `2m`, `1h` -> seconds, within [min, max]. */
export function parseSeconds(text: string, span: Span, what: string, min: number, max: number): Result<number> {
  const m = /^(\d+)([smh]?)$/.exec(text);
  if (!m) return fail("invalid-interval", `${what} must be a number of seconds, not \`${text}\``, span, "write e.g. 10, 10s or 1m");
  const n = Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
  if (n < min || n > max) return fail("invalid-interval", `${what} must be from ${min} to ${max} seconds, not ${n}`, span);
  return ok(n);
}

/**
 * HTTP status codes a check accepts: `200`, `200-299`, `200,301-302`
 * (keepalived's status_code). Canonical: ascending, as given.
 */
export function parseStatusCodes(text: string, span: Span): Result<string> {
  const out: string[] = [];
  for (const part of text.split(",")) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m?.[2] ? Number(m[2]) : lo;
    if (!m || lo < 100 || hi > 599 || hi < lo) {
      return fail("invalid-status", `\`${part}\` is not an HTTP status code (100..599) or range`, span, "write e.g. 200, 200-299 or 200,301-302");
    }
    out.push(hi === lo ? String(lo) : `${lo}-${hi}`);
  }
  return ok(out.join(","));
}

/** The query types keepalived's DNS_CHECK knows (its `type`; default SOA). */
export const dnsQueryTypes = ["A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY"] as const;

/** `check dns ... type T`: one of keepalived's query types, any case -> upper case. */
export function parseDnsType(text: string, span: Span): Result<string> {
  const t = text.toUpperCase();
  if ((dnsQueryTypes as readonly string[]).includes(t)) return ok(t);
  const guess = closest(t, dnsQueryTypes);
  return fail("invalid-dns-type", `\`${text}\` is not a DNS query type keepalived's check knows`, span, guess ? `did you mean ${guess}?` : `one of ${dnsQueryTypes.join(", ")}`);
}

/** `check dns NAME`: a domain name (`.` is the root), no empty label, labels up to 63 characters. */
export function parseDnsName(text: string, span: Span): Result<string> {
  if (text === ".") return ok(text);
  const labels = (text.endsWith(".") ? text.slice(0, -1) : text).split(".");
  const bad = text.length > 254 || labels.some((l) => !/^[A-Za-z0-9_*-]{1,63}$/.test(l));
  if (bad) return fail("invalid-dns-name", `\`${text}\` is not a domain name: labels of letters, digits, \`-\` and \`_\`, none empty`, span, "write e.g. www.example.com, or . for the root");
  return ok(text);
}

/**
 * `check misc "PATH ARGS"`: the command line keepalived runs (its misc_path,
 * written in double quotes; keepalived splits it into words, honouring 'quotes').
 */
export function parseMiscCommand(text: string, span: Span): Result<string> {
  const t = text.trim();
  if (!t) return fail("invalid-misc-command", "`check misc` needs the program to run", span, 'write e.g. check misc "/usr/local/bin/check-app --port 8080"');
  if (t.includes('"')) return fail("invalid-misc-command", "a misc check's command cannot hold a double quote (keepalived reads it in double quotes)", span, "quote the program's arguments with ' instead");
  if (t.endsWith("\\")) return fail("invalid-misc-command", "a misc check's command cannot end with a backslash", span);
  return ok(t);
}

/** `check smtp helo NAME`: a word keepalived can say after HELO. */
export function parseHeloName(text: string, span: Span): Result<string> {
  if (!/^[!#-~]{1,255}$/.test(text)) return fail("invalid-helo", `\`${text}\` cannot be a HELO name: printable characters, no blank or double quote`, span, "write e.g. lb1.example.com");
  return ok(text);
}
