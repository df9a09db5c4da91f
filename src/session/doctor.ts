/**
 * `doctor`: reads every host of the committed configuration (or the
 * candidate's) in parallel, one round trip each (the executor batches the
 * commands), and holds what it read against the configuration
 * (plan/doctor.ts). The director also probes each real server (a TCP
 * connect, 3 s at most) and asks who answers ARP for its VIPs (`arping`,
 * iputils or busybox), both in the background of one shell, so the whole
 * takes about as long as one read of the slowest host.
 */
import { compile, directorHost, keepalivedHosts, describeTransport, realServerHost, serviceKeyOf, type Config, type TransportSpec } from "../model/index.js";
import { doctor, type Checked, type DoctorReport, type Finding, type HostFacts, type ProbeResult, type Skipped } from "../plan/index.js";
import { factCommands, factPart, FACT_SYSCTLS, parseArping, parseFacts, parseIpvsadmList, parseIpvsadmSave, resultOf, skippedBy } from "../state/index.js";
import { counted, wrapText } from "../util/index.js";
import { hostname } from "node:os";
import { alive } from "../util/process.js";
import type { Session } from "./session.js";
import { renderTable } from "./table.js";

export interface DoctorOptions {
  /** Check the candidate instead of the committed configuration. */
  readonly candidate?: boolean;
  readonly scope?: { readonly vip: string } | { readonly service: string };
  readonly json?: boolean;
}

/** The sysctls doctor looks at (state/facts.ts). */
export const DOCTOR_SYSCTLS = FACT_SYSCTLS;

/**
 * The director's probes, run side by side: `p ADDR PORT` connects to a
 * real server (bash's /dev/tcp under `timeout 3`; port 0: one ping),
 * `a IFACE VIP` lists who answers ARP for the VIP (arping, or busybox's),
 * from the director's own address on that link (not the VIP).
 * Prints `P ADDR PORT open|refused|timeout|unreachable|failed|skipped`, and
 * per VIP `A VIP`, arping's lines, `A-END` (or `A VIP skipped`).
 */
export const PROBE_SCRIPT = `# iputils' arping waits for -c replies until -w; busybox's sends -c requests a second apart
arp= n=1
if command -v arping >/dev/null 2>&1; then arp=arping; arping -V 2>&1 | grep -q iputils && n=5
elif command -v busybox >/dev/null 2>&1 && busybox arping 2>&1 | grep -q 'arping'; then arp="busybox arping"; fi
tcp=; command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 && tcp=1
while [ $# -gt 0 ]; do
  case $1 in
  p) a=$2 p=$3; shift 3
    if [ "$p" = 0 ]; then
      ( if ping -c 1 -W 2 "$a" >/dev/null 2>&1; then s=open; else s=timeout; fi; echo "P $a $p $s" ) &
      continue
    fi
    if [ -z "$tcp" ]; then echo "P $a $p skipped"; continue; fi
    ( e=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$a" "$p" 2>&1); r=$?
      case $r in 0) s=open;; 124) s=timeout;; *) case $e in *refused*) s=refused;; *"No route"*|*nreachable*) s=unreachable;; *) s=failed;; esac;; esac
      echo "P $a $p $s" ) & ;;
  a) i=$2 v=$3; shift 3
    if [ -z "$arp" ]; then echo "A $v skipped"; continue; fi
    src=$(ip -o -4 addr show dev "$i" 2>/dev/null | while read -r _ _ _ x _; do case $x in "$v"/*|*/32) ;; *) echo "\${x%/*}"; break ;; esac; done)
    ( o=$($arp -b -c $n -w 1 -I "$i" \${src:+-s "$src"} "$v" 2>&1); printf 'A %s\\n%s\\nA-END\\n' "$v" "$o" ) & ;;
  *) shift ;;
  esac
done
wait`;

interface HostPlan {
  readonly host: string;
  /** How the configuration says it is reached. */
  readonly transport: TransportSpec;
  readonly director: boolean;
  readonly arp: boolean;
  readonly listen: boolean;
  readonly routes: boolean;
  readonly probes: readonly (readonly [string, number])[];
  /** IFACE, VIP */
  readonly arping: readonly (readonly [string, string])[];
}

function parseProbeOutput(text: string): { probes: Map<string, ProbeResult>; arp: Map<string, string[] | Skipped> } {
  const probes = new Map<string, ProbeResult>();
  const arp = new Map<string, string[] | Skipped>();
  let block: { vip: string; lines: string[] } | undefined;
  for (const line of text.split("\n")) {
    if (block) {
      if (line === "A-END") {
        arp.set(block.vip, parseArping(block.lines.join("\n")).map((a) => a.mac));
        block = undefined;
      } else block.lines.push(line);
      continue;
    }
    const p = /^P (\S+) (\d+) (\S+)$/.exec(line);
    if (p) probes.set(`${p[1]} ${p[2]}`, p[3] as ProbeResult);
    const a = /^A (\S+)( skipped)?$/.exec(line);
    if (a && a[2]) arp.set(a[1]!, { skipped: "neither arping nor busybox arping is installed on the director" });
    else if (a) block = { vip: a[1]!, lines: [] };
  }
  return { probes, arp };
}

async function readFacts(session: Session, hp: HostPlan): Promise<HostFacts> {
  const site = session.site!;
  const exec = site.executor(hp.host);
  const cmds: string[][] = factCommands(hp);
  if (hp.director) cmds.push(["ipvsadm", "-Sn"], ["ipvsadm", "-Ln"]);
  // the probes take a second or two (arping's wait, a connect's timeout): beside the reads, not after them
  const probing =
    hp.director && (hp.probes.length || hp.arping.length)
      ? // runMany: thousands of real servers' arguments go on a shell's stdin (over ssh, one argument would not pass 128 kB)
        exec.runMany([["sh", "-c", PROBE_SCRIPT, "lvsh-doctor", ...hp.probes.flatMap(([a, p]) => ["p", a, String(p)]), ...hp.arping.flatMap(([i, v]) => ["a", i, v])]]).then((r) => r[0]!)
      : undefined;
  const [results, probe] = await Promise.all([exec.runMany(cmds), probing]);
  const at = (name: string, ...more: string[]) => resultOf(cmds, results, name, ...more);
  const facts = parseFacts(cmds, results, exec.describe);
  if (facts.unreadable) return facts;
  if (hp.director) {
    const save = factPart("ipvsadm -Sn", at("ipvsadm", "-Sn"), (t) => parseIpvsadmSave(t).services);
    if (save) facts.ipvs = save;
    const list = factPart("ipvsadm -Ln", at("ipvsadm", "-Ln"), (t) => {
      const m = new Map<string, { active: number; inactive: number }>();
      for (const [k, v] of parseIpvsadmList(t).dests) m.set(k, { active: v.activeConns, inactive: v.inactConns });
      return m;
    });
    if (list) facts.conns = list;
    if (probe) {
      if (probe.exitCode !== 0 && !probe.stdout) {
        const s = { skipped: `the director's probes did not run: ${skippedBy("sh", probe).skipped.replace(/^`sh` failed: /, "")}` };
        facts.probes = s;
        facts.arpAnswers = s;
      } else {
        const { probes, arp } = parseProbeOutput(probe.stdout);
        facts.probes = probes;
        facts.arpAnswers = arp;
      }
    }
  }
  return facts;
}

/** What to read where: every host of the services in scope. */
function hostPlans(config: Config, scope: DoctorOptions["scope"]): HostPlan[] {
  const services = [...config.services.values()].filter((s) => (!scope ? true : "vip" in scope ? s.vip === scope.vip : s.key === scope.service));
  // keepalived runs the directors: doctor looks at its MASTER's (its table, its probes), as `director`
  const desired = compile(config);
  const master = keepalivedHosts(desired)[0];
  const director = master !== undefined ? { name: "director", transport: desired.hosts.get(master)! } : directorHost(config);
  const dir = director.name;
  const probes = new Map<string, readonly [string, number]>();
  const rs = new Map<string, { transport: TransportSpec; arp: boolean; listen: boolean; routes: boolean }>();
  for (const s of services) {
    for (const r of s.reals.values()) {
      probes.set(`${r.addr} ${r.port}`, [r.addr, r.port]);
      const { name: h, transport } = realServerHost(config, r.addr);
      const had = rs.get(h) ?? { transport, arp: false, listen: false, routes: false };
      rs.set(h, { transport, arp: had.arp || (r.method !== "nat" && r.family === 4), listen: true, routes: had.routes || r.method === "nat" });
    }
  }
  const vipAddrs = new Set(services.map((s) => s.vip));
  if (scope && "vip" in scope) vipAddrs.add(scope.vip);
  const arping = [...config.vips.values()].filter((v) => vipAddrs.has(v.addr) && v.family === 4 && v.iface).map((v) => [v.iface!, v.addr] as const);
  return [
    { host: dir, transport: director.transport, director: true, arp: false, listen: false, routes: false, probes: [...probes.values()], arping },
    ...[...rs].filter(([h]) => h !== dir).map(([host, x]) => ({ host, director: false, ...x, probes: [], arping: [] })),
  ];
}

/** Since when each real server has been at weight 0, through the committed revisions (newest first). */
function zeroSince(session: Session): Map<string, number> {
  const out = new Map<string, number>();
  const site = session.site;
  if (!site) return out;
  const numbers = site.revisionNumbers().reverse();
  const still = new Set<string>();
  let first = true;
  for (const n of numbers) {
    let rev;
    try {
      rev = site.revision(n);
    } catch {
      break;
    }
    if (!rev) break;
    const config = site.revisionConfig(rev);
    const zero = new Set<string>();
    for (const s of config.services.values()) for (const r of s.reals.values()) if (r.maintenance || r.weight === 0) zero.add(`${s.key} rs ${r.key}`);
    if (first) for (const k of zero) still.add(k);
    first = false;
    for (const k of [...still]) {
      if (zero.has(k)) out.set(k, Date.parse(rev.time));
      else still.delete(k);
    }
    if (!still.size) break;
  }
  return out;
}

export async function runDoctor(session: Session, opts: DoctorOptions, tries = 3): Promise<DoctorReport> {
  const site = session.site;
  const rev = session.revision();
  const committed = !opts.candidate && !!rev;
  const config = opts.candidate ? session.candidate : rev && site ? site.revisionConfig(rev) : session.runningConfig;
  if (!site) return { findings: [], checked: {} };
  const j = site.pendingJournal();
  const journal = j ? { what: j.what, started: j.started, pid: j.pid, alive: j.host === hostname() && alive(j.pid) } : undefined;
  const plans = hostPlans(config, opts.scope);
  // the transports of the configuration's hosts (as a commit would reach them), and of those
  // a commit has nothing to write on but doctor reads (NAT real servers)
  site.hosts([compile(config), { state: { hosts: {} }, origins: new Map(), hosts: new Map(plans.map((p) => [p.host, p.transport])) }]);
  const facts = Object.fromEntries(await Promise.all(plans.map(async (p) => [p.host, await readFacts(session, p)] as const)));
  // someone committed while the hosts were read: what was read is the new revision's, checked against the old one; read again
  if (committed && site.revisionNumbers().at(-1) !== rev!.number && tries > 1) return runDoctor(session, opts, tries - 1);
  return doctor({ config, facts, committed, zeroSince: committed ? zeroSince(session) : new Map(), ...(opts.scope ? { scope: opts.scope } : {}), ...(journal ? { journal } : {}) });
}

const MARKS = { ok: "✔", error: "✘", warning: "!", skipped: "-" } as const;
const WORDS = { ok: "ok", error: "ERROR", warning: "warning", skipped: "skipped" } as const;

/** The report as tables, one per host, then the findings with their fixes and a summary line. */
export function renderDoctor(r: DoctorReport, session: Session, via: (host: string) => string): string {
  const io = session.io;
  const color = !!io.color;
  const paint = (result: Checked["result"], s: string) =>
    !color ? s : result === "error" ? `\x1b[31m${s}\x1b[0m` : result === "warning" ? `\x1b[33m${s}\x1b[0m` : result === "ok" ? `\x1b[32m${s}\x1b[0m` : `\x1b[90m${s}\x1b[0m`;
  const mark = (result: Checked["result"]) => (io.columns !== undefined ? MARKS[result] : WORDS[result]);
  const out: string[] = [];
  const hosts = Object.keys(r.checked);
  for (const host of hosts) {
    const rows = r.checked[host]!.map((c) => {
      const f = c.result === "error" || c.result === "warning" ? r.findings.find((x) => x.host === host && checkOf(x, c)) : undefined;
      return [mark(c.result), c.check, c.subject, f ? f.code : (c.detail ?? "")];
    });
    out.push(`${host} (${via(host)})`);
    out.push(renderTable(["", "check", "what", "found"], rows, { color, ...(io.columns !== undefined ? { columns: io.columns } : {}) }));
  }
  const errors = r.findings.filter((f) => f.severity === "error");
  const warnings = r.findings.filter((f) => f.severity === "warning");
  if (r.findings.length) {
    // wrapped to the terminal between words, under their heading
    for (const f of [...errors, ...warnings]) {
      out.push(`${paint(f.severity, mark(f.severity))} ${f.host}: ${f.code}`);
      out.push(wrapText(`    ${f.message}`, io.columns));
      out.push(wrapText(`    fix: ${f.fix}`, io.columns));
    }
  }
  const checks = Object.values(r.checked).reduce((a, c) => a + c.length, 0);
  const hostsWith = [...new Set(r.findings.map((f) => f.host))];
  // a thousand real servers down are not a thousand names on one line
  const bad = hostsWith.length > 8 ? [...hostsWith.slice(0, 8), `${hostsWith.length - 8} more`] : hostsWith;
  out.push("");
  out.push(
    wrapText(r.findings.length
      ? `doctor: ${counted(hosts.length, "host")}, ${counted(checks, "check")}: ${counted(errors.length, "error")}, ${counted(warnings.length, "warning")} (on ${bad.join(", ")})`
      : `doctor: ${counted(hosts.length, "host")}, ${counted(checks, "check")}: nothing wrong found`, io.columns),
  );
  return out.join("\n") + "\n";
}

/** Whether a finding is the one a check row reported (same host, same subject's check). */
function checkOf(f: Finding, c: Checked): boolean {
  return CHECK_OF[f.code] === c.check;
}

/** Which check reports each finding code (for the table's `found` column). */
const CHECK_OF: Partial<Record<Finding["code"], string>> = {
  "host-unreadable": "reachable",
  "vip-not-bound": "vip-bound",
  "ipvs-drift": "ipvs-table",
  "ip-forward-off": "ip-forward",
  "nat-conntrack-off": "nat-conntrack",
  "rs-unreachable": "reachable-from-director",
  "service-unreachable": "service-reachable",
  "arp-flux": "arp-answers",
  "rs-vip-missing": "vip-on-rs",
  "rs-answers-arp": "arp-hidden",
  "arp-ignore-answers": "arp-hidden",
  "arp-mangle-missing": "arp-announce",
  "arp-announce-missing": "arp-announce",
  "tunl0-down": "tunl0",
  "rp-filter-strict": "rp-filter",
  "rs-not-listening": "listening",
  "nat-route-bypasses-director": "nat-route",
  "persistent-rr": "scheduler",
  "weight-zero-long": "weights",
  "conn-reuse-sysctls": "conn-reuse",
};

/** As JSON: the findings, and per host every check run. */
export function doctorJson(r: DoctorReport): string {
  return JSON.stringify({ findings: r.findings.map((f) => ({ host: f.host, code: f.code, severity: f.severity, message: f.message, fix: f.fix })), checked: r.checked }, null, 2) + "\n";
}

/** The transport a host is reached by, as `show hosts` says it. */
export function doctorVia(session: Session): (host: string) => string {
  return (host) => (session.site ? describeTransport(session.site.transportOf(host)) : "-");
}

/** The service key for `doctor SERVICE` (as watch finds it). */
export function serviceName(config: Config, key: string): string {
  const s = config.services.get(key);
  return s ? serviceKeyOf(s) : key;
}
