export { stateDamaged } from "./damaged.js";
export { Session, type SourceOptions, type RunOutcome, type SessionState } from "./session.js";
export { sessionCommands, type SessionIO } from "./commands.js";
export { openSession, openSite, installPointFaults, lockWait, type Opened, type OpenOptions } from "./open.js";
export { processIO, type FrontIO } from "./io.js";
export { hostsProgress, PROGRESS_HOSTS } from "./commit.js";
export { runWatch, watchService, DEFAULT_INTERVAL_S, type WatchOptions } from "./watch.js";
