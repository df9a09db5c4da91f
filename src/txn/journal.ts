/**
 * The journal of a commit in progress, written before each batch of steps
 * runs. If lvsh dies mid-commit, the journal says what ran, so that
 * `lvsh recover` can undo it back to the pre-commit state.
 */
import { unlinkSync } from "node:fs";
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

export class JournalFile {
  constructor(private readonly path: string) {}

  read(): Journal | undefined {
    return readJson<Journal>(this.path);
  }

  write(j: Journal): void {
    writeJsonAtomic(this.path, j);
  }

  remove(): void {
    try {
      unlinkSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}
