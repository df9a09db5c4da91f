export * from "./types.js";
export { runLocal, localExecutor, netnsExecutor, PrefixExecutor } from "./local.js";
export { SshExecutor, sshArgv } from "./ssh.js";
export { DryRunExecutor } from "./dry-run.js";
export { batchScript, splitBatch, runBatched } from "./batch.js";
