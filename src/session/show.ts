/** `show TOPIC`: the plan, the candidate, the running state, diffs, history, hosts. */
import { error, rsPattern, showArgs, warning, type Diagnostic, type ShowArgs, type ShowStmt } from "../lang/index.js";
import { counted, StateFileError } from "../util/index.js";
import { compile, describeTransport, keepalivedHosts, keepalivedParts, printConfig, serviceKeyOf, type State } from "../model/index.js";
import { planToJson } from "../plan/index.js";
import { formatAddrLine, formatArpRuleLine, formatIpvsadmSaveLines } from "../state/index.js";
import { checkChain, leftoverTemps, managed, strayFiles } from "../txn/index.js";
import type { Session } from "./session.js";
import { stateDamaged } from "./damaged.js";
import { rsFilter, showRealServers } from "./show-rs.js";
import { renderTable } from "./table.js";
import { plainStyle, unifiedDiff, type DiffStyle } from "./textdiff.js";

const colorStyle: DiffStyle = {
  add: (s) => `\x1b[32m${s}\x1b[0m`,
  del: (s) => `\x1b[31m${s}\x1b[0m`,
  meta: (s) => `\x1b[36m${s}\x1b[0m`,
};

export interface RunningJson {
  hosts: Record<string, { ipvs: string[]; arp: string[]; addrs: string[] }>;
}

/** The parts of the running state lvsh manages, per host, as the tools print them. */
export function runningJson(state: State, vips: ReadonlySet<string>): RunningJson {
  const hosts: RunningJson["hosts"] = {};
  for (const [name, h] of Object.entries(state.hosts)) {
    hosts[name] = {
      ipvs: formatIpvsadmSaveLines(h.ipvs),
      arp: h.arp.filter((r) => (r.dst && vips.has(r.dst)) || (r.src && vips.has(r.src))).map((r) => formatArpRuleLine(r)),
      addrs: h.addrs.filter((a) => vips.has(a.addr)).map(formatAddrLine),
    };
  }
  return { hosts };
}

/** The VIPs in view: the candidate's, the running configuration's and the last revision's. */
export function vipsInView(session: Session): Set<string> {
  const out = new Set([...managed(compile(session.candidate)), ...managed(compile(session.runningConfig)), ...(session.revision()?.vips ?? [])]);
  return out;
}

function runningText(j: RunningJson): string {
  const out: string[] = [];
  for (const [name, h] of Object.entries(j.hosts)) {
    out.push(`${name}:`);
    if (h.ipvs.length) out.push("  ipvs:", ...h.ipvs.map((l) => `    ${l}`));
    if (h.arp.length) out.push("  arptables:", ...h.arp.map((l) => `    ${l}`));
    if (h.addrs.length) out.push("  addresses:", ...h.addrs.map((l) => `    ${l}`));
    if (!h.ipvs.length && !h.arp.length && !h.addrs.length) out.push("  (nothing lvsh manages)");
  }
  return out.join("\n") + "\n";
}

function revisionText(session: Session, n: number): string | undefined {
  return session.site?.revision(n)?.config;
}

type Runner = (s: ShowStmt, session: Session, args: ShowArgs) => Promise<Diagnostic[]>;

const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";

/** A column name as a JSON key: `real servers` -> `realServers`. */
const jsonKey = (h: string) =>
  h
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w, i) => (i ? w[0]!.toUpperCase() + w.slice(1).toLowerCase() : w.toLowerCase()))
    .join("");

/** A cell as a JSON value: counts are numbers, `-` (nothing) is null. */
const jsonValue = (v: string | undefined) => (v === undefined || v === "-" || v === "" ? null : /^\d+$/.test(v) ? Number(v) : v);

/** The rows of a table as JSON objects, keyed by its column names. */
function records(head: readonly string[], rows: readonly (readonly string[])[]): Record<string, string | number | null>[] {
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [jsonKey(h), jsonValue(r[i])])));
}

function table(session: Session, args: ShowArgs, head: readonly string[], rows: readonly (readonly string[])[], empty?: string): void {
  if (args.words.has("json")) session.io.write(json(records(head, rows)));
  else session.io.write(rows.length || !empty ? renderTable(head, rows, session.io) : `${empty}\n`);
}

/** What the candidate changes that lvsh does not apply (keepalived does): said in the plan, so nobody waits for it. */
export function keepalivedNote(session: Session): string {
  // with `engine keepalived` a commit applies them (keepalived's file on each director), and takes them away when it goes
  if (session.candidate.engine || session.runningConfig.engine) return "";
  const before = keepalivedParts(session.runningConfig);
  const after = keepalivedParts(session.candidate);
  const lines: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key) ?? [];
    const a = after.get(key) ?? [];
    for (const l of a) if (!b.includes(l)) lines.push(`  + ${key}: ${l}`);
    for (const l of b) if (!a.includes(l)) lines.push(`  - ${key}: ${l}`);
  }
  if (!lines.length) return "";
  return `\nStaged, recorded by commit, but not applied by lvsh: keepalived acts on these (\`lvsh export --format keepalived\` writes its configuration):\n${lines.join("\n")}\n`;
}

/** How each topic of the table (lang/show-topics.ts) is shown. */
export const showTopics: Record<string, Runner> = {
  plan: async (_s, session, args) => {
    const { plan, diagnostics } = await session.plan();
    if (!plan) return diagnostics;
    if (args.words.has("json")) session.io.write(json(planToJson(plan)));
    else session.io.write(session.planText(plan, { commands: args.words.has("commands") }) + "\n" + keepalivedNote(session));
    return diagnostics;
  },
  candidate: async (_s, session) => {
    session.io.write(printConfig(session.candidate) || "# the candidate is empty\n");
    return [];
  },
  running: async (_s, session, args) => {
    const ds = await session.refresh();
    const j = runningJson(session.running, vipsInView(session));
    session.io.write(args.words.has("json") ? json(j) : runningText(j));
    return ds;
  },
  diff: async (_s, session, args) => {
    const [a, b] = args.values.map((x) => Number(x.value));
    const rev = session.revision();
    let oldText = printConfig(session.runningConfig);
    let newText = printConfig(session.candidate);
    let names = [rev ? `running (revision ${rev.number})` : "running", "candidate"];
    for (const [i, n] of [a, b].entries()) {
      if (n === undefined) continue;
      const text = revisionText(session, n);
      if (text === undefined) return [error("unknown-revision", `there is no revision ${n}`, args.values[i]!.span, { hint: session.site?.revisionsHint(n) ?? "`show history` lists them" })];
      if (i === 0) [oldText, names[0]] = [text, `revision ${n}`];
      else [newText, names[1]] = [text, `revision ${n}`];
    }
    if (a !== undefined && b === undefined) names = [names[0]!, "candidate"];
    const style = session.io.color ? colorStyle : plainStyle;
    session.io.write(unifiedDiff(oldText, newText, names[0]!, names[1]!, 3, style) || `no differences between ${names[0]} and ${names[1]}\n`);
    return [];
  },
  history: async (_s, session, args) => {
    const site = session.site;
    const ns = site?.revisionNumbers() ?? [];
    const ds: Diagnostic[] = [];
    const stray = site ? strayFiles(site.paths.revisions) : [];
    if (stray.length) {
      ds.push(warning("state-damaged", `${site!.paths.revisions} holds files that are not revisions (not used): ${stray.join(", ")}`, undefined, { hint: "lvsh did not write them under these names: look at them, then move them away" }));
    }
    const temps = site ? leftoverTemps(site.paths.revisions) : [];
    if (temps.length) {
      ds.push(warning("state-damaged", `${site!.paths.revisions} holds ${counted(temps.length, "temporary file")} of a write that was cut short (not used): ${temps.join(", ")}`, undefined, { hint: "`lvsh recover` removes them" }));
    }
    const rows = ns.map((n) => {
      try {
        const r = site!.revision(n)!;
        // each follows the one before it (a revision planted from another state directory does not)
        if (ns.includes(n - 1)) {
          let before;
          try {
            before = site!.revision(n - 1);
          } catch {
            before = undefined; // damaged: its own row says so
          }
          checkChain(r, before, site!.revisionPath(n));
        }
        return [String(n), r.time.replace("T", " ").slice(0, 19), `${r.user}@${r.host}`, r.comment ?? ""];
      } catch (e) {
        if (!(e instanceof StateFileError)) throw e;
        // one damaged revision does not hide the others
        ds.push({ ...stateDamaged(e), severity: "warning" });
        return [String(n), "?", "?", "DAMAGED (see below)"];
      }
    });
    table(session, args, ["revision", "time (UTC)", "by", "comment"], rows, "nothing committed yet");
    return ds;
  },
  hosts: async (_s, session, args) => {
    const ds = await session.refresh();
    const d = compile(session.candidate);
    const transports = session.site?.hosts([d]).transports ?? d.hosts;
    // keepalived's directors: the one that holds the VIPs is the MASTER, the other of a pair the BACKUP
    const pair = keepalivedHosts(d);
    const role = (h: string): string => {
      const ka = d.state.hosts[h]?.keepalived;
      if (ka) return `director (keepalived${ka.expect?.vips.length ? ", MASTER" : pair.length > 1 ? ", BACKUP" : ""})`;
      if (h !== "director") return "real server";
      return session.candidate.engine && !d.state.hosts[h] ? "director (unused: keepalived runs the pair)" : "director";
    };
    const rows = [...transports].map(([h, t]) => {
      const why = session.unreadable[h];
      const how = session.site?.executor(h).describe === "simulated" ? `simulated (${describeTransport(t)})` : describeTransport(t);
      return [h, role(h), how, why ? `unreachable: ${why}` : "ok"];
    });
    table(session, args, ["host", "role", "reached by", "state"], rows);
    return ds;
  },
  services: async (_s, session, args) => {
    const rows = [...session.candidate.services.values()].map((s) => [
      serviceKeyOf(s),
      s.scheduler,
      s.persistence === null ? "-" : `${s.persistence} s${s.netmask !== (s.family === 4 ? 32 : 128) ? ` /${s.netmask}` : ""}`,
      [...s.flags, ...(s.onePacket ? ["one-packet"] : []), ...(s.pe ? [`pe ${s.pe}`] : [])].join(", ") || "-",
      String(s.reals.size),
    ]);
    table(session, args, ["service", "scheduler", "persistence", "flags", "real servers"], rows, "no services");
    return [];
  },
  rs: (_s, session, args) => showRealServers(session, args.values.map((v) => rsFilter(rsPattern(v.value)!)), args.words.has("json")),
};

export async function showTopic(s: ShowStmt, session: Session): Promise<Diagnostic[]> {
  const args = showArgs(s);
  if ("severity" in args) return [args];
  return showTopics[s.topic?.value ?? "candidate"]!(s, session, args);
}
