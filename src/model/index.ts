export * from "./types.js";
export { evaluate, type EvalResult } from "./evaluate.js";
export { validate } from "./validate.js";
export { compile, ARP_SYSCTLS, TUN_DEV, type Desired } from "./compile.js";
export { printConfig } from "./print.js";
export { serviceMethod } from "./validate-ha.js";
export { serviceKeyOf, destKeyOf, serviceArgs, arpRuleArgs, elementKey, confKey } from "./keys.js";
export { directorHost, realServerHost, transportSpec, describeTransport, type HostRef } from "./hosts.js";
export { liftState, RUNNING_SPAN, type LiftOptions } from "./lift.js";
