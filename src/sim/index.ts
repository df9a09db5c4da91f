/**
 * The simulated target: a model of each host (its IPVS table, ARP rules,
 * addresses, links, sysctls, files and units) kept in the state directory,
 * on which the generated commands act as on a real kernel -- failing where
 * the real tools fail, with their messages, and printing their outputs.
 * An executor like the real transports (exec/types), not one of them.
 */
export { SimExecutor, simRun } from "./executor.js";
export { newSimHost, SIM_SCHEDULERS, type SimHost } from "./host.js";
export { setFlow, defaultFlow, destRates, settleTraffic, type SimFlow, type SimTraffic, type SimCounters } from "./traffic.js";
