/**
 * The lvsh grammar: one statement at a time (the script splits at `;` and
 * newlines, so every bad statement is reported and recovery is exact).
 * Built once and reused; rules never throw. Values are single tokens here
 * and get their meaning in values.ts.
 */
import { CstParser, type CstNode, type IToken } from "chevrotain";
import * as T from "./tokens.js";
import { errorMessageProvider } from "./parse-messages.js";

/** The one word a GATE reads. */
const JSON_WORD = "json";
/** Every word a GATE below reads (LA(n).image): the statement cache (parseStatementTokens) tells them apart. */
const GATED: ReadonlySet<string> = new Set([JSON_WORD]);

/** Chevrotain's lookahead for this grammar (content assist prunes with it too: assist.ts). */
export const MAX_LOOKAHEAD = 2;

export class LvshParser extends CstParser {
  constructor() {
    // the bundle skips the grammar's self-checks (the tests run them on the sources): faster start-up
    super(T.allTokens, { errorMessageProvider, maxLookahead: MAX_LOOKAHEAD, nodeLocationTracking: "none", skipValidations: process.env.LVSH_BUNDLED === "1" });
    this.performSelfAnalysis();
  }

  public statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.vipStatement) },
      { ALT: () => this.SUBRULE(this.serviceStatement) },
      { ALT: () => this.SUBRULE(this.addStatement) },
      { ALT: () => this.SUBRULE(this.setStatement) },
      { ALT: () => this.SUBRULE(this.delStatement) },
      { ALT: () => this.SUBRULE(this.drainStatement) },
      { ALT: () => this.SUBRULE(this.maintenanceStatement) },
      { ALT: () => this.SUBRULE(this.useStatement) },
      { ALT: () => this.SUBRULE(this.arpStatement) },
      { ALT: () => this.SUBRULE(this.checkStatement) },
      { ALT: () => this.SUBRULE(this.sorryStatement) },
      { ALT: () => this.SUBRULE(this.quorumStatement) },
      { ALT: () => this.SUBRULE(this.inhibitStatement) },
      { ALT: () => this.SUBRULE(this.directorStatement) },
      { ALT: () => this.SUBRULE(this.engineStatement) },
      { ALT: () => this.SUBRULE(this.syncStatement) },
      { ALT: () => this.SUBRULE(this.hostStatement) },
      { ALT: () => this.SUBRULE(this.clearStatement) },
      { ALT: () => this.SUBRULE(this.showStatement) },
      { ALT: () => this.SUBRULE(this.watchStatement) },
      { ALT: () => this.SUBRULE(this.doctorStatement) },
      { ALT: () => this.SUBRULE(this.commitStatement) },
      { ALT: () => this.SUBRULE(this.confirmStatement) },
      { ALT: () => this.SUBRULE(this.rollbackStatement) },
      { ALT: () => this.SUBRULE(this.abortStatement) },
      { ALT: () => this.SUBRULE(this.saveStatement) },
      { ALT: () => this.SUBRULE(this.loadStatement) },
      { ALT: () => this.SUBRULE(this.helpStatement) },
    ]);
  });

  /** vip ADDR[/PREFIX] [on IFACE] */
  public vipStatement = this.RULE("vipStatement", () => {
    this.CONSUME(T.Vip);
    this.SUBRULE(this.address);
    this.OPTION(() => {
      this.CONSUME(T.On);
      this.SUBRULE(this.iface);
    });
  });

  /** service [tcp|udp|sctp] [ADDR]:PORT | fwmark N [ipv6], then options in any order */
  public serviceStatement = this.RULE("serviceStatement", () => {
    this.CONSUME(T.Service);
    this.SUBRULE(this.serviceSpec);
    this.MANY(() => this.SUBRULE(this.serviceOption));
  });

  public serviceSpec = this.RULE("serviceSpec", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Fwmark);
          this.CONSUME(T.AnyWord, { LABEL: "mark" });
          this.OPTION1(() => this.CONSUME(T.Ipv6));
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Protocol));
          this.CONSUME(T.Value, { LABEL: "endpoint" });
        },
      },
    ]);
  });

  public serviceOption = this.RULE("serviceOption", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.scheduler) },
      {
        ALT: () => {
          this.CONSUME(T.Persistent);
          this.OPTION(() => this.CONSUME(T.NumberLiteral, { LABEL: "timeout" }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Netmask);
          this.CONSUME(T.AnyWord, { LABEL: "mask" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Flags);
          this.CONSUME1(T.AnyWord, { LABEL: "flagList" });
        },
      },
      { ALT: () => this.CONSUME(T.OnePacket) },
      {
        ALT: () => {
          this.CONSUME(T.Pe);
          this.CONSUME(T.Sip);
        },
      },
    ]);
  });

  public scheduler = this.RULE("scheduler", () => {
    this.CONSUME(T.Scheduler);
  });

  /** add rs ADDR[:PORT] ... [options] */
  public addStatement = this.RULE("addStatement", () => {
    this.CONSUME(T.Add);
    this.CONSUME(T.Rs);
    this.AT_LEAST_ONE(() => this.SUBRULE(this.realServer));
    this.MANY(() => this.SUBRULE(this.rsOption));
  });

  /** set rs ADDR ... options */
  public setStatement = this.RULE("setStatement", () => {
    this.CONSUME(T.Set);
    this.CONSUME(T.Rs);
    this.AT_LEAST_ONE(() => this.SUBRULE(this.realServer));
    this.AT_LEAST_ONE1(() => this.SUBRULE(this.rsOption));
  });

  public realServer = this.RULE("realServer", () => {
    this.CONSUME(T.Value);
  });

  public rsOption = this.RULE("rsOption", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Dr) },
      { ALT: () => this.CONSUME(T.Nat) },
      { ALT: () => this.CONSUME(T.Tun) },
      {
        ALT: () => {
          this.CONSUME(T.Type);
          this.CONSUME(T.TunType);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Port);
          this.CONSUME(T.AnyWord, { LABEL: "tunPort" });
        },
      },
      { ALT: () => this.CONSUME(T.CsumMode) },
      {
        ALT: () => {
          this.CONSUME(T.Weight);
          this.CONSUME1(T.AnyWord, { LABEL: "weight" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Min);
          this.CONSUME2(T.AnyWord, { LABEL: "min" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Max);
          this.CONSUME3(T.AnyWord, { LABEL: "max" });
        },
      },
    ]);
  });

  /** del rs ADDR ... | del service SPEC | del vip ADDR */
  public delStatement = this.RULE("delStatement", () => {
    this.CONSUME(T.Del);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Rs);
          this.AT_LEAST_ONE(() => this.SUBRULE(this.realServer));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Service);
          this.SUBRULE(this.serviceSpec);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Vip);
          this.SUBRULE(this.address);
        },
      },
    ]);
  });

  /** drain rs ADDR ... [from SERVICE] [timeout DURATION] [then del|keep] [force] */
  public drainStatement = this.RULE("drainStatement", () => {
    this.CONSUME(T.Drain);
    this.CONSUME(T.Rs);
    this.AT_LEAST_ONE(() => this.SUBRULE(this.realServer));
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.From);
            this.SUBRULE(this.serviceSpec);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Timeout);
            this.CONSUME(T.AnyWord, { LABEL: "duration" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Then);
            this.OR1([{ ALT: () => this.CONSUME(T.Del) }, { ALT: () => this.CONSUME(T.Keep) }]);
          },
        },
        { ALT: () => this.CONSUME(T.Force) },
      ]);
    });
  });

  /** maintenance rs ADDR ... on|off */
  public maintenanceStatement = this.RULE("maintenanceStatement", () => {
    this.CONSUME(T.Maintenance);
    this.CONSUME(T.Rs);
    this.AT_LEAST_ONE(() => this.SUBRULE(this.realServer));
    this.OR([{ ALT: () => this.CONSUME(T.On) }, { ALT: () => this.CONSUME(T.Off) }]);
  });

  /** use service SPEC | use vip ADDR */
  public useStatement = this.RULE("useStatement", () => {
    this.CONSUME(T.Use);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Service);
          this.SUBRULE(this.serviceSpec);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Vip);
          this.SUBRULE(this.address);
        },
      },
    ]);
  });

  /** arp hide on rs [via arptables|sysctl] [dev IFACE] */
  public arpStatement = this.RULE("arpStatement", () => {
    this.CONSUME(T.Arp);
    this.CONSUME(T.Hide);
    this.CONSUME(T.On);
    this.CONSUME(T.Rs);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Via);
            this.CONSUME(T.ArpVia);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Dev);
            this.SUBRULE(this.iface);
          },
        },
      ]);
    });
  });

  /** check (http|https) PATH | tcp | udp | smtp | ping | dns NAME | misc COMMAND | none, then options, then optionally `rs RS ...` (those real servers only) */
  public checkStatement = this.RULE("checkStatement", () => {
    this.CONSUME(T.Check);
    this.OR([
      {
        ALT: () => {
          this.OR1([{ ALT: () => this.CONSUME(T.Http) }, { ALT: () => this.CONSUME(T.Https) }]);
          this.CONSUME(T.Value, { LABEL: "path" });
        },
      },
      { ALT: () => this.CONSUME(T.Tcp) },
      { ALT: () => this.CONSUME(T.Udp) },
      { ALT: () => this.CONSUME(T.Smtp) },
      { ALT: () => this.CONSUME(T.Ping) },
      {
        ALT: () => {
          this.CONSUME(T.Dns);
          this.CONSUME1(T.Value, { LABEL: "dnsName" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Misc);
          this.CONSUME2(T.Value, { LABEL: "command" });
        },
      },
      { ALT: () => this.CONSUME(T.None) },
    ]);
    this.MANY(() => this.SUBRULE(this.checkOption));
    this.OPTION(() => {
      this.CONSUME(T.Rs);
      this.AT_LEAST_ONE(() => this.SUBRULE(this.realServer));
    });
  });

  public checkOption = this.RULE("checkOption", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Expect);
          this.CONSUME(T.Value, { LABEL: "code" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Every);
          this.CONSUME1(T.Value, { LABEL: "interval" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Timeout);
          this.CONSUME2(T.Value, { LABEL: "seconds" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Retry);
          this.CONSUME3(T.Value, { LABEL: "count" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Port);
          this.CONSUME4(T.Value, { LABEL: "port" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Helo);
          this.CONSUME5(T.Value, { LABEL: "helo" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Type);
          this.CONSUME6(T.Value, { LABEL: "queryType" });
        },
      },
      { ALT: () => this.CONSUME(T.Dynamic) },
    ]);
  });

  /** sorry server ADDR[:PORT] */
  public sorryStatement = this.RULE("sorryStatement", () => {
    this.CONSUME(T.Sorry);
    this.CONSUME(T.Server);
    this.SUBRULE(this.realServer);
  });

  /** quorum MIN_WEIGHT */
  public quorumStatement = this.RULE("quorumStatement", () => {
    this.CONSUME(T.Quorum);
    this.CONSUME(T.Value, { LABEL: "minWeight" });
  });

  /** inhibit on failure */
  public inhibitStatement = this.RULE("inhibitStatement", () => {
    this.CONSUME(T.Inhibit);
    this.CONSUME(T.On);
    this.CONSUME(T.Failure);
  });

  /** director pair ADDR ADDR [priority N N] [vrid N] [interface IFACE] */
  public directorStatement = this.RULE("directorStatement", () => {
    this.CONSUME(T.Director);
    this.CONSUME(T.Pair);
    this.SUBRULE(this.address);
    this.SUBRULE1(this.address);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Priority);
            this.CONSUME(T.Value, { LABEL: "priority" });
            this.CONSUME1(T.Value, { LABEL: "priority" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Vrid);
            this.CONSUME2(T.Value, { LABEL: "vrid" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Interface);
            this.SUBRULE(this.iface);
          },
        },
      ]);
    });
  });

  /** engine keepalived [config PATH] | engine lvsh */
  public engineStatement = this.RULE("engineStatement", () => {
    this.CONSUME(T.Engine);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Keepalived);
          this.OPTION(() => {
            this.CONSUME(T.Config);
            this.CONSUME(T.AnyWord, { LABEL: "confPath" });
          });
        },
      },
      { ALT: () => this.CONSUME(T.Lvsh) },
    ]);
  });

  /** sync daemon on IFACE [id N] | sync daemon off */
  public syncStatement = this.RULE("syncStatement", () => {
    this.CONSUME(T.Sync);
    this.CONSUME(T.Daemon);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.On);
          this.SUBRULE(this.iface);
          this.OPTION(() => {
            this.CONSUME(T.Id);
            this.CONSUME(T.Value, { LABEL: "syncId" });
          });
        },
      },
      { ALT: () => this.CONSUME(T.Off) },
    ]);
  });

  /** host director|ADDR|NAME via ssh [USER@]HOST[:PORT] | via netns NAME | via local */
  public hostStatement = this.RULE("hostStatement", () => {
    this.CONSUME(T.Host);
    this.OR([{ ALT: () => this.CONSUME(T.Director) }, { ALT: () => this.CONSUME(T.Value, { LABEL: "subject" }) }]);
    this.CONSUME(T.Via);
    this.SUBRULE(this.transport);
  });

  public transport = this.RULE("transport", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Ssh);
          this.CONSUME(T.AnyWord, { LABEL: "sshTarget" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Netns);
          this.CONSUME1(T.AnyWord, { LABEL: "netnsName" });
        },
      },
      { ALT: () => this.CONSUME(T.Local) },
    ]);
  });

  public clearStatement = this.RULE("clearStatement", () => {
    this.CONSUME(T.Clear);
  });

  /** show [TOPIC] [ARGS ...] */
  public showStatement = this.RULE("showStatement", () => {
    this.CONSUME(T.Show);
    this.OPTION(() => this.CONSUME(T.ShowTopic));
    this.MANY(() => this.CONSUME(T.Value, { LABEL: "arg" }));
  });

  /** watch [SERVICE] [interval PERIOD] [count SAMPLES] [json] */
  public watchStatement = this.RULE("watchStatement", () => {
    this.CONSUME(T.Watch);
    // `json` is a word of watch's, not a service address
    this.OPTION({ GATE: () => this.LA(1).image !== JSON_WORD, DEF: () => this.SUBRULE(this.serviceSpec) });
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Interval);
            this.CONSUME(T.Value, { LABEL: "period" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Count);
            this.CONSUME1(T.Value, { LABEL: "samples" });
          },
        },
        { ALT: () => this.CONSUME2(T.Value, { LABEL: "json" }) },
      ]);
    });
  });

  /** doctor [candidate] [VIP|SERVICE] [json] */
  public doctorStatement = this.RULE("doctorStatement", () => {
    this.CONSUME(T.Doctor);
    this.OPTION(() => this.CONSUME(T.Candidate));
    // `json` is a word of doctor's, not a service address
    this.OPTION1({ GATE: () => this.LA(1).image !== JSON_WORD, DEF: () => this.SUBRULE(this.serviceSpec) });
    this.OPTION2(() => this.CONSUME(T.Value, { LABEL: "json" }));
  });

  /** commit [check] [confirmed [DURATION]] [comment TEXT] [force] [on director] */
  public commitStatement = this.RULE("commitStatement", () => {
    this.CONSUME(T.Commit);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Check) },
        {
          ALT: () => {
            this.CONSUME(T.On);
            this.CONSUME(T.Director);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Confirmed);
            this.OPTION(() => this.CONSUME(T.Value, { LABEL: "duration" }));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.CommentKw);
            this.CONSUME(T.AnyWord, { LABEL: "text" });
          },
        },
        { ALT: () => this.CONSUME(T.Force) },
      ]);
    });
  });

  public confirmStatement = this.RULE("confirmStatement", () => {
    this.CONSUME(T.Confirm);
  });

  /** rollback [N] */
  public rollbackStatement = this.RULE("rollbackStatement", () => {
    this.CONSUME(T.Rollback);
    this.OPTION(() => this.CONSUME(T.NumberLiteral, { LABEL: "revision" }));
  });

  public abortStatement = this.RULE("abortStatement", () => {
    this.CONSUME(T.Abort);
  });

  /** save [to PATH] [format lvsh|ipvsadm] */
  public saveStatement = this.RULE("saveStatement", () => {
    this.CONSUME(T.Save);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.To);
            this.CONSUME(T.AnyWord, { LABEL: "path" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Format);
            this.CONSUME1(T.AnyWord, { LABEL: "format" });
          },
        },
      ]);
    });
  });

  /** load FILE */
  public loadStatement = this.RULE("loadStatement", () => {
    this.CONSUME(T.Load);
    this.CONSUME(T.AnyWord, { LABEL: "path" });
  });

  /** help [TOPIC] */
  public helpStatement = this.RULE("helpStatement", () => {
    this.CONSUME(T.Help);
    this.OPTION(() => this.CONSUME(T.AnyWord, { LABEL: "topic" }));
  });

  public address = this.RULE("address", () => {
    this.CONSUME(T.Value);
  });

  public iface = this.RULE("iface", () => {
    this.CONSUME(T.AnyWord);
  });
}

let parser: LvshParser | undefined;

/** The parser, built on first use (its self-analysis costs a few ms). */
export function getParser(): LvshParser {
  parser ??= new LvshParser();
  return parser;
}

export interface StatementParse {
  readonly cst: CstNode;
  readonly errors: LvshParser["errors"];
}

/**
 * The parse of a statement depends only on its tokens' types, and on the
 * words its GATEs read (GATED): statements of one shape (`add rs ADDR weight
 * N`, 10,000 times in a long script) are parsed once. The cache keeps that
 * CST with tokens of its own; a statement of the same shape gets it back with
 * those tokens set to its own (image, offset, type), in place: nothing is
 * copied or allocated. Only parses without errors are kept (an error's
 * message names its token).
 */
interface Shape {
  readonly cst: CstNode;
  /** The CST's tokens, in the order of the statement's. */
  readonly tokens: IToken[];
}
const shapes = new Map<string, Shape | null>();
let maxShapes = 500;

/** Empties the cache of shapes; `max` (tests): how many it keeps from now on (0: none). */
export function clearStatementCache(max = 500): void {
  shapes.clear();
  maxShapes = max;
}

function shapeOf(tokens: readonly IToken[]): string {
  let key = "";
  for (const t of tokens) key += GATED.has(t.image) ? `${t.tokenTypeIdx}=${t.image} ` : `${t.tokenTypeIdx} `;
  return key;
}

/** A CST's copy with tokens of its own (in `own`, in the order of `tokens`); null if a token of it is not among them. */
function ownCst(cst: CstNode, tokens: readonly IToken[]): Shape | null {
  const own = tokens.map((t) => ({ ...t }));
  const at = new Map(tokens.map((t, i) => [t, i]));
  const copy = (n: CstNode): CstNode | null => {
    const children: Record<string, (CstNode | IToken)[]> = {};
    for (const k in n.children) {
      const out: (CstNode | IToken)[] = [];
      for (const x of n.children[k]!) {
        const c = "image" in x ? own[at.get(x) ?? -1] : copy(x);
        if (!c) return null;
        out.push(c);
      }
      children[k] = out;
    }
    return { name: n.name, children } as CstNode;
  };
  const c = copy(cst);
  return c && { cst: c, tokens: own };
}

/**
 * A statement's CST and its errors. A CST from the cache of shapes holds the
 * cache's tokens, set to this statement's: it is good until the next call
 * (parse() builds its AST at once).
 */
export function parseStatementTokens(tokens: IToken[]): StatementParse {
  const key = maxShapes > 0 ? shapeOf(tokens) : "";
  const known = maxShapes > 0 ? shapes.get(key) : undefined;
  if (known) {
    for (let i = 0; i < tokens.length; i++) {
      const from = tokens[i]!;
      const to = known.tokens[i] as { -readonly [K in keyof IToken]: IToken[K] };
      to.image = from.image;
      to.startOffset = from.startOffset;
      to.tokenType = from.tokenType;
      to.tokenTypeIdx = from.tokenTypeIdx;
    }
    return { cst: known.cst, errors: [] };
  }
  const p = getParser();
  p.input = tokens;
  const cst = p.statement();
  const errors = p.errors;
  if (maxShapes > 0 && errors.length === 0 && known === undefined) {
    if (shapes.size >= maxShapes) shapes.clear();
    shapes.set(key, ownCst(cst, tokens));
  }
  return { cst, errors };
}
