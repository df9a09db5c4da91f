export { stateDirFrom, statePaths, ensureDirs, type StatePaths } from "./statedir.js";
export { acquireLock, currentUser, describeHolder, type LockHolder, type LockResult } from "./lock.js";
export { JournalFile, type Journal } from "./journal.js";
export { checkChain, latestRevision, pruneRevisions, readRevision, revisionFile, revisionNumbers, strayFiles, leftoverTemps, writeRevision, type Revision } from "./revisions.js";
export { applySteps, batches, roundTrips, stages, changeHolds, destConns, undoSteps, DEFAULT_PARALLEL, type ApplyEnv, type ApplyOutcome, type Failure, type HostsProgress, type Stage } from "./apply.js";
export { readSettings, parallelValue, revisionsValue, MAX_PARALLEL, MIN_REVISIONS, type Settings } from "./settings.js";
export { runTransaction, rollBack, type TxnEnv, type TxnResult, type Rollback } from "./transaction.js";
export { Site, configOf, type SiteOptions, type HostsView } from "./site.js";
export { commit, managed, revisionName, type CommitOptions, type CommitReport, type CommitInput, type CommitBase, type RebaseTarget, type Rebased, type RebaseNote } from "./commit.js";
export { recover, type RecoverReport } from "./recover.js";
export { withRestores, nextRestores, type Restores, type HostRestore } from "./restore.js";
export {
  readPending,
  writePending,
  clearPending,
  confirmPending,
  startTimer,
  runTimer,
  revertPending,
  overdueConfirm,
  OVERDUE_GRACE_MS,
  type PendingConfirm,
  type RevertOutcome,
  type ConfirmOutcome,
} from "./confirm.js";
