export * from "./types.js";
export { runLocal, localExecutor, netnsExecutor, PrefixExecutor } from "./local.js";
export { SshExecutor, sshArgv } from "./ssh.js";
export { DryRunExecutor } from "./dry-run.js";
export { SimExecutor, simRun } from "./sim/executor.js";
export { newSimHost, SIM_SCHEDULERS, type SimHost } from "./sim/host.js";
export { makeExecutor, ExecutorPool, type ExecutorOptions } from "./factory.js";
export { batchScript, splitBatch, runBatched } from "./batch.js";
export { readJson, readStateFile, writeJsonAtomic, writeFileAtomic, removeFile, point, setPointHook, StateFileError, type WriteOptions } from "./files.js";
