/**
 * Session statements (`show`, `commit`, `rollback`, `help` ...): each has
 * a check, run on the shadow session before anything happens, and a run.
 */
import { error, helpIndex, helpTopic, revisionSource, showArgs, type Diagnostic, type SessionStatement } from "../lang/index.js";
import { emptyContext } from "../model/index.js";
import { loadCheck, loadRun, saveCheck, saveRun } from "./load-save.js";
import { configOf, confirmPending, overdueConfirm } from "../txn/index.js";
import { runCommit } from "./commit.js";
import { wrapText } from "../util/index.js";
import { say } from "./say.js";
import type { Session, SessionState } from "./session.js";
import { showTopic } from "./show.js";
import { runWatch, watchOptions, watchService } from "./watch.js";
import { doctorJson, doctorVia, renderDoctor, runDoctor } from "./doctor.js";

export interface SessionIO {
  /** Output the user asked for (show, help, commit reports). */
  write(text: string): void;
  /** ANSI colours (a terminal, and NO_COLOR unset). */
  readonly color?: boolean;
  /** The terminal's width, when the output is one. */
  readonly columns?: number;
  /** The terminal's height, when the output is one (a live view no taller, so it never scrolls). */
  readonly rows?: number;
  /** Reads a file for `load` (default: the file system, relative to the current directory). */
  readonly readFile?: (path: string) => string;
  /**
   * A terminal a live view (`watch`) is left from: `stop` is called on `q`
   * or Ctrl-C until the returned function is called (which gives the
   * terminal back as it was). None: the view ends by its count, or never.
   */
  readonly live?: (stop: () => void) => () => void;
}

type Kind = SessionStatement["kind"];
type Of<K extends Kind> = Extract<SessionStatement, { kind: K }>;

export interface SessionCommand<K extends Kind> {
  check(s: Of<K>, shadow: SessionState, session: Session): Diagnostic[];
  run(s: Of<K>, session: Session): Promise<Diagnostic[]>;
}

/** The revision `rollback [N]` means: N, or the one before the last. */
function rollbackTarget(s: Of<"rollback">, session: Session): { number: number; config: string } | Diagnostic {
  const site = session.site;
  const numbers = site?.revisionNumbers() ?? [];
  const n = s.revision?.value ?? numbers[numbers.length - 2];
  const rev = n !== undefined ? site?.revision(n) : undefined;
  if (!rev) {
    return error("unknown-revision", n === undefined ? "there is no revision before the running one" : `there is no revision ${n}`, s.revision?.span ?? s.span, {
      hint: site?.revisionsHint(n) ?? "nothing has been committed yet",
    });
  }
  return { number: rev.number, config: rev.config };
}

/** What `doctor VIP` or `doctor SERVICE` narrows to (a service as `watch` finds it). */
function doctorScope(s: Of<"doctor">, state: SessionState): { scope?: { vip: string } | { service: string }; diagnostics: Diagnostic[] } {
  if (s.vip) {
    if (state.candidate.vips.has(s.vip.value)) return { scope: { vip: s.vip.value }, diagnostics: [] };
    const known = [...state.candidate.vips.keys()];
    return { diagnostics: [error("unknown-vip", `there is no VIP ${s.vip.value}`, s.vip.span, { hint: known.length ? `the VIPs are ${known.join(", ")}` : "there are no VIPs yet" })] };
  }
  if (!s.spec) return { diagnostics: [] };
  const r = watchService({ kind: "watch", span: s.span, spec: s.spec }, state.candidate, state.context);
  return { ...(r.key ? { scope: { service: r.key } } : {}), diagnostics: r.diagnostics };
}

export const sessionCommands: { [K in Kind]: SessionCommand<K> } = {
  show: {
    check: (s) => {
      const args = showArgs(s);
      return "severity" in args ? [args] : [];
    },
    run: (s, session) => showTopic(s, session),
  },
  watch: {
    check: (s, shadow) => watchService(s, shadow.candidate, shadow.context).diagnostics,
    run: async (s, session) => {
      const { key, diagnostics } = watchService(s, session.candidate, session.context);
      if (diagnostics.some((d) => d.severity === "error")) return diagnostics;
      await runWatch(session, watchOptions(s, key));
      return [];
    },
  },
  doctor: {
    check: (s, shadow) => doctorScope(s, shadow).diagnostics,
    run: async (s, session) => {
      const { scope, diagnostics } = doctorScope(s, session);
      if (diagnostics.some((d) => d.severity === "error")) return diagnostics;
      const report = await runDoctor(session, { ...(s.candidate ? { candidate: true } : {}), ...(scope ? { scope } : {}) });
      if (report.findings.some((f) => f.severity === "error")) session.doctorFailed = true;
      session.io.write(s.json ? doctorJson(report) : renderDoctor(report, session, doctorVia(session)));
      return diagnostics;
    },
  },
  help: {
    check: (s) => {
      if (!s.topic) return [];
      const h = helpTopic(s.topic.value);
      return h.text ? [] : [error("unknown-topic", `no help on \`${s.topic.value}\``, s.topic.span, h.hint ? { hint: h.hint } : {})];
    },
    run: async (s, session) => {
      // wrapped to the terminal as it is now, between words
      session.io.write(wrapText(s.topic ? helpTopic(s.topic.value).text! : helpIndex(), session.io.columns) + "\n");
      return [];
    },
  },
  commit: {
    check: (_s, shadow, session) => (shadow.incomplete ? [] : session.validateCandidate(shadow.candidate).filter((d) => d.severity === "error")),
    run: (s, session) => runCommit(s, session),
  },
  confirm: {
    check: () => [],
    run: async (s, session) => {
      if (!session.site) return [{ severity: "warning", code: "nothing-pending", message: "no commit is waiting for confirmation", span: s.span }];
      const r = await confirmPending(session.site);
      if (r.kind === "none" && session.revertedOverdue !== undefined) {
        return [error("confirm-late", `too late: commit ${session.revertedOverdue} was past its deadline; it was rolled back when this lvsh started`, s.span, { hint: "commit it again if you still want it" })];
      }
      if (r.kind === "none") return [{ severity: "warning", code: "nothing-pending", message: "no commit is waiting for confirmation", span: s.span }];
      if (r.kind === "late") {
        // past its deadline it is reverted, whoever asks
        await overdueConfirm(session.site, (t) => session.io.write(t));
        session.syncRevision();
        return [error("confirm-late", `too late: commit ${r.pending.revision} was to be confirmed by ${r.pending.deadline}; it was rolled back`, s.span, { hint: "commit it again if you still want it" })];
      }
      say(session.io, `commit ${r.pending.revision} confirmed: it stays.`);
      return [];
    },
  },
  rollback: {
    check: (s, shadow, session) => {
      const t = rollbackTarget(s, session);
      if ("severity" in t) return [t];
      shadow.candidate = configOf(t.config, session.site!.revisionPath(t.number), revisionSource(t.number));
      shadow.context = emptyContext;
      return [];
    },
    run: async (s, session) => {
      const t = rollbackTarget(s, session);
      if ("severity" in t) return [t];
      session.replaceCandidate(configOf(t.config, session.site!.revisionPath(t.number), revisionSource(t.number)));
      say(session.io, `revision ${t.number} is now the candidate; \`commit\` applies it as a new revision.`);
      return [];
    },
  },
  abort: {
    check: (_s, shadow, session) => {
      shadow.candidate = session.runningConfig;
      shadow.context = emptyContext;
      return [];
    },
    run: async (_s, session) => {
      session.abort();
      say(session.io, "the candidate is the running configuration again.");
      return [];
    },
  },
  save: { check: saveCheck, run: saveRun },
  load: { check: loadCheck, run: loadRun },
};
