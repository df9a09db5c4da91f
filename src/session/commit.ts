/** `commit` in a session: the transaction, and its outcome in the user's words. */
import { error, hasErrors, warning, printDuration, type CommitStmt, type Diagnostic } from "../lang/index.js";
import { commandText, stepsLine, summaryLine, type Plan } from "../plan/index.js";
import { commit, confirmPending, type HostsProgress, destConns, overdueConfirm, readPending, revisionName, startTimer, type CommitReport, type Site, type TxnResult } from "../txn/index.js";
import type { Session } from "./session.js";
import { keepalivedNote } from "./show.js";
import { counted } from "../util/index.js";
import { say } from "./say.js";

function failure(s: CommitStmt, txn: TxnResult): Diagnostic[] {
  const out: Diagnostic[] = [];
  const f = txn.failed;
  if (f) {
    const stderr = f.result.stderr.trim() || f.result.stdout.trim() || `exit status ${f.result.exitCode}`;
    // a readiness check says what it found (its argv is only the shell's version of it)
    const what = f.step.ready ? "" : `\`${commandText(f.step.argv)}\`: `;
    out.push(
      error("commit-failed", `commit failed at step ${f.step.id} on ${f.step.host}: ${what}${stderr}`, s.span, {
        ...(f.step.span ? { related: [{ span: f.step.span, label: `step ${f.step.id} comes from here` }] } : {}),
      }),
    );
  } else if (txn.recordFailed !== undefined) {
    out.push(error("commit-failed", `commit failed: every host held the candidate, but the revision could not be recorded (${txn.recordFailed}); a change nobody recorded must not stay`, s.span));
  } else if (txn.journalFailed !== undefined) {
    out.push(error("commit-failed", `commit failed before its first step: the journal could not be written (${txn.journalFailed}); nothing was applied`, s.span));
  } else {
    out.push(error("commit-failed", `commit failed: after the steps ran, the hosts do not hold the candidate:\n  ${(txn.verifyMismatches ?? []).join("\n  ")}`, s.span));
  }
  const rb = txn.rollback;
  if (rb?.ok) {
    out.push({
      severity: "info",
      code: "commit-failed",
      message: `rolled back: ${counted(rb.undone, "step")} undone; every host holds what it held before the commit (re-read and compared)`,
    });
  } else if (rb) {
    const why = [...rb.undoFailures.map((u) => `undo of step ${u.step.id} on ${u.step.host} failed: ${u.result.stderr.trim()}`), ...rb.mismatches.map((m) => `still differs: ${m}`)];
    out.push(error("rollback-incomplete", `the rollback could not bring every host back:\n  ${why.join("\n  ")}`, s.span, { hint: "run `lvsh recover`, then compare with `show running`" }));
  }
  return out;
}

/** A commit's outcome as diagnostics and output (exported for tests). */
export function report(s: CommitStmt, r: CommitReport, session: Pick<Session, "io" | "planText"> & { declined?: boolean }): Diagnostic[] {
  switch (r.kind) {
    case "refused":
      if (r.detail) session.io.write(r.detail + "\n");
      if (r.declined) {
        session.declined = true;
        // the person said no: not a failure, nothing to point at
        say(session.io, `${r.reason}.`);
        return [];
      }
      return [error("commit-refused", r.reason, s.span)];
    case "conflict":
      return [
        error(
          "commit-conflict",
          `not committed: ${r.revision ? `${revisionName(r.revision)} was committed since this session started, and your edits do not apply to it as staged` : "the running director changed since this session read it, and your edits do not apply to it as staged"}:\n  ${r.conflicts.join("\n  ")}`,
          s.span,
          { hint: "`abort` starts again from the running configuration (your edits are dropped); `show diff` compares" },
        ),
      ];
    case "precheck":
      return [error("precheck-failed", "commit stopped before its first step; nothing was applied", s.span), ...r.problems];
    case "nothing":
      say(session.io, "No changes: the running state already matches the candidate; nothing to commit.");
      return [];
    case "checked":
      session.io.write(session.planText(r.plan) + "\ncommit check: every host is readable and the plan can run; nothing was applied.\n");
      return [];
    case "committed":
      say(session.io, `commit complete: revision ${r.revision.number}, ${stepsLine(r.plan)} (${summaryLine(r.plan).replace(/^Plan: |\.$/g, "")}).`);
      return [];
    case "failed":
      return failure(s, r.txn);
  }
}

/**
 * A drain's progress: on a terminal one line redrawn in place; in a script
 * plain lines, one every 5 seconds at most (and each outcome).
 */
function drainProgress(session: Session): (text: string, line: boolean) => void {
  const tty = session.io.columns !== undefined;
  let lastLine = 0;
  return (text, line) => {
    if (tty) {
      const width = (session.io.columns ?? 80) - 1;
      session.io.write(`\r\x1b[K${text.length > width ? text.slice(0, width) : text}${line ? "\n" : ""}`);
      return;
    }
    const now = Date.now();
    if (!line && now - lastLine < 5000) return;
    lastLine = now;
    session.io.write(`${text}\n`);
  };
}

/** A phase over fewer hosts than this goes by without a progress bar. */
export const PROGRESS_HOSTS = 5;

/**
 * A phase over many hosts: on a terminal a bar redrawn in place (hosts
 * done / total, the phase, failures), left on screen when the phase ends;
 * in a script plain lines: the start, one every 5 seconds at most, the end.
 */
export function hostsProgress(io: { write(text: string): void; readonly columns?: number | undefined }, now: () => number = Date.now): (p: HostsProgress) => void {
  const tty = io.columns !== undefined;
  let last = 0;
  // when the phase began: a script's log says how long each took
  let phase: string | undefined;
  let began = 0;
  return (p) => {
    if (p.total < PROGRESS_HOSTS) return;
    if (p.phase !== phase) {
      phase = p.phase;
      began = now();
    }
    const end = p.final === true;
    const failed = p.failed ? `, ${p.failed} failed` : "";
    if (tty) {
      const width = Math.max(20, (io.columns ?? 80) - 1);
      const tail = ` ${p.done}/${p.total} hosts${failed} · ${p.phase}`;
      // the bar keeps its width from frame to frame: room for the longest tail this phase can have
      const longest = ` ${p.total}/${p.total} hosts, ${p.total} failed · ${p.phase}`;
      const barWidth = Math.max(10, Math.min(30, width - longest.length - 2));
      const filled = Math.round((barWidth * p.done) / p.total);
      const line = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}]${tail}`;
      io.write(`\r\x1b[K${line.length > width ? line.slice(0, width) : line}${end ? "\n" : ""}`);
      return;
    }
    const t = now();
    if (!end && p.done > 0 && t - last < 5000) return;
    if (end && p.done === 0) return; // stopped before any host ran: the failure says it
    last = t;
    io.write(`${p.phase}: ${p.done}/${p.total} hosts done${failed} (${((t - began) / 1000).toFixed(1)} s)\n`);
  };
}

/**
 * Real servers a plan deletes without draining them, that the director
 * still sends connections to: said before the question, with the drain
 * that would wait for them (`del rs` cuts what they hold).
 */
export async function cutConnections(plan: Plan, site: Site): Promise<string | undefined> {
  const drained = new Set(plan.steps.filter((s) => s.wait).map((s) => s.change));
  const deletes = plan.steps.filter((s) => s.argv[0] === "ipvsadm" && s.argv[1] === "-d" && !drained.has(s.change));
  if (!deletes.length) return undefined;
  const byHost = new Map<string, string>();
  const lines: string[] = [];
  for (const d of deletes) {
    if (!byHost.has(d.host)) {
      const r = await site.executor(d.host).run(["ipvsadm", "-Ln"]);
      byHost.set(d.host, r.exitCode === 0 ? r.stdout : "");
    }
    const dest = d.argv[d.argv.indexOf("-r") + 1]!;
    const c = destConns(byHost.get(d.host)!, dest);
    const el = plan.changes.find((x) => x.key === d.change)?.before;
    if (c && c.active > 0 && el?.kind === "dest") {
      const addr = el.value.addr;
      lines.push(`warning: deleting ${dest} cuts its ${counted(c.active, "active connection")}; \`drain rs ${addr}\` waits for them to end first`);
    }
  }
  return lines.length ? lines.join("\n") + "\n" : undefined;
}

export async function runCommit(s: CommitStmt, session: Session): Promise<Diagnostic[]> {
  const site = session.site;
  const errors = session.validateCandidate(session.candidate);
  if (hasErrors(errors)) return errors;
  if (!site) return [error("not-available", "`commit` needs a target", s.span)];
  if (session.opts.dryRun && !s.check) {
    return [{ severity: "info", code: "dry-run", message: "dry run: commit not carried out; the plan follows", span: s.span }];
  }
  session.commits++;
  // a commit confirmed past its deadline is reverted before this commit (which would otherwise confirm it)
  await overdueConfirm(site, (t) => session.io.write(t));
  const previousHosts = Object.fromEntries(site.hosts([]).transports);
  // what only keepalived acts on, said with the plan (before the commit makes it the running configuration)
  const kaNote = keepalivedNote(session);
  // warnings during the commit go with the diagnostics (stderr), not with the report
  const forced: Diagnostic[] = [];
  const r = await commit(
    site,
    { candidate: session.candidate, base: session.base, rebase: (onto) => session.rebaseOnto(onto), assumed: session.running },
    {
      say: (t) => session.io.write(t),
      warn: (t) => void forced.push(warning("rs-not-ready", t, s.span)),
      progress: drainProgress(session),
      hosts: hostsProgress(session.io),
      inspect: cutConnections,
      ...(session.opts.lockWaitMs !== undefined ? { lockWaitMs: session.opts.lockWaitMs } : {}),
      ...(s.comment ? { comment: s.comment.value } : {}),
      force: !!s.force,
      check: !!s.check,
      yes: !!session.opts.yes,
      ...(session.opts.ask ? { ask: session.opts.ask, preview: (plan) => session.planText(plan) + (kaNote ? `\n${kaNote.trimEnd()}` : "") } : {}),
      ...(s.directorOnly ? { only: "director" } : {}),
      ...(s.confirmed ? {} : { confirmsPending: true }),
    },
  );
  const ds = [...forced, ...report(s, r, session)];
  if (r.kind === "committed" && kaNote && (session.opts.yes || !session.opts.ask)) session.io.write(kaNote.replace(/^\n/, ""));
  if ("rebased" in r && r.rebased) {
    ds.unshift({ severity: "info", code: "commit-rebased", message: `re-based your edits on ${r.rebased.what}, committed since this session started`, span: s.span });
  }
  if (r.kind === "committed") {
    session.committed(r.revision, r.candidate);
    session.adoptCommitted(r.revision.snapshot);
    if (s.confirmed) {
      const secs = s.confirmed.value ?? 600;
      const pending = readPending(site);
      const deadline = new Date(Date.now() + secs * 1000);
      startTimer(
        site,
        {
          revision: r.revision.number,
          deadline: deadline.toISOString(),
          previousConfig: pending?.previousConfig ?? r.replaced,
          previousHosts: pending?.previousHosts ?? previousHosts,
          ...(pending?.timerPid ? { timerPid: pending.timerPid } : {}),
          ...(pending?.timerUnit ? { timerUnit: pending.timerUnit } : {}),
        },
        session.opts.lvshCommand ?? [process.execPath, process.argv[1]!],
      );
      say(session.io, `commit confirmed: revision ${r.revision.number} is rolled back at ${deadline.toISOString()} (in ${printDuration(secs)}) unless you \`confirm\` or \`commit\` before.`);
    } else if (r.confirmed !== undefined) {
      say(session.io, `(this also confirms commit ${r.confirmed}, which was waiting for confirmation)`);
    }
  } else if (r.kind === "nothing" && !s.confirmed) {
    const c = await confirmPending(site);
    if (c.kind === "confirmed") say(session.io, `commit ${c.pending.revision} confirmed: it stays.`);
  }
  return ds;
}
