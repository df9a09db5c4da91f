/**
 * The target a session works on: the simulated one or real hosts (chosen
 * by choose.ts), and the executor of each host, by its transport.
 */
export { chooseTarget, type TargetChoice } from "./choose.js";
export { makeExecutor, ExecutorPool, simMachine, controlDir, type ExecutorOptions } from "./factory.js";
export { Injector, parseFault, type Fault } from "./inject.js";
export { DelayedExecutor, parseDelay } from "./delay.js";
