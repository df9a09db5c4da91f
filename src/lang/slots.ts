/**
 * Value positions ("slots") of the language, one row each (VyOS's interface
 * definitions: one node carries help, completion and validation): the
 * placeholder the grammar docs and `help` show, what it is in an error
 * ("expected an interface name"), its help text, where it is (the parser
 * rule that reads it, or the keywords it follows), how Tab completes it
 * (complete/values.ts implements each kind) and what checks it (values.ts).
 * Adding a value position is one row here (CONTRIBUTING.md).
 */
import type { Span } from "./diagnostic.js";
import * as val from "./values.js";

/** How Tab completes a slot (complete/values.ts): from the grammar alone, or from what lvsh knows. */
export type CompletionKind =
  | "interfaces-director"
  | "interfaces-real-servers"
  | "vips"
  | "services"
  | "real-servers"
  | "hosts"
  | "netns"
  | "ssh-targets"
  | "revisions"
  | "files"
  | "save-formats"
  | "durations"
  | "help-topics"
  | "dns-types";

export interface Slot {
  /** As the grammar docs and `help VALUE` name it: `IFACE`. */
  readonly placeholder: string;
  /** In an error's words: "an interface name". */
  readonly what: string;
  /** For `help` and grammar/README.md. */
  readonly help: string;
  /** The parser rule that reads it (a subrule), if it has one of its own. */
  readonly rule?: string;
  /** The grammar docs show its rule expanded, not as the placeholder. */
  readonly expand?: boolean;
  /** The keywords it follows (a plain value after them). */
  readonly after?: readonly string[];
  /** How Tab completes it; none: only what the grammar offers. */
  readonly complete?: CompletionKind;
  /** What checks its text (the visitor calls it). */
  readonly check?: (text: string, span: Span) => val.Result<unknown>;
}

export const slots: readonly Slot[] = [
  {
    placeholder: "ADDR",
    what: "an address",
    help: "an IPv4 or IPv6 address, or `.N`/`.N.N`: the current VIP with its last one or two octets replaced (`vip` also takes ADDR/PREFIX)",
    rule: "address",
    after: ["vip"],
    complete: "vips",
  },
  {
    placeholder: "IFACE",
    what: "an interface name",
    help: "an interface name: 1 to 15 letters, digits or `_ . : @ -`, not starting with `-`",
    rule: "iface",
    after: ["on", "dev", "interface"],
    complete: "interfaces-director",
    check: val.parseIface,
  },
  { placeholder: "RS", what: "a real server address ADDR[:PORT]", help: "a real server: ADDR, ADDR:PORT, [IPV6]:PORT or .N[:PORT]; the port defaults to the service's", rule: "realServer", complete: "real-servers" },
  { placeholder: "ENDPOINT", what: "a service address, e.g. :80, tcp 192.0.2.10:80 or fwmark 7", help: "a service address: `:PORT` (on the current VIP), ADDR:PORT or [IPV6]:PORT", rule: "serviceSpec", expand: true, complete: "services" },
  { placeholder: "HOST", what: "`director`, a real server's address or a host name", help: "`director`, a real server's address or a name given by `host NAME via ssh ...`", rule: "hostStatement", expand: true, complete: "hosts" },
  { placeholder: "MARK", what: "a firewall mark (a number above 0)", help: "a firewall mark, 1 to 4294967295", after: ["fwmark"] },
  { placeholder: "SCHEDULER", what: "a scheduler", help: "rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos (kernel 5.10+)", rule: "scheduler" },
  { placeholder: "TIMEOUT", what: "a number of seconds", help: "persistence in seconds, 1 to 2678400 (31 days)", after: ["persistent"] },
  { placeholder: "MASK", what: "a netmask", help: "a persistence netmask: 255.255.255.0 or a prefix length (IPv6: 1 to 128)", after: ["netmask"] },
  { placeholder: "FLAG_LIST", what: "scheduler flags (sh-fallback, sh-port, mh-fallback, mh-port)", help: "comma-separated scheduler flags: sh-fallback, sh-port, mh-fallback, mh-port", after: ["flags"] },
  { placeholder: "WEIGHT", what: "a weight (0..65535)", help: "0 to 65535; 0 takes a server out of new connections", after: ["weight"] },
  { placeholder: "MIN, MAX", what: "a number of connections", help: "connection thresholds, 0 (none) to 2147483647; min needs a max at least as high", after: ["min", "max"] },
  { placeholder: "PORT", what: "a port (1..65535)", help: "a port, 1 to 65535 (a check's port: the one it connects to, default the real server's)", after: ["port"] },
  { placeholder: "SSH_TARGET", what: "an ssh target [USER@]HOST[:PORT]", help: "[USER@]HOST[:PORT], a plain name or address", after: ["ssh"], complete: "ssh-targets" },
  { placeholder: "NETNS_NAME", what: "a network namespace name", help: "a network namespace name: letters, digits, `_ . -`", after: ["netns"], complete: "netns", check: val.parseNetnsName },
  { placeholder: "DURATION", what: "a duration, e.g. 5m", help: "90s, 5m, 1h (seconds when no unit)", after: ["confirmed"], complete: "durations", check: val.parseDuration },
  { placeholder: "COMMENT", what: "a comment", help: "a word, or text in quotes", after: ["comment"] },
  { placeholder: "FILE", what: "a file name", help: "a file name, relative to the current directory", after: ["load", "to"], complete: "files" },
  { placeholder: "FORMAT", what: "a format", help: "`save`: lvsh or ipvsadm (`lvsh export --format`: also arptables, sh, keepalived, json)", after: ["format"], complete: "save-formats" },
  { placeholder: "TOPIC", what: "a topic", help: "a statement, or a value such as IFACE", after: ["help"], complete: "help-topics" },
  { placeholder: "REVISION", what: "a revision number", help: "a revision number (`show history` lists them)", after: ["rollback"], complete: "revisions" },
  { placeholder: "PATH", what: "a URL path, e.g. /health", help: "a URL path for an http/https check, e.g. / or /health (quote it if it has blanks or #)", after: ["http", "https"] },
  { placeholder: "DNS_NAME", what: "a domain name, e.g. www.example.com", help: "the name a dns check asks the real server for: www.example.com, or . for the root", after: ["dns"], check: val.parseDnsName },
  {
    placeholder: "QUERY_TYPE",
    what: "a DNS query type (A, AAAA, SOA ...)",
    help: `the query type of a dns check: ${val.dnsQueryTypes.join(", ")} (default SOA)`,
    after: ["type"],
    complete: "dns-types",
    check: val.parseDnsType,
  },
  {
    placeholder: "COMMAND",
    what: "a command line, e.g. \"/usr/local/bin/check-app 8080\"",
    help: "the program a misc check runs, with its arguments, in double quotes (quote an argument inside with '); exit 0 is healthy",
    after: ["misc"],
    check: val.parseMiscCommand,
  },
  { placeholder: "HELO", what: "a HELO name", help: "the name an smtp check says HELO with (default keepalived's own)", after: ["helo"], check: val.parseHeloName },
  { placeholder: "CODE", what: "HTTP status codes, e.g. 200 or 200-299", help: "HTTP status codes: 200, 200-299, or a list: 200,301-302", after: ["expect"] },
  { placeholder: "INTERVAL, SECONDS", what: "a number of seconds", help: "seconds: 10, 10s, 1m (`check misc ... timeout`: how long the program may run)", after: ["every", "timeout"] },
  { placeholder: "PERIOD", what: "a number of seconds", help: "seconds between two samples of `watch`: 2, 0.5, 1m (above 0, at most an hour)", after: ["interval"] },
  { placeholder: "SAMPLES", what: "a number of samples", help: "how many samples `watch` takes before it ends, 1 or more", after: ["count"] },
  { placeholder: "JSON", what: "`json`", help: "the word `json`: `watch` prints one JSON object per sample and line (NDJSON) instead of the table; `doctor` prints its findings and checks as one JSON object" },
  { placeholder: "COUNT", what: "a number of retries", help: "how many more times a failed check is tried before the server counts as down, 0 to 100", after: ["retry"] },
  { placeholder: "SORRY", what: "a sorry server ADDR[:PORT]", help: "where traffic goes when the healthy real servers weigh less than the quorum: ADDR[:PORT]", after: ["server"] },
  { placeholder: "MIN_WEIGHT", what: "a total weight", help: "a total weight, 1 to 4294967295", after: ["quorum"] },
  { placeholder: "PRIORITY", what: "a VRRP priority (1..254)", help: "a VRRP priority, 1 to 254; the higher is MASTER", after: ["priority"] },
  { placeholder: "VRID", what: "a VRRP router id (1..255)", help: "a VRRP virtual router id, 1 to 255", after: ["vrid"] },
  {
    placeholder: "CONF_PATH",
    what: "an absolute file path, e.g. /etc/keepalived/keepalived.conf",
    help: "where keepalived reads its configuration on each director: an absolute file path (default /etc/keepalived/keepalived.conf)",
    after: ["config"],
    check: val.parseConfPath,
  },
  { placeholder: "SYNC_ID", what: "a sync id (1..255)", help: "the id of the directors' connection sync messages, 1 to 255 (ipvsadm --syncid; default: none, keepalived uses the VRRP router id)", after: ["id"] },
  { placeholder: "DIRECTOR", what: "the address of a director", help: "a director's own address (not the VIP)", after: ["pair"] },
];

const byRule = new Map(slots.filter((s) => s.rule).map((s) => [s.rule!, s]));
const byKeyword = new Map(slots.flatMap((s) => (s.after ?? []).map((k) => [k, s] as const)));

/** The slot a parser rule reads. */
export function slotOfRule(rule: string): Slot | undefined {
  return byRule.get(rule);
}

/** The slot of a plain value after this keyword. */
export function slotAfter(keyword: string): Slot | undefined {
  return byKeyword.get(keyword);
}

/** `help VALUE`: a slot by its placeholder (case-insensitive). */
export function slotNamed(placeholder: string): Slot | undefined {
  const p = placeholder.toUpperCase();
  return slots.find((s) => s.placeholder === p || s.placeholder.split(", ").includes(p));
}
