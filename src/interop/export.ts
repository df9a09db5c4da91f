/** `lvsh export --format F`: a configuration as documents in the format asked for. */
import type { Config } from "../model/index.js";
import { arptablesDocs } from "./arptables.js";
import type { Document } from "./document.js";
import { ipvsadmRules } from "./ipvsadm.js";
import { configJson } from "./json.js";
import { keepalivedDocs } from "./keepalived-export.js";
import { shellDocs } from "./shell.js";

import type { ExportFormat } from "./formats.js";
export type { ExportFormat } from "./formats.js";

export interface Exported {
  readonly docs: readonly Document[];
  /** What the format cannot carry, or what to do besides. */
  readonly notes: readonly string[];
}

/** `source` names where the configuration comes from (`revision 3`, `seed.lvsh`), for the documents' headers. */
export function exportConfig(config: Config, format: ExportFormat, source: string): Exported {
  switch (format) {
    case "ipvsadm":
      return { docs: [{ name: "ipvsadm.rules", host: "director", text: ipvsadmRules(config) }], notes: [] };
    case "arptables":
      return arptablesDocs(config, source);
    case "sh":
      return { docs: shellDocs(config, source), notes: [] };
    case "keepalived":
      return keepalivedDocs(config, source);
    case "json":
      return { docs: [{ name: "lvsh.json", text: configJson(config) }], notes: [] };
  }
}
