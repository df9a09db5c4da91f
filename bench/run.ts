/** `npm run bench`: performance figures, printed (never asserted in tests). */
import { fileURLToPath } from "node:url";
import { benchCliDryRun, benchLanguage } from "./lang.js";
import { benchCommit, benchDoctor, benchFleet } from "./txn.js";
import { benchCompleteProcess, benchTab } from "./complete.js";

const log = (line: string) => console.log(line);
console.log(`lvsh bench on node ${process.version}, ${new Date().toISOString()}`);
benchLanguage(log);
// what a user runs: the launcher (dist/lvsh), which starts lvsh from its startup snapshot
benchCliDryRun(log, fileURLToPath(new URL("./lvsh", import.meta.url)));
await benchCommit(log);
await benchDoctor(log);
await benchFleet(log);
benchTab(log);
benchCompleteProcess(log, fileURLToPath(new URL("./lvsh", import.meta.url)));
