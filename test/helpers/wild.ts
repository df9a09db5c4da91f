/**
 * The corpus of configuration files from the wild (public repositories:
 * keepalived.conf, ipvsadm rules, shell scripts, arptables-save output) and
 * an independent reading of each, written here without src/ so that it can
 * judge the importer. The corpus is third-party data, each file kept
 * byte-for-byte as published: test/fixtures/wild/SOURCES.md names the
 * repository, path and commit of each, and README.md there says where the
 * files go and how to add one.
 *
 * The independent reading is deliberately simple and explicit:
 * - keepalived: `virtual_server ADDR PORT {`, `virtual_server fwmark N {`,
 *   `virtual_server group NAME {` (the group's `ADDR PORT`, `A.B.C.D-E PORT`
 *   ranges and `fwmark N` members), `real_server ADDR [PORT] {` with
 *   `weight`, and `lb_kind`/`lvs_method`, `protocol` with keepalived's own
 *   defaults (NAT, UDP when no protocol is given, weight 1, port 0 when
 *   left out).
 * - ipvsadm and shell: lines that call ipvsadm (after a path, `sudo`, or a
 *   variable holding its path) or that are rules (`-A ...`), with
 *   `-A/-a/-E/-e`, `-t/-u/-f`, `-r`, `-g/-m/-i`, `-w`, `-s`, combined short
 *   options (`-At`) and long ones. Simple variables (`VIP=...`) are
 *   substituted; a line that still holds a `$` after that, or sits in a
 *   loop, or has `$(...)`/backquotes, is not read. Deletions and `-C` are
 *   ignored: the reading is the union of what the file adds (an init
 *   script's `stop)` branch clears what its `start)` branch adds).
 * - real servers: the VIPs a script binds on lo or tunl0 (ifconfig, ip addr)
 *   or hides with arptables (`-A IN/INPUT -d VIP -j DROP`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type WildKind = "keepalived" | "ipvsadm" | "sh" | "arptables";

export interface WildFile {
  readonly kind: WildKind;
  /** `kind/NN-name.ext`, the key of the KNOWN list and of SOURCES.md. */
  readonly id: string;
  readonly path: string;
}

const KINDS: readonly WildKind[] = ["keepalived", "ipvsadm", "sh", "arptables"];

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/**
 * Where the corpus is: LVSH_WILD_CORPUS when set, else the repository's
 * test/fixtures/wild when its kind folders hold the files, else
 * ../shared/fixtures/wild beside the repository (the steering repository's
 * shared/, which CI also has beside its clone).
 */
export function wildCorpusDir(): string | undefined {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
  const env = process.env["LVSH_WILD_CORPUS"];
  // when set, the variable alone decides (a wrong path skips rather than silently reading another corpus)
  if (env) return isDir(env) ? env : undefined;
  // test/fixtures/wild always holds SOURCES.md and README.md: it is the corpus once a kind folder is there
  for (const c of [join(repo, "test/fixtures/wild"), join(repo, "../shared/fixtures/wild")]) if (KINDS.some((k) => isDir(join(c, k)))) return c;
  return undefined;
}

/** Why the corpus tests cannot run here (a fresh clone without the files), or undefined. */
export function wildUnavailable(): string | undefined {
  if (wildCorpusDir()) return undefined;
  const env = process.env["LVSH_WILD_CORPUS"];
  return env
    ? `LVSH_WILD_CORPUS=${env} is not a directory`
    : "no corpus of files from the wild: put the files test/fixtures/wild/SOURCES.md lists in test/fixtures/wild/<kind>/, or set LVSH_WILD_CORPUS";
}

export function wildFiles(dir = wildCorpusDir()): WildFile[] {
  if (!dir) return [];
  const out: WildFile[] = [];
  for (const kind of KINDS) {
    const d = join(dir, kind);
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith(".")) continue;
      out.push({ kind, id: `${kind}/${name}`, path: join(d, name) });
    }
  }
  return out;
}

// ---------------------------------------------------------------- the reading

export interface ExpectedReal {
  readonly addr: string;
  readonly port: number;
  readonly method: "dr" | "nat" | "tun";
  readonly weight: number;
}

export interface ExpectedService {
  /** `tcp 192.0.2.1:80`, `udp ...`, `fwmark 7`. */
  readonly key: string;
  readonly reals: ExpectedReal[];
}

export interface WildReading {
  readonly services: ExpectedService[];
  /** Addresses a real-server script binds on lo/tunl0 or hides with arptables. */
  readonly rsVips: string[];
}

/** An address as a service key writes it: IPv6 in brackets. */
const hostKey = (a: string): string => (a.includes(":") ? `[${a}]` : a);

export const realKey = (r: ExpectedReal): string => `${r.addr}:${r.port} ${r.method} w${r.weight}`;

export function readWild(f: WildFile): WildReading {
  const text = readFileSync(f.path, "utf8");
  if (f.kind === "keepalived") return { services: readKeepalived(text), rsVips: [] };
  return { services: readIpvsadm(text), rsVips: readRsVips(text) };
}

// keepalived ---------------------------------------------------------------

interface Node {
  readonly words: string[];
  readonly children: Node[];
}

/** Blocks of words; `#` and `!` start comments; `{`/`}` open and close blocks wherever they are. */
function parseBlocks(text: string): Node[] {
  const root: Node = { words: [], children: [] };
  const stack: Node[] = [root];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[#!].*$/, "");
    const toks = line.replace(/([{}])/g, " $1 ").split(/\s+/).filter(Boolean);
    let cur: Node | undefined;
    for (const t of toks) {
      const top = stack[stack.length - 1]!;
      if (t === "{") {
        if (!cur) {
          cur = { words: [], children: [] };
          top.children.push(cur);
        }
        stack.push(cur);
        cur = undefined;
      } else if (t === "}") {
        if (stack.length > 1) stack.pop();
        cur = undefined;
      } else {
        if (!cur) {
          cur = { words: [], children: [] };
          top.children.push(cur);
        }
        cur.words.push(t);
      }
    }
  }
  return root.children;
}

const KA_METHODS: Readonly<Record<string, ExpectedReal["method"]>> = { dr: "dr", nat: "nat", masq: "nat", tun: "tun" };

function expandRange(addr: string): string[] {
  const m = /^(\d+\.\d+\.\d+\.)(\d+)-(\d+)$/.exec(addr);
  if (!m) return [addr];
  const out: string[] = [];
  for (let i = Number(m[2]); i <= Number(m[3]); i++) out.push(`${m[1]}${i}`);
  return out;
}

function readKeepalived(text: string): ExpectedService[] {
  const top = parseBlocks(text);
  const groups = new Map<string, string[][]>();
  for (const n of top) if (n.words[0] === "virtual_server_group" && n.words[1]) groups.set(n.words[1], n.children.map((c) => c.words));
  const out = new Map<string, ExpectedService>();
  for (const n of top) {
    if (n.words[0] !== "virtual_server") continue;
    const opt = (k: string, k2?: string) => n.children.find((c) => c.words[0] === k || (k2 !== undefined && c.words[0] === k2))?.words[1];
    const method = KA_METHODS[(opt("lb_kind", "lvs_method") ?? "nat").toLowerCase()] ?? "nat";
    const proto = (opt("protocol") ?? "udp").toLowerCase();
    const reals: ExpectedReal[] = [];
    for (const c of n.children) {
      if (c.words[0] !== "real_server" || !c.words[1]) continue;
      const w = c.children.find((x) => x.words[0] === "weight")?.words[1];
      reals.push({ addr: c.words[1], port: Number(c.words[2] ?? 0), method, weight: w !== undefined ? Number(w) : 1 });
    }
    const keys: string[] = [];
    if (n.words[1] === "fwmark") keys.push(`fwmark ${n.words[2]}`);
    else if (n.words[1] === "group") {
      for (const m of groups.get(n.words[2] ?? "") ?? []) {
        if (m[0] === "fwmark") keys.push(`fwmark ${m[1]}`);
        else if (m[0]) for (const a of expandRange(m[0])) keys.push(`${proto} ${hostKey(a)}:${m[1] ?? 0}`);
      }
    } else if (n.words[1]) keys.push(`${proto} ${hostKey(n.words[1])}:${n.words[2] ?? 0}`);
    for (const key of keys) {
      // a fwmark service's real servers keep their own port (0 when left out)
      out.set(key, { key, reals: reals.map((r) => ({ ...r })) });
    }
  }
  return [...out.values()];
}

// ipvsadm and shell ----------------------------------------------------------

const PORT_NAMES: Readonly<Record<string, number>> = { http: 80, https: 443, ftp: 21, ssh: 22, smtp: 25, domain: 53, mysql: 3306, pop3: 110, imap: 143 };

function splitHostPort(s: string): { addr: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(\w+))?$/.exec(s);
  const m = v6 ?? /^([^:]+)(?::(\w+))?$/.exec(s);
  if (!m) return { addr: s };
  const p = m[2];
  const port = p === undefined ? undefined : /^\d+$/.test(p) ? Number(p) : PORT_NAMES[p.toLowerCase()];
  return port === undefined ? { addr: m[1]! } : { addr: m[1]!, port };
}

/** Simple `NAME=value` assignments (a value without `$(`/backquotes), in file order, substituted into later ones. */
function variables(lines: readonly string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const l of lines) {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)=("[^"]*"|'[^']*'|[^\s;#]*)\s*(?:#.*)?$/.exec(l);
    if (!m) continue;
    let v = m[2]!.replace(/^["']|["']$/g, "");
    if (/\$\(|`/.test(v)) continue;
    v = subst(v, vars);
    if (v.includes("$")) continue;
    if (!vars.has(m[1]!)) vars.set(m[1]!, v);
  }
  return vars;
}

function subst(s: string, vars: ReadonlyMap<string, string>): string {
  return s.replace(/\$\{(\w+)\}|\$([A-Za-z_]\w*)/g, (all, a: string | undefined, b: string | undefined) => vars.get((a ?? b)!) ?? all);
}

const LONG: Readonly<Record<string, string>> = {
  "--add-service": "A", "--edit-service": "E", "--add-server": "a", "--edit-server": "e",
  "--tcp-service": "t", "--udp-service": "u", "--fwmark-service": "f", "--real-server": "r",
  "--gatewaying": "g", "--masquerading": "m", "--ipip": "i", "--weight": "w", "--scheduler": "s",
};
/** Short options that take a value. */
const VALUED = new Set(["t", "u", "f", "r", "w", "s", "M", "x", "y", "b"]);

interface Cmd {
  op: "A" | "E" | "a" | "e";
  svc: string;
  real?: ExpectedReal;
}

/** The arguments after `ipvsadm` (or a rule line) -> one command, or undefined. */
function ipvsadmCommand(args: readonly string[]): Cmd | undefined {
  const o = new Map<string, string>();
  let op: Cmd["op"] | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("--")) {
      const [name, val] = a.split("=", 2) as [string, string | undefined];
      const l = LONG[name];
      if (!l) continue;
      if ("AEae".includes(l)) op = l as Cmd["op"];
      else if (VALUED.has(l)) o.set(l, val ?? args[++i] ?? "");
      else o.set(l, "");
    } else if (/^-[A-Za-z]\w*$/.test(a)) {
      // combined short options (-At, -at), a value glued to its option (-w1) or in the next word
      for (let j = 1; j < a.length; j++) {
        const l = a[j]!;
        if ("AEae".includes(l)) op = l as Cmd["op"];
        else if (VALUED.has(l)) {
          o.set(l, j === a.length - 1 ? (args[++i] ?? "") : a.slice(j + 1));
          break;
        } else o.set(l, "");
      }
    }
  }
  if (!op) return undefined;
  let svc: string | undefined;
  let port: number | undefined;
  if (o.has("f")) svc = `fwmark ${o.get("f")}`;
  else {
    const proto = o.has("t") ? "tcp" : o.has("u") ? "udp" : undefined;
    if (!proto) return undefined;
    const hp = splitHostPort(o.get(proto === "tcp" ? "t" : "u")!);
    port = hp.port ?? 0;
    svc = `${proto} ${hostKey(hp.addr)}:${port}`;
  }
  if (op === "A" || op === "E") return { op, svc };
  const r = o.get("r");
  if (!r) return undefined;
  const hp = splitHostPort(r);
  const method = o.has("m") ? "nat" : o.has("i") ? "tun" : "dr";
  const w = o.get("w");
  return { op, svc, real: { addr: hp.addr, port: hp.port ?? port ?? 0, method, weight: w !== undefined && /^\d+$/.test(w) ? Number(w) : 1 } };
}

function readIpvsadm(text: string): ExpectedService[] {
  const lines = text.split("\n");
  const vars = variables(lines);
  const services = new Map<string, ExpectedService>();
  let loop = 0;
  for (const raw of lines) {
    const noComment = raw.replace(/(^|\s)#.*$/, "");
    if (/^\s*(for|while|until)\b/.test(noComment)) loop++;
    if (/^\s*done\b/.test(noComment) || /;\s*done\b/.test(noComment)) {
      loop = Math.max(0, loop - 1);
      continue;
    }
    if (loop > 0 || /\$\(|`/.test(noComment)) continue;
    const line = subst(noComment, vars).trim();
    let args: string[] | undefined;
    const words = line.split(/\s+/).filter(Boolean);
    if (/^-[AaEe]\b|^-[AaEe][tuf]\b|^--(add|edit)-(service|server)\b/.test(line)) args = words;
    else {
      // an ipvsadm call: after `sudo`, a path, or an ExecStartPre-like `-` prefix
      let i = 0;
      while (words[i] === "sudo") i++;
      if (words[i] && /^-?(\S*\/)?ipvsadm$/.test(words[i]!)) args = words.slice(i + 1);
    }
    if (!args) continue;
    if (args.some((a) => a.includes("$"))) continue;
    // stop at a shell operator: `ipvsadm -A ... && ...`, `; ...`, `| ...`, redirections
    const end = args.findIndex((a) => /^(&&|\|\||;|\||>|>>|2>.*|&)$/.test(a));
    const cmd = ipvsadmCommand(end < 0 ? args : args.slice(0, end));
    if (!cmd) continue;
    let s = services.get(cmd.svc);
    if (cmd.op === "A" || cmd.op === "E") {
      if (!s) services.set(cmd.svc, { key: cmd.svc, reals: [] });
      continue;
    }
    if (!s) continue; // a real server of a service the file never adds
    const r = cmd.real!;
    const i = s.reals.findIndex((x) => x.addr === r.addr && x.port === r.port);
    if (i >= 0) s.reals[i] = r;
    else if (cmd.op === "a") s.reals.push(r);
  }
  return [...services.values()];
}

/** The VIPs a real-server script binds on lo/tunl0 or hides with arptables. */
function readRsVips(text: string): string[] {
  const lines = text.split("\n");
  const vars = variables(lines);
  const out = new Set<string>();
  const ip = /^\d+\.\d+\.\d+\.\d+$/;
  for (const raw of lines) {
    const line = subst(raw.replace(/(^|\s)#.*$/, ""), vars);
    let m = /ifconfig\s+(lo|tunl0)(:\w+)?\s+(\S+)/.exec(line);
    if (m && ip.test(m[3]!.replace(/\/\d+$/, ""))) out.add(m[3]!.replace(/\/\d+$/, ""));
    m = /ip\s+(?:-\d\s+)?addr(?:ess)?\s+add\s+(\S+)\s.*\bdev\s+(lo|tunl0)\b/.exec(line);
    if (m && ip.test(m[1]!.replace(/\/\d+$/, ""))) out.add(m[1]!.replace(/\/\d+$/, ""));
    m = /-A\s+(IN|INPUT)\s+-d\s+(\S+)\s+-j\s+DROP/.exec(line);
    if (m && ip.test(m[2]!)) out.add(m[2]!);
  }
  return [...out];
}
