/**
 * Interop and persistence: import of running balancers and of ipvsadm,
 * arptables-save and keepalived.conf files; export to ipvsadm, arptables,
 * sh, keepalived and json; `save` across reboots. Between txn (it reads and
 * writes through the target's executors) and session.
 */
export { detectFormat, type FileFormat } from "./detect.js";
export { importFiles, importState, importScript, hostDefsOf, type ImportResult, type SourceFile } from "./import.js";
export { describeNote, noteComment, type Note } from "./gather.js";
export { exportConfig, type ExportFormat, type Exported } from "./export.js";
export { formats, exportFormats, saveFormats, type Format, type SaveFormat } from "./formats.js";
export { concatDocuments, type Document } from "./document.js";
export { ipvsadmRules, ipvsadmRuleLines } from "./ipvsadm.js";
export { keepalivedDocs } from "./keepalived-export.js";
export { parseKeepalivedConf, type KaNode } from "./keepalived-conf.js";
export { savePlan, ETC, type SavePlan, type SaveFile, type SaveOptions } from "./persist.js";
export { saveCommitted, writeSavePlan, type SaveRequest } from "./save.js";
export { directorUnit, realServerUnit, systemdSplit, systemdWord, DIRECTOR_UNIT, RS_UNIT } from "./units.js";
