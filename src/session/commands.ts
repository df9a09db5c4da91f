/**
 * Session statements (`show`, `commit`, `help` ...): each has a check, run
 * on the shadow session before anything happens, and a run.
 */
import { error, helpIndex, helpTopic, type Diagnostic, type SessionStatement, type Span } from "../lang/index.js";
import { printConfig } from "../model/index.js";
import { renderPlanText } from "../plan/index.js";
import type { Session, SessionState } from "./session.js";

export interface SessionIO {
  /** Output the user asked for (show, help). */
  write(text: string): void;
}

type Kind = SessionStatement["kind"];
type Of<K extends Kind> = Extract<SessionStatement, { kind: K }>;

export interface SessionCommand<K extends Kind> {
  check(s: Of<K>, shadow: SessionState, session: Session): Diagnostic[];
  run(s: Of<K>, session: Session): Promise<Diagnostic[]>;
}

function notAvailable(what: string, span: Span): Diagnostic {
  return error("not-available", `\`${what}\` is not available yet in this version of lvsh`, span, {
    hint: "lvsh plans but does not apply yet: see the plan with `show plan` or `lvsh --dry-run FILE`",
  });
}

function unavailable<K extends Kind>(word: string): SessionCommand<K> {
  return {
    check: (s) => [notAvailable(word, s.span)],
    run: async (s) => [notAvailable(word, s.span)],
  };
}

/** `show` topics this version can show; the others are declared by the grammar and refused here. */
const showTopics: Record<string, (session: Session) => Diagnostic[]> = {
  plan: (session) => {
    const { plan, diagnostics } = session.plan();
    if (plan) session.io.write(renderPlanText(plan) + "\n");
    return diagnostics;
  },
  candidate: (session) => {
    session.io.write(printConfig(session.candidate) || "# the candidate is empty\n");
    return [];
  },
};

export const sessionCommands: { [K in Kind]: SessionCommand<K> } = {
  show: {
    check: (s) => {
      const topic = s.topic?.value ?? "candidate";
      if (showTopics[topic]) return [];
      return [notAvailable(`show ${topic}`, s.topic?.span ?? s.span)];
    },
    run: async (s, session) => showTopics[s.topic?.value ?? "candidate"]!(session),
  },
  help: {
    check: (s) => {
      if (!s.topic) return [];
      const h = helpTopic(s.topic.value);
      return h.text ? [] : [error("unknown-topic", `no help on \`${s.topic.value}\``, s.topic.span, h.hint ? { hint: h.hint } : {})];
    },
    run: async (s, session) => {
      session.io.write((s.topic ? helpTopic(s.topic.value).text! : helpIndex()) + "\n");
      return [];
    },
  },
  commit: unavailable("commit"),
  confirm: unavailable("confirm"),
  rollback: unavailable("rollback"),
  abort: unavailable("abort"),
  save: unavailable("save"),
  load: unavailable("load"),
};
