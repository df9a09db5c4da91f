/** `show TOPIC`: the plan, the candidate, the running state, diffs, history, hosts. */
import { error, warning, type Diagnostic, type ShowStmt } from "../lang/index.js";
import { StateFileError } from "../util/index.js";
import { compile, describeTransport, printConfig, serviceKeyOf, type State } from "../model/index.js";
import { renderPlanText } from "../plan/index.js";
import { formatAddrLine, formatArpRuleLine, formatIpvsadmSaveLines } from "../state/index.js";
import { checkChain, leftoverTemps, managed, strayFiles } from "../txn/index.js";
import type { Session } from "./session.js";
import { stateDamaged } from "./damaged.js";
import { showRealServers } from "./show-rs.js";
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

type Shower = (s: ShowStmt, session: Session) => Promise<Diagnostic[]>;

export const showTopics: Record<string, Shower> = {
  plan: async (_s, session) => {
    const { plan, diagnostics } = await session.plan();
    if (plan) session.io.write(renderPlanText(plan) + "\n");
    return diagnostics;
  },
  candidate: async (_s, session) => {
    session.io.write(printConfig(session.candidate) || "# the candidate is empty\n");
    return [];
  },
  running: async (s, session) => {
    const ds = await session.refresh();
    const j = runningJson(session.running, vipsInView(session));
    session.io.write(s.args.some((a) => a.value === "json" || a.value === "--json") ? JSON.stringify(j, null, 2) + "\n" : runningText(j));
    return ds;
  },
  diff: async (s, session) => {
    const [a, b] = s.args.map((x) => Number(x.value));
    const rev = session.revision();
    let oldText = printConfig(session.runningConfig);
    let newText = printConfig(session.candidate);
    let names = [rev ? `running (revision ${rev.number})` : "running", "candidate"];
    for (const [i, n] of [a, b].entries()) {
      if (n === undefined || Number.isNaN(n)) continue;
      const text = revisionText(session, n);
      if (text === undefined) return [error("unknown-revision", `there is no revision ${n}`, s.args[i]!.span)];
      if (i === 0) [oldText, names[0]] = [text, `revision ${n}`];
      else [newText, names[1]] = [text, `revision ${n}`];
    }
    if (a !== undefined && b === undefined) names = [names[0]!, "candidate"];
    const style = session.io.color ? colorStyle : plainStyle;
    session.io.write(unifiedDiff(oldText, newText, names[0]!, names[1]!, 3, style) || `no differences between ${names[0]} and ${names[1]}\n`);
    return [];
  },
  history: async (_s, session) => {
    const site = session.site;
    const ns = site?.revisionNumbers() ?? [];
    const ds: Diagnostic[] = [];
    const stray = site ? strayFiles(site.paths.revisions) : [];
    if (stray.length) {
      ds.push(warning("state-damaged", `${site!.paths.revisions} holds files that are not revisions (not used): ${stray.join(", ")}`, undefined, { hint: "lvsh did not write them under these names: look at them, then move them away" }));
    }
    const temps = site ? leftoverTemps(site.paths.revisions) : [];
    if (temps.length) {
      ds.push(warning("state-damaged", `${site!.paths.revisions} holds ${temps.length} temporary file${temps.length === 1 ? "" : "s"} of a write that was cut short (not used): ${temps.join(", ")}`, undefined, { hint: "`lvsh recover` removes them" }));
    }
    if (!ns.length) {
      session.io.write("nothing committed yet\n");
      return ds;
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
    session.io.write(renderTable(["revision", "time (UTC)", "by", "comment"], rows, session.io));
    return ds;
  },
  hosts: async (_s, session) => {
    const ds = await session.refresh();
    const d = compile(session.candidate);
    const transports = session.site?.hosts([d]).transports ?? d.hosts;
    const rows = [...transports].map(([h, t]) => {
      const why = session.unreadable[h];
      const how = session.site?.executor(h).describe === "simulated" ? `simulated (${describeTransport(t)})` : describeTransport(t);
      return [h, h === "director" ? "director" : "real server", how, why ? `unreachable: ${why}` : "ok"];
    });
    session.io.write(renderTable(["host", "role", "reached by", "state"], rows, session.io));
    return ds;
  },
  services: async (_s, session) => {
    const rows = [...session.candidate.services.values()].map((s) => [
      serviceKeyOf(s),
      s.scheduler,
      s.persistence === null ? "-" : `${s.persistence} s${s.netmask !== (s.family === 4 ? 32 : 128) ? ` /${s.netmask}` : ""}`,
      [...s.flags, ...(s.onePacket ? ["one-packet"] : []), ...(s.pe ? [`pe ${s.pe}`] : [])].join(", ") || "-",
      String(s.reals.size),
    ]);
    session.io.write(rows.length ? renderTable(["service", "scheduler", "persistence", "flags", "real servers"], rows, session.io) : "no services\n");
    return [];
  },
  rs: async (_s, session) => showRealServers(session),
};

export async function showTopic(s: ShowStmt, session: Session): Promise<Diagnostic[]> {
  return showTopics[s.topic?.value ?? "candidate"]!(s, session);
}
