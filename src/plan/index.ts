export * from "./types.js";
export { makePlan, type PlanOptions } from "./plan.js";
export { diff, sameDest, sameService, type DiffScope } from "./diff.js";
export { PHASES, phaseOf, type Phase } from "./phases.js";
export { commandsFor, serviceSpecArgs, destSpecArgs } from "./commands.js";
export { renderPlanText, renderPlanShell, planToJson, stepsLine, summaryLine, type PlanJson, type PlanTextOptions } from "./render.js";
export { fingerprint } from "./fingerprint.js";
export { preflight } from "./preflight.js";
export { describeElement, elementText } from "./describe.js";
