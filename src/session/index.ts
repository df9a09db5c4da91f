export { Session, stateDamaged, type RunOptions, type RunOutcome, type SessionState } from "./session.js";
export { sessionCommands, type SessionIO } from "./commands.js";
