/** Leaf helpers every layer may use: POSIX shell quoting, lvsh's own state files. */
export { shellQuote, shellJoin } from "./quote.js";
export { readJson, readStateFile, writeJsonAtomic, writeFileAtomic, removeFile, point, setPointHook, StateFileError, type WriteOptions } from "./files.js";
export { counted } from "./words.js";
export { columns, wrapText } from "./wrap.js";
export { alive, nowMs } from "./process.js";
export { writeNow } from "./out.js";
