/**
 * keepalived on a director (`engine keepalived`), as commands: POSIX sh
 * scripts with their data as arguments (argv, never spliced into the
 * script), on the director itself, with the standard tools only:
 *
 * (a TEXT longer than TEXT_PIECE goes in pieces: the first where TEXT is, the
 * others after the op's last argument, an empty one standing for an absent
 * mode; one argument of a process may not pass 128 kB. Over TEXT_PACK_BYTES
 * it goes packed first, gzip then base64: all arguments may not pass 2 MB)
 *
 *   check    PATH TEXT       keepalived -t -f on a temporary copy (nothing changes)
 *   install  PATH TEXT WAIT SERVICES VIPS [restart|stopped]
 *                            check again; write PATH.lvsh-new; keep PATH as
 *                            PATH.lvsh-prev; rename; reload keepalived (SIGHUP
 *                            to its pid file, `systemctl reload` where systemd
 *                            runs it, else start it); wait up to WAIT seconds
 *                            until `ipvsadm -Sn` has SERVICES (each `-t ADDR:PORT
 *                            -s SCHED [-p SECONDS]`, as it prints them: a change
 *                            keepalived does not apply on a reload is caught) and the director
 *                            holds VIPS, else put the previous file back,
 *                            reload again and fail
 *   stop     PATH            stop the keepalived lvsh started (or systemd's) and
 *                            move PATH to PATH.lvsh-prev (the undo of a first install)
 *   read     PATH            `running`|`stopped`, `present`|`absent`, then the file
 *
 * Which keepalived runs PATH: the pid in DIR/keepalived.pid (DIR: PATH's
 * directory; lvsh starts keepalived with its three pid files there, so that
 * several instances on one machine do not collide), else systemd's
 * `keepalived` unit (for the default path), else /run/keepalived.pid (the
 * default path).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { KEEPALIVED_CONF, type KeepalivedState } from "../model/index.js";

/** argv[0] of the scripts ($0): how a simulator and the journal recognise them. */
export const KEEPALIVED_TAG = "lvsh-keepalived";

/** Seconds a commit waits for keepalived to build what its new file says. */
export const KEEPALIVED_WAIT_S = 30;

const COMMON = `p=$2; d=$(dirname "$p")
# a pid file's process, when it is keepalived (a stale pid file may name any process now)
kapid() {
  [ -f "$1" ] && n=$(cat "$1" 2>/dev/null) && [ -n "$n" ] && kill -0 "$n" 2>/dev/null || return 1
  case $(cat "/proc/$n/comm" 2>/dev/null) in keepalived) echo "$n" ;; *) return 1 ;; esac
}
# keepalived $1 runs with $p (its -f; without one, the default path)
owns() {
  a=$(tr '\\0' '\\n' <"/proc/$1/cmdline" 2>/dev/null | awk -v p="$p" 'f { print ($0 == p ? "yes" : "no"); f = 2; exit } $0 == "-f" || $0 == "--use-file" { f = 1 } END { if (!f) print "default" }')
  [ "$a" = yes ] || { [ "$a" = default ] && [ "$p" = ${KEEPALIVED_CONF} ]; }
}
ka() {
  if n=$(kapid "$d/keepalived.pid") && owns "$n"; then echo "pid $n"; return; fi
  [ "$p" = ${KEEPALIVED_CONF} ] || return 0
  if [ -d /run/systemd/system ] && systemctl is-active --quiet keepalived 2>/dev/null; then echo systemd; return; fi
  if n=$(kapid /run/keepalived.pid) && owns "$n"; then echo "pid $n"; fi
}
# lvsh went away (killed): the process that started this script (lvsh, or the
# batch shell lvsh started, which names itself in LVSH_BATCH) is no longer its
# parent. Compared with the parent at the start, not with init: an orphan goes
# to a subreaper where there is one, and lvsh may itself be pid 1 (a container).
pp=; [ "\${LVSH_BATCH:-}" = "$PPID" ] && pp=$(cut -d' ' -f4 "/proc/$PPID/stat" 2>/dev/null)
orphan() {
  [ -r "/proc/$$/stat" ] || return 1
  [ "$(cut -d' ' -f4 "/proc/$$/stat" 2>/dev/null)" != "$PPID" ] && return 0
  [ -n "$pp" ] && [ "$(cut -d' ' -f4 "/proc/$PPID/stat" 2>/dev/null)" != "$pp" ]
}
check() {
  command -v keepalived >/dev/null 2>&1 || { echo "keepalived is not installed on this host (not in PATH); nothing was changed" >&2; exit 127; }
  t=$(mktemp "\${TMPDIR:-/tmp}/lvsh-keepalived.XXXXXX") || exit 1
  printf '%s' "$1" >"$t"
  out=$(keepalived -t -f "$t" 2>&1); s=$?
  rm -f "$t"
  if [ $s -ne 0 ]; then printf 'keepalived -t rejects the new configuration (exit %s); nothing was changed:\\n%s\\n' "$s" "$out" >&2; exit 1; fi
}
reload() {
  m=$(ka)
  case $m in
    "pid "*) kill -HUP "\${m#pid }" ;;
    systemd) systemctl reload keepalived ;;
    # none runs for this file: its pid files are stale (keepalived refuses to start beside a live pid in them)
    *) [ -f "$p" ] || return 0; rm -f "$d/keepalived.pid" "$d/keepalived.vrrp.pid" "$d/keepalived.checkers.pid"; keepalived -f "$p" -p "$d/keepalived.pid" -r "$d/keepalived.vrrp.pid" -c "$d/keepalived.checkers.pid" ;;
  esac
}
stop() {
  m=$(ka)
  case $m in
    "pid "*) kill -TERM "\${m#pid }"; i=0; while kill -0 "\${m#pid }" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done ;;
    systemd) systemctl stop keepalived ;;
  esac
}`;

/**
 * The rest of a long file: the pieces after the op's own N arguments (one
 * argument of a process may not pass 128 kB; keepalivedArgv cuts a longer
 * text, the first piece where a short text goes).
 */
const MORE = (n: number) => `[ $# -gt ${n} ] && shift ${n} || set --
for c; do text=$text$c; done
case $text in "${PACKED}"*)
  text=$(printf '%s' "\${text#${PACKED}}" | base64 -d | gzip -dc && printf x)
  case $text in *x) text=\${text%x} ;; *) echo "cannot unpack the new configuration (base64 -d | gzip -dc); nothing was changed" >&2; exit 1 ;; esac ;;
esac`;

/**
 * A text over this many bytes goes packed (gzip, then base64: a
 * keepalived.conf packs about 20 to 1): all of a process's arguments may
 * not pass 2 MB (ARG_MAX), and 10,000 real servers with checks make 2.3 MB.
 */
export const TEXT_PACK_BYTES = 1_000_000;
const PACKED = "lvsh-gzip-base64:";

/** The longest piece of a file's text in one argument: 128 kB at 4 bytes a character (UTF-8), with room to spare. */
export const TEXT_PIECE = 30_000;

const SCRIPTS = {
  check: `${COMMON}
text=$3
${MORE(3)}
check "$text"`,
  install: `${COMMON}
text=$3 secs=$4 svcs=$5 vips=$6 mode=\${7-}
${MORE(7)}
check "$text"
mkdir -p "$d" && printf '%s' "$text" >"$p.lvsh-new" || exit 1
had=0; [ -f "$p" ] && had=1 && { cp -p "$p" "$p.lvsh-prev" || exit 1; }
mv -f "$p.lvsh-new" "$p" || exit 1
[ "$mode" = restart ] && stop
# the file only, keepalived stopped (what a recover puts back when it did not run before)
[ "$mode" = stopped ] && { stop; exit 0; }
reload || { echo "keepalived did not take $p" >&2; s=1; }
i=0; w=$((secs * 10))
while [ "\${s:-0}" -eq 0 ]; do
  missing=""
  tab=$(ipvsadm -Sn 2>/dev/null)
  old=$IFS; IFS='
'
  for v in $svcs; do printf '%s\\n' "$tab" | awk -v s="-A $v" '$0 == s || index($0, s " ") == 1 { f = 1 } END { exit !f }' || missing="$missing service $v,"; done
  addrs=$(ip -o addr show)
  for v in $vips; do printf '%s\\n' "$addrs" | awk -v a="$v/" 'index($4, a) == 1 { f = 1 } END { exit !f }' || missing="$missing VIP $v,"; done
  IFS=$old
  [ -z "$missing" ] && exit 0
  [ $i -ge $w ] && { echo "after $secs s keepalived has not built:\${missing%,}" >&2; break; }
  # lvsh was killed: leave the file as it is, for \`lvsh recover\` (putting it back here would race it)
  orphan && { echo "lvsh went away: $p left for lvsh recover" >&2; exit 1; }
  sleep 0.1; i=$((i + 1))
done
# the previous file back (or none), keepalived reloaded (or stopped)
if [ $had -eq 1 ]; then mv -f "$p.lvsh-prev" "$p" && reload; else mv -f "$p" "$p.lvsh-prev"; stop; fi
echo "$p put back as it was" >&2
exit 1`,
  stop: `${COMMON}
stop
[ "$3" = keep ] || { [ -f "$p" ] && mv -f "$p" "$p.lvsh-prev"; }
exit 0`,
  read: `${COMMON}
if [ -n "$(ka)" ]; then echo running; else echo stopped; fi
if [ -f "$p" ]; then echo present; cat "$p"; else echo absent; fi`,
};

export type KeepalivedOp = keyof typeof SCRIPTS;

/** How many arguments an op takes after PATH (a long text's further pieces come after them). */
const ARGS: Record<KeepalivedOp, number> = { check: 1, install: 5, stop: 1, read: 0 };

/** The argv of one operation; a text (check, install) longer than TEXT_PIECE goes in pieces, the rest after the op's arguments. */
export function keepalivedArgv(op: KeepalivedOp, path: string, ...rest: string[]): string[] {
  const plain = op === "check" || op === "install" ? (rest[0] ?? "") : "";
  const text = Buffer.byteLength(plain) > TEXT_PACK_BYTES || plain.startsWith(PACKED) ? PACKED + gzipSync(plain).toString("base64") : plain;
  if (text.length <= TEXT_PIECE) return ["sh", "-c", SCRIPTS[op], KEEPALIVED_TAG, op, path, ...(text === plain ? rest : [text, ...rest.slice(1)])];
  const pieces: string[] = [];
  for (let i = 0; i < text.length; ) {
    let end = Math.min(i + TEXT_PIECE, text.length);
    // never between the halves of a surrogate pair (each piece is valid UTF-8 on its own)
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    pieces.push(text.slice(i, end));
    i = end;
  }
  const own = [pieces[0]!, ...rest.slice(1)];
  while (own.length < ARGS[op]) own.push("");
  return ["sh", "-c", SCRIPTS[op], KEEPALIVED_TAG, op, path, ...own, ...pieces.slice(1)];
}

/** The check of a new file, on the director, before anything changes. */
export function keepalivedCheck(k: KeepalivedState): string[] {
  return keepalivedArgv("check", k.path, k.text ?? "");
}

/**
 * Install a file and reload; `wait`: how long for what `expect` says (0: do
 * not wait, as an undo); `restart`: stop keepalived and start it again
 * instead (what a reload does not apply, restartNeeded).
 */
export function keepalivedInstall(k: KeepalivedState, wait = KEEPALIVED_WAIT_S, restart = false): string[] {
  const e = wait > 0 ? k.expect : undefined;
  const mode = !k.running ? ["stopped"] : restart ? ["restart"] : [];
  return keepalivedArgv("install", k.path, k.text ?? "", String(wait), (e?.services ?? []).join("\n"), (e?.vips ?? []).join("\n"), ...mode);
}

/**
 * Why keepalived must be restarted to take a new file, when a reload would
 * not apply it: keepalived 2.2.7 keeps its connection sync daemon across a
 * reload whose file changes or drops lvs_sync_daemon (measured in the lab).
 */
export function restartNeeded(before: string | null, after: string): string | undefined {
  if (before === null) return undefined;
  const sync = (t: string) => t.split("\n").filter((l) => /^\s*lvs_sync_daemon\b/.test(l)).map((l) => l.trim()).join("\n");
  if (sync(before) === sync(after)) return undefined;
  return "keepalived keeps its connection sync daemon across a reload: restarted, not reloaded (a MASTER's VIP moves to the other director meanwhile)";
}

/** Stop the keepalived of PATH; its file moves aside (`PATH.lvsh-prev`) unless `keep`. */
export function keepalivedStop(path: string, keep = false): string[] {
  return keepalivedArgv("stop", path, ...(keep ? ["keep"] : []));
}

export function keepalivedRead(path: string): string[] {
  return keepalivedArgv("read", path);
}

/** The operation and path of a keepalived command, or undefined for any other command. */
export function keepalivedOp(argv: readonly string[]): { op: KeepalivedOp; path: string; rest: readonly string[]; text?: string } | undefined {
  if (argv[0] !== "sh" || argv[1] !== "-c" || argv[3] !== KEEPALIVED_TAG) return undefined;
  const op = argv[4] as KeepalivedOp;
  if (!(op in SCRIPTS)) return undefined;
  const rest = argv.slice(6);
  // a long text's pieces after the op's own arguments
  const joined = op === "check" || op === "install" ? (rest[0] ?? "") + rest.slice(ARGS[op]).join("") : undefined;
  const text = joined?.startsWith(PACKED) ? gunzipSync(Buffer.from(joined.slice(PACKED.length), "base64")).toString("utf8") : joined;
  return { op, path: argv[5] ?? "", rest: rest.slice(0, ARGS[op]), ...(text !== undefined ? { text } : {}) };
}

/** The reader's output -> the state. */
export function parseKeepalivedRead(path: string, stdout: string): KeepalivedState {
  const [run, present, ...rest] = stdout.split("\n");
  if ((run !== "running" && run !== "stopped") || (present !== "present" && present !== "absent")) {
    throw new Error(`unexpected output from the keepalived read of ${path}: ${JSON.stringify(stdout.slice(0, 80))}`);
  }
  return { path, running: run === "running", text: present === "present" ? rest.join("\n") : null };
}

/**
 * The real servers a keepalived file (lvsh's rendering) names, as
 * `HEAD|ADDR` (`192.0.2.10 80|192.0.2.2`, `fwmark 7|192.0.2.2`): which real
 * servers a new file adds to the configuration.
 */
export function keepalivedReals(text: string): Set<string> {
  const out = new Set<string>();
  let head: string | undefined;
  for (const line of text.split("\n")) {
    const vs = /^virtual_server (.+) \{$/.exec(line);
    if (vs) head = vs[1];
    else if (/^\S/.test(line)) head = undefined;
    const rs = /^\s+real_server (\S+) /.exec(line);
    if (head && rs) out.add(`${head}|${rs[1]}`);
  }
  return out;
}

/** keepalivedReals' key of a real server of a service (`tcp 192.0.2.10:80`, `fwmark 7`, as serviceKeyOf says). */
export function keepalivedRealKey(service: string, addr: string): string {
  const fw = /^fwmark (\d+)/.exec(service);
  if (fw) return `fwmark ${fw[1]}|${addr}`;
  const ep = service.slice(service.indexOf(" ") + 1);
  const i = ep.lastIndexOf(":");
  return `${ep.slice(0, i).replace(/^\[|\]$/g, "")} ${ep.slice(i + 1)}|${addr}`;
}

/** A command for people: a keepalived script as `keepalived OP PATH` (its text and script are long), any other as its words. */
export function commandText(argv: readonly string[]): string {
  const k = keepalivedOp(argv);
  return k ? `lvsh's keepalived ${k.op} of ${k.path}` : argv.join(" ");
}

/** What a keepalived file binds by VRRP: its virtual_ipaddress blocks' `ADDR[/PREFIX] [dev IFACE]` lines. */
export function keepalivedVipLines(text: string): { addr: string; prefix: number | null; dev: string | null }[] {
  const out: { addr: string; prefix: number | null; dev: string | null }[] = [];
  let inBlock = false;
  for (const line of text.split("\n")) {
    if (/^\s*virtual_ipaddress\s*\{/.test(line)) inBlock = true;
    else if (inBlock && /^\s*\}/.test(line)) inBlock = false;
    else if (inBlock) {
      const m = /^\s*([0-9a-fA-F.:]+)(?:\/(\d+))?(?:\s+dev\s+(\S+))?(?:\s|$)/.exec(line);
      if (m) out.push({ addr: m[1]!, prefix: m[2] !== undefined ? Number(m[2]) : null, dev: m[3] ?? null });
    }
  }
  return out;
}

/** The addresses a keepalived file binds by VRRP. */
export function keepalivedVips(text: string): string[] {
  return keepalivedVipLines(text).map((v) => v.addr);
}

/** The interfaces a keepalived file names, with what for: `interface X`, `dev X`, `lvs_sync_daemon X`. */
export function keepalivedInterfaces(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split("\n")) {
    const i = /^\s*interface\s+(\S+)/.exec(line);
    if (i) out.push([i[1]!, "a VRRP instance"]);
    const d = /\sdev\s+(\S+)/.exec(line);
    if (d) out.push([d[1]!, "a VIP"]);
    const y = /^\s*lvs_sync_daemon\s+(\S+)/.exec(line);
    if (y) out.push([y[1]!, "the connection sync daemon"]);
  }
  return out;
}
