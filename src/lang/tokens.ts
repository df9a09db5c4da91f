/**
 * The lvsh lexicon. Every keyword is declared here once, with the one-line
 * description that help and completion show.
 *
 * Token order (what the lexer tries first):
 *   1. WhiteSpace, LineContinuation, Comment   skipped (comments go to a group)
 *   2. Newline, Semicolon                      statement separators
 *   3. StringLiteral                           "..." with \" escapes, or '...' 
 *   4. keywords, longest first                 so `one-packet` wins over `on`
 *   5. Number                                  longer_alt Word: `10.0.0.1` stays one Word
 *   6. Word                                    any other run of non-blank characters
 *
 * Keywords are case-sensitive and use `longer_alt: Word`, so `onx` or `rr1`
 * lex as Words. Categories let the grammar consume classes of tokens:
 *   Keyword   every keyword (completion lists them)
 *   Value     Word | Number | StringLiteral: a user-supplied value
 *   AnyWord   Value | Keyword: a single-value position where a name may
 *             happen to be spelt like a keyword (`netns rs`)
 *   Scheduler, Protocol, TunType, ShowTopic, ArpVia, CsumMode, CheckType:
 *             closed value sets (`tcp` is both a protocol and a check type).
 */
import { createToken, Lexer, type ILexingResult, type IToken, type TokenType } from "chevrotain";
import { lexPlainAs, type PlainKinds } from "./lex-plain.js";

export const AnyWord = createToken({ name: "AnyWord", pattern: Lexer.NA });
export const Value = createToken({ name: "Value", pattern: Lexer.NA, categories: [AnyWord] });
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA, categories: [AnyWord] });
export const Scheduler = createToken({ name: "Scheduler", pattern: Lexer.NA });
export const Protocol = createToken({ name: "Protocol", pattern: Lexer.NA });
export const TunType = createToken({ name: "TunType", pattern: Lexer.NA });
export const ShowTopic = createToken({ name: "ShowTopic", pattern: Lexer.NA });
export const ArpVia = createToken({ name: "ArpVia", pattern: Lexer.NA });
export const CsumMode = createToken({ name: "CsumMode", pattern: Lexer.NA });
export const CheckType = createToken({ name: "CheckType", pattern: Lexer.NA });

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });
/** A backslash at the end of a line continues the statement on the next. */
export const LineContinuation = createToken({
  name: "LineContinuation",
  pattern: /\\\r?\n/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: "comments" });
export const Newline = createToken({ name: "Newline", pattern: /\r?\n/, line_breaks: true });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });
/** "..." with \" and \\ escapes, or '...' taken literally (as a shell would). */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\n]|\\.)*"|'[^'\n]*'/,
  categories: [Value, AnyWord],
});
/** Printable ASCII first (so the lexer can dispatch on the first character), then anything but blanks and ; # " \\. */
export const Word = createToken({
  name: "Word",
  pattern: /[!$-:<-[\]-~][^\s;#"\\]*/,
  categories: [Value, AnyWord],
});
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /\d+/,
  longer_alt: Word,
  categories: [Value, AnyWord],
});

export interface KeywordInfo {
  readonly word: string;
  readonly token: TokenType;
  /** One line for help and completion menus. */
  readonly doc: string;
  readonly categories: readonly TokenType[];
}

const keywordInfo: KeywordInfo[] = [];

function kw(word: string, doc: string, ...categories: TokenType[]): TokenType {
  const name = "Kw_" + word.replace(/-/g, "_");
  const token = createToken({
    name,
    pattern: new RegExp(word.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")),
    longer_alt: Word,
    categories: [Keyword, AnyWord, ...categories],
  });
  keywordInfo.push({ word, token, doc, categories });
  return token;
}

// statements
export const Vip = kw("vip", "declare a virtual IP and make it current");
export const Service = kw("service", "declare a virtual service and make it current");
export const Add = kw("add", "add real servers to the current service");
export const Set = kw("set", "change options of real servers");
export const Del = kw("del", "remove a real server, service or VIP");
export const Drain = kw("drain", "take real servers out without cutting a connection: weight 0, wait until idle, then delete");
export const Maintenance = kw("maintenance", "`maintenance rs ADDR on|off`: weight 0 while on, the configured weight back when off");
export const Off = kw("off", "`maintenance rs ADDR off`: back to the configured weight");
export const Use = kw("use", "make a service or VIP current");
export const Arp = kw("arp", "hide the VIP from ARP on the real servers");
export const Host = kw("host", "say how a host is reached");
export const Clear = kw("clear", "empty the candidate configuration");
export const Show = kw("show", "show the plan, the candidate, the running state ...", );
export const Commit = kw("commit", "apply the candidate");
export const Confirm = kw("confirm", "keep a commit made with `commit confirmed`");
export const Rollback = kw("rollback", "make an earlier revision the candidate");
export const Watch = kw("watch", "a live view of the services: connections and traffic per real server");
export const Doctor = kw("doctor", "check every host of the balancer: what is broken, where, and the statement that fixes it");
export const Abort = kw("abort", "discard the candidate's changes");
export const Save = kw("save", "make the committed configuration survive a reboot");
export const Load = kw("load", "stage a .lvsh file as the candidate");
export const Help = kw("help", "explain a statement");
export const Check = kw("check", "health check of the current service or of some of its real servers (keepalived); `commit check`: plan only");
export const Sorry = kw("sorry", "the server that takes the traffic when too few real servers are healthy (keepalived)");
export const Quorum = kw("quorum", "the total weight of healthy real servers the service needs (keepalived)");
export const Inhibit = kw("inhibit", "set a failed real server's weight to 0 instead of removing it (keepalived)");

// protocols
export const Tcp = kw("tcp", "TCP service (default); `check tcp`: a TCP connect check", Protocol, CheckType);
export const Udp = kw("udp", "UDP service; `check udp`: a UDP check (keepalived UDP_CHECK)", Protocol, CheckType);
export const Sctp = kw("sctp", "SCTP service", Protocol);

// service options
export const Fwmark = kw("fwmark", "a service selected by firewall mark");
export const Persistent = kw("persistent", "keep a client on one real server for SECONDS (default 360)");
export const Netmask = kw("netmask", "persistence granularity: clients in one MASK share a real server");
export const Flags = kw("flags", "scheduler flags: sh-fallback, sh-port, mh-fallback, mh-port");
export const OnePacket = kw("one-packet", "schedule every UDP datagram on its own (-o)");
export const Pe = kw("pe", "persistence engine");
export const Sip = kw("sip", "SIP Call-ID persistence engine");
export const Ipv6 = kw("ipv6", "the fwmark service is for IPv6 (-6)");

// schedulers (ipvsadm's names and its man page's summaries)
export const Rr = kw("rr", "round robin: in turn", Scheduler);
export const Wrr = kw("wrr", "weighted round robin: in turn, in proportion to weight", Scheduler);
export const Lc = kw("lc", "least-connection: fewest active connections", Scheduler);
export const Wlc = kw("wlc", "weighted least-connection (ipvsadm's default)", Scheduler);
export const Lblc = kw("lblc", "locality-based least-connection: same destination IP, same server", Scheduler);
export const Lblcr = kw("lblcr", "locality-based least-connection with replication", Scheduler);
export const Dh = kw("dh", "destination hashing: by destination IP", Scheduler);
export const Sh = kw("sh", "source hashing: by client IP", Scheduler);
export const Sed = kw("sed", "shortest expected delay", Scheduler);
export const Nq = kw("nq", "never queue: an idle server first, else sed", Scheduler);
export const Fo = kw("fo", "weighted failover: the available server of highest weight", Scheduler);
export const Ovf = kw("ovf", "weighted overflow: by weight, while under the upper threshold", Scheduler);
export const Mh = kw("mh", "maglev hashing: consistent hashing by source", Scheduler);
export const Twos = kw("twos", "weighted random twos choice (kernel 5.10+)", Scheduler);

// real servers
export const Rs = kw("rs", "real server", ShowTopic);
export const Dr = kw("dr", "direct routing, gatewaying (-g, default)");
export const Nat = kw("nat", "masquerading (-m)");
export const Tun = kw("tun", "IP tunnelling (-i)");
export const Type = kw("type", "tunnel type: ipip (default), gue, gre; `check dns`: the query type (default SOA)");
export const Ipip = kw("ipip", "IP in IP tunnel", TunType);
export const Gue = kw("gue", "Generic UDP Encapsulation tunnel (needs port)", TunType);
export const Gre = kw("gre", "GRE tunnel", TunType);
export const Port = kw("port", "UDP port of a gue tunnel");
export const Csum = kw("csum", "tunnel checksums on", CsumMode);
export const Nocsum = kw("nocsum", "tunnel checksums off (default)", CsumMode);
export const Remcsum = kw("remcsum", "remote checksum offload (gue)", CsumMode);
export const Weight = kw("weight", "relative share of new connections, 0..65535 (default 1)");
export const Min = kw("min", "lower connection threshold: accept again below N (-y)");
export const Max = kw("max", "upper connection threshold: no new connections above N (-x)");

// arp hiding
export const Hide = kw("hide", "hide the VIP from ARP");
export const On = kw("on", "on an interface / on the real servers");
export const Via = kw("via", "the means: arptables or sysctl; ssh, netns or local");
export const Dev = kw("dev", "the interface the VIP is bound to on a real server");
export const Arptables = kw("arptables", "drop ARP for the VIP and mangle the source (default)", ArpVia);
export const Sysctl = kw("sysctl", "VIP on lo with arp_ignore=1, arp_announce=2", ArpVia);

// health checks (keepalived)
export const Http = kw("http", "check with an HTTP GET (keepalived HTTP_GET)", CheckType);
export const Https = kw("https", "check with an HTTPS GET (keepalived SSL_GET)", CheckType);
export const Misc = kw("misc", "check by running a program: exit 0 is healthy (keepalived MISC_CHECK)", CheckType);
export const Smtp = kw("smtp", "check with an SMTP HELO (keepalived SMTP_CHECK)", CheckType);
export const Ping = kw("ping", "check with an ICMP echo (keepalived PING_CHECK)", CheckType);
export const Dns = kw("dns", "check with a DNS query (keepalived DNS_CHECK)", CheckType);
export const None = kw("none", "no health check", CheckType);
export const Dynamic = kw("dynamic", "`check misc ... dynamic`: the program's exit code sets the weight (2..255: weight exit-2)");
export const Helo = kw("helo", "`check smtp helo NAME`: the name the check says HELO with");
export const Expect = kw("expect", "the HTTP status codes of a healthy server (default 200-299)");
export const Every = kw("every", "seconds between two checks (default 10)");
export const Timeout = kw("timeout", "seconds a check may take to connect (default 5; `check misc`: to run, default its interval); `drain`: how long to wait (default 5m)");
export const Then = kw("then", "`drain ... then del|keep`: delete the idle real server (default) or keep it at weight 0");
export const Keep = kw("keep", "`drain ... then keep`: leave the real server at weight 0");
export const From = kw("from", "`drain rs ADDR from SERVICE`: the service, when not the current one");
export const Retry = kw("retry", "extra attempts before a real server counts as down (default 1)");
export const Server = kw("server", "`sorry server ADDR[:PORT]`");
export const Failure = kw("failure", "`inhibit on failure`");

// hosts and the pair of directors (keepalived VRRP)
export const Director = kw("director", "the load balancer itself; `director pair`: its two directors, for fail-over");
export const Pair = kw("pair", "the two directors that share the current VIP (VRRP)");
export const Priority = kw("priority", "VRRP priorities of the two directors (default 150 100: the first is MASTER)");
export const Vrid = kw("vrid", "VRRP virtual router id, 1..255 (default 51)");
export const Interface = kw("interface", "the directors' interface for VRRP (default: the VIP's)");
export const Ssh = kw("ssh", "reach the host with OpenSSH");
export const Netns = kw("netns", "the host is a network namespace here");
export const Local = kw("local", "the host is this machine");

// what runs the directors, and connection sync between them (keepalived)
export const Engine = kw("engine", "what runs the directors: `engine keepalived` or `engine lvsh` (the default)");
export const Keepalived = kw("keepalived", "`engine keepalived`: keepalived runs the directors from the keepalived.conf a commit writes");
export const Lvsh = kw("lvsh", "`engine lvsh`: lvsh runs the directors' IPVS table itself (the default)");
export const Config = kw("config", "`engine keepalived config PATH`: where keepalived reads its configuration (default /etc/keepalived/keepalived.conf)");
export const Sync = kw("sync", "`sync daemon on IFACE`: IPVS connection sync between the directors (keepalived's lvs_sync_daemon)");
export const Daemon = kw("daemon", "`sync daemon on IFACE [id N]`, `sync daemon off`");
export const Id = kw("id", "`sync daemon ... id N`: the sync id, 1..255 (default: none, keepalived uses the VRRP router id)");

// session
export const Confirmed = kw("confirmed", "revert unless confirmed within DURATION (default 10m)");
export const CommentKw = kw("comment", "a note stored with the revision");
export const Force = kw("force", "commit over drift in the running state; `drain`: delete at the timeout anyway");
export const To = kw("to", "destination path");
export const Format = kw("format", "output format");
export const Interval = kw("interval", "seconds between two samples of `watch` (default 2)");
export const Count = kw("count", "how many samples `watch` takes (default: until q)");

// show topics
export const Plan = kw("plan", "the steps a commit would run", ShowTopic);
export const Diff = kw("diff", "the candidate against the running configuration", ShowTopic);
export const Candidate = kw("candidate", "the candidate configuration as lvsh", ShowTopic);
export const Running = kw("running", "the state read from every host", ShowTopic);
export const History = kw("history", "the committed revisions", ShowTopic);
export const Services = kw("services", "the services as a table", ShowTopic);
export const Hosts = kw("hosts", "the hosts and how they are reached", ShowTopic);

/** Keywords in the order they are declared above (for menus and help). */
export const keywordsInOrder: readonly KeywordInfo[] = keywordInfo;

/** Keywords longest first, so that a keyword never shadows a longer one. */
export const keywords: readonly KeywordInfo[] = [...keywordInfo].sort(
  (a, b) => b.word.length - a.word.length || a.word.localeCompare(b.word),
);

export const keywordByWord: ReadonlyMap<string, KeywordInfo> = new Map(keywords.map((k) => [k.word, k]));

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineContinuation,
  Comment,
  Newline,
  Semicolon,
  StringLiteral,
  ...keywords.map((k) => k.token),
  NumberLiteral,
  Word,
  AnyWord,
  Value,
  Keyword,
  Scheduler,
  Protocol,
  TunType,
  ShowTopic,
  ArpVia,
  CsumMode,
  CheckType,
];

/** The keywords that belong to a category (schedulers, protocols ...), in declaration order. */
export function wordsOf(category: TokenType): string[] {
  return keywordInfo
    .filter((k) => k.categories.includes(category))
    .map((k) => k.word);
}

let lexer: Lexer | undefined;
export function getLexer(): Lexer {
  // the bundle skips the token definitions' self-checks (the tests run them on the sources)
  lexer ??= new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: true, skipValidations: process.env.LVSH_BUNDLED === "1" });
  return lexer;
}

/** A token as the lexer makes it with `positionTracking: "onlyOffset"`. */
function token(image: string, startOffset: number, tokenType: TokenType): IToken {
  return { image, startOffset, tokenTypeIdx: tokenType.tokenTypeIdx!, tokenType } as IToken;
}

const kinds: PlainKinds<TokenType> = {
  newline: Newline,
  semicolon: Semicolon,
  comment: Comment,
  string: StringLiteral,
  number: NumberLiteral,
  word: Word,
  keyword: (image) => keywordByWord.get(image)?.token,
};

/**
 * The lexer's tokens of a plain source, by hand (lex-plain.ts): the same
 * tokens (image, offset, type) as getLexer().tokenize, several times faster
 * on a script of 10,000 lines; undefined where the lexer is needed.
 */
export function lexPlain(source: string): ILexingResult | undefined {
  const r = lexPlainAs(source, kinds, token);
  return r && { tokens: r.tokens, groups: { comments: r.comments }, errors: [] };
}

/** The tokens of a source: lexPlain's, else the lexer's (with its errors). */
export function lex(source: string): ILexingResult {
  return lexPlain(source) ?? getLexer().tokenize(source);
}
