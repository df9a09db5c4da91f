/**
 * The journal of a commit in progress, written before each batch of steps
 * runs. If lvsh dies mid-commit, the journal says what ran, so that
 * `lvsh recover` can undo it back to the pre-commit state.
 */
import { appendFileSync, readFileSync, unlinkSync } from "node:fs";
import type { State, TransportSpec } from "../model/index.js";
import type { Step } from "../plan/index.js";
import { readJson, writeJsonAtomic } from "../exec/index.js";

export interface JournalStep {
  readonly id: number;
  readonly host: string;
  readonly argv: readonly string[];
  readonly undo: readonly string[] | null;
  readonly change: string;
}

export interface Journal {
  readonly version: 1;
  readonly pid: number;
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

/**
 * The journal is two files: the transaction (steps, state before) written
 * once, and an append-only progress log of the step ids each batch is about
 * to run — so that 10,000 steps do not rewrite megabytes per batch.
 */
export class JournalFile {
  constructor(private readonly path: string) {}

  private get progressPath(): string {
    return `${this.path}.progress`;
  }

  read(): Journal | undefined {
    const j = readJson<Journal>(this.path);
    if (!j) return undefined;
    let progress = "";
    try {
      progress = readFileSync(this.progressPath, "utf8");
    } catch {
      /* no batch started */
    }
    const ids = progress.split("\n").filter(Boolean).flatMap((l) => l.split(",").map(Number));
    return { ...j, startedIds: [...j.startedIds, ...ids] };
  }

  write(j: Journal): void {
    this.removeProgress();
    writeJsonAtomic(this.path, j);
  }

  /** Records, before they run, the ids of a batch of steps. */
  starting(ids: readonly number[]): void {
    appendFileSync(this.progressPath, ids.join(",") + "\n", { mode: 0o600 });
  }

  private removeProgress(): void {
    try {
      unlinkSync(this.progressPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }

  remove(): void {
    this.removeProgress();
    try {
      unlinkSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}
