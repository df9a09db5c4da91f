/**
 * The journal of a commit in progress, written before its first step. If
 * lvsh dies mid-commit, the journal says what may have run, so that `lvsh
 * recover` can undo it back to the state before -- or, when the commit's
 * revision was recorded (it names the journal's id), finish it.
 *
 * Order of a commit: journal written; steps (each round trip's ids appended
 * to the progress log before it runs); revision written (durably); journal
 * removed. There is no moment where a change is applied and neither the
 * journal nor the revision says so.
 */
import { appendFileSync, fsyncSync, openSync, closeSync, constants } from "node:fs";
import { randomBytes } from "node:crypto";
import type { State, TransportSpec } from "../model/index.js";
import type { Step } from "../plan/index.js";
import { point, readJson, readStateFile, removeFile, StateFileError, writeJsonAtomic } from "../util/index.js";

/** What the journal keeps of a step: enough to know what ran and to undo it. */
export type JournalStep = Pick<Step, "id" | "host" | "argv" | "undo" | "change">;

export interface Journal {
  readonly version: 1;
  /** Names this commit; its revision records it (`journal`). */
  readonly id: string;
  readonly pid: number;
  /** The machine lvsh ran on (its pid is meaningful there only). */
  readonly host?: string;
  readonly started: string;
  /** What the transaction is: "commit", "rollback to 3", "recover" ... */
  readonly what: string;
  readonly hosts: Readonly<Record<string, TransportSpec>>;
  /** The addresses in scope, to compare states. */
  readonly vips: readonly string[];
  readonly steps: readonly JournalStep[];
  /** Ids of the steps that may have run: set before a batch starts, so a crash inside it is covered. */
  readonly startedIds: readonly number[];
  /** The running state before the first step. */
  readonly before: State;
}

export function journalSteps(steps: readonly Step[]): JournalStep[] {
  return steps.map((s) => ({ id: s.id, host: s.host, argv: s.argv, undo: s.undo, change: s.change }));
}

export function newJournalId(): string {
  return randomBytes(8).toString("hex");
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function checkJournal(raw: unknown, path: string): Journal {
  const bad = (what: string) =>
    new StateFileError(path, `is not a journal lvsh wrote: ${what}`, "a commit was interrupted and its record is damaged: check every host with `show running`, fix by hand, then move the file away");
  if (!isRecord(raw)) throw bad("not a JSON object");
  if (raw.version !== 1) throw bad("unknown version");
  if (typeof raw.what !== "string" || typeof raw.started !== "string") throw bad("`what` or `started` is missing");
  if (!isRecord(raw.hosts) || !Array.isArray(raw.vips) || !Array.isArray(raw.steps) || !Array.isArray(raw.startedIds)) throw bad("a part is missing");
  if (!isRecord(raw.before) || !isRecord(raw.before.hosts)) throw bad("`before` is missing");
  for (const s of raw.steps as unknown[]) {
    if (!isRecord(s) || typeof s.id !== "number" || typeof s.host !== "string" || !Array.isArray(s.argv)) throw bad("a step is damaged");
  }
  // journals of lvsh 0.1 have no id: they never finish, they are undone
  return { ...(raw as unknown as Journal), id: typeof raw.id === "string" ? raw.id : "" };
}

/**
 * The journal is two files: the transaction (steps, state before) written
 * once, and an append-only progress log of the step ids each round trip is
 * about to run — so that 10,000 steps do not rewrite megabytes per batch.
 */
export class JournalFile {
  constructor(private readonly path: string) {}

  private get progressPath(): string {
    return `${this.path}.progress`;
  }

  get file(): string {
    return this.path;
  }

  read(): Journal | undefined {
    const raw = readJson<unknown>(this.path);
    if (raw === undefined) return undefined;
    const j = checkJournal(raw, this.path);
    const progress = readStateFile(this.progressPath) ?? "";
    const lines = progress.split("\n").filter(Boolean);
    // the last line may be cut short by a crash while it was appended: that round trip never started
    const ids = lines.flatMap((l, i) => {
      const parts = l.split(",");
      if (parts.every((p) => /^\d+$/.test(p))) return parts.map(Number);
      if (i === lines.length - 1 && !progress.endsWith("\n")) return [];
      throw new StateFileError(this.progressPath, `line ${i + 1} is not a list of step ids`, "a commit was interrupted and its record is damaged");
    });
    return { ...j, startedIds: [...j.startedIds, ...ids] };
  }

  write(j: Journal): void {
    removeFile(this.progressPath);
    // on one line: lvsh's own record, and megabytes indented for 10,000 steps
    writeJsonAtomic(this.path, j, "journal", true);
  }

  /** Records, durably, before they run, the ids of a round trip's steps. */
  starting(ids: readonly number[]): void {
    const fd = openSync(this.progressPath, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    try {
      appendFileSync(fd, ids.join(",") + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    point("journal:progress");
  }

  remove(): void {
    removeFile(this.progressPath);
    removeFile(this.path, "journal");
  }
}
