/**
 * Readers of the running state: pure parsers of what `ipvsadm`,
 * `arptables-save`, `ip -j` and `sysctl` print, into the shared State types,
 * and formatters that print a State back in the same formats (for the
 * simulated executor). Fetching the text (fetch.ts) is the only I/O here.
 */
export type { StateProblem } from "./problem.js";
export { parseIpvsadmSave, parseIpvsadmLines, formatIpvsadmSave, formatIpvsadmSaveLines, ExpectedTable, type IpvsadmSave } from "./ipvsadm.js";
export { ipvsadmOptions, splitArgs, expandShortOptions, ipvsadmCommandOf, type IpvsadmCommand, type OptSpec, type LineArgs, type GivenOpt } from "./ipvsadm-args.js";
export { readTableLine, type TableLine, type ServiceId, type ServiceAttrs } from "./ipvsadm-line.js";
export {
  parseIpvsadmList,
  parseIpvsadmThresholds,
  parseIpvsadmStats,
  parseIpvsadmRate,
  parseLargeNum,
  withThresholds,
  listingKey,
  type IpvsListing,
  type IpvsStats,
  type IpvsRate,
  type DestCounters,
  type ListedService,
  type Thresholds,
} from "./ipvsadm-list.js";
export { servicePorts, portNumber } from "./ports.js";
export { canonicalSchedFlags } from "./sched-flags.js";
export { parseArptablesSave, parseArptablesRule, formatArptablesSave, formatArpRuleLine, ARPTABLES_NFT_EPOCH, type ArptablesBuild, type ArptablesSave } from "./arptables.js";
export { parseIpAddrJson, parseIpLinkJson, formatIpAddrJson, formatIpLinkJson, formatAddrLine, type IpLink, type IpLinkSpec, type IpAddrLinkSpec } from "./ip.js";
export { parseSysctl, formatSysctl } from "./sysctl.js";
/* Written alongside by the simulator/transaction work, exported here because their users import the index. */
export { formatIpvsadmList, formatLargeNum, type ListMode, type ListFigures, type ListOptions } from "./ipvsadm-list-format.js";
export { readHost, readState, unreadable, type HostReadSpec, type HostRead, type ReadError, type StateRead } from "./fetch.js";
export { parseSsListen, listensOn, type Listener, type SsListen } from "./ss.js";
export { parseIpRouteJson, type Route } from "./route.js";
export { parseArping, type ArpAnswer } from "./arping.js";
export { factCommands, parseFacts, factPart, skippedBy, resultOf, FACT_SYSCTLS, type FactsSpec } from "./facts.js";
