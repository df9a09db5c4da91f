/**
 * `lvsh recover`: after lvsh died mid-commit (the journal is still there).
 * When the commit's revision was recorded (it names the journal), the
 * commit is complete: only the journal is left to remove. Otherwise every
 * host goes back to the state before that commit: the journal says which
 * steps may have run, the state before is in it too, so the way back is
 * planned from what is there now, through the diff.
 */
import { makePlan } from "../plan/index.js";
import type { Site } from "./site.js";
import { JournalFile, newJournalId, type Journal } from "./journal.js";
import { acquireLock, describeHolder } from "./lock.js";
import { leftoverTemps, type Revision } from "./revisions.js";
import { statSync } from "node:fs";
import { join } from "node:path";
import { removeFile } from "../util/index.js";
import { only, runTransaction, type TxnResult } from "./transaction.js";

export type RecoverReport =
  | { readonly kind: "clean" }
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "finished"; readonly journal: Journal; readonly revision: Revision }
  | { readonly kind: "recovered"; readonly journal: Journal; readonly steps: number; readonly txn: TxnResult };

/** lvsh's temporary files a crash left in the state directory (older than a few seconds: not a write going on now). */
function removeLeftovers(site: Site): void {
  for (const dir of [site.paths.revisions, site.paths.target]) {
    for (const f of leftoverTemps(dir)) {
      const path = join(dir, f);
      try {
        if (Date.now() - statSync(path).mtimeMs > 10_000) removeFile(path);
      } catch {
        /* gone meanwhile */
      }
    }
  }
}

export async function recover(site: Site): Promise<RecoverReport> {
  const lock = await acquireLock(site.paths.lock, "recover", { waitMs: 30_000 });
  if (!lock.ok) return { kind: "refused", reason: `another lvsh is committing: ${describeHolder(lock.holder)}` };
  try {
    removeLeftovers(site);
    const file = new JournalFile(site.paths.journal);
    const journal = file.read();
    if (!journal) return { kind: "clean" };
    // killed after its revision was recorded: the commit is complete
    const latest = site.latest();
    if (journal.id && latest?.journal === journal.id) {
      file.remove();
      return { kind: "finished", journal, revision: latest };
    }
    const transports = new Map(Object.entries(journal.hosts));
    const view = site.hosts([{ state: journal.before, origins: new Map(), hosts: transports }]);
    const specs = view.specs.filter((s) => transports.has(s.host) || s.host === "director");
    const read = await site.read({ transports, specs });
    if (read.errors.length) return { kind: "refused", reason: read.errors.map((e) => `${e.host}: \`${e.command}\` failed: ${e.message}`).join("; ") };
    // the state before, on the hosts the interrupted commit touched (the others it never changed)
    const desired = { state: only(journal.before, specs.map((s) => s.host)), origins: new Map(), hosts: transports };
    const plan = makePlan(read.state, desired, { vips: journal.vips, hosts: transports });
    // the original journal stays until the way back has worked: a recover that dies is run again
    const txn = await runTransaction(plan, read.state, desired, `recover: undo the interrupted ${journal.what}`, {
      executor: (h) => site.executor(h),
      read: async (hosts) => (await site.read({ transports, specs: specs.filter((s) => hosts.includes(s.host)) })).state,
      journal: new JournalFile(`${site.paths.journal}.recover`),
      parallel: site.parallel,
    }, { id: newJournalId() });
    if (txn.ok) file.remove();
    return { kind: "recovered", journal, steps: plan.steps.length, txn };
  } finally {
    lock.release();
  }
}
