/** `--format json`: the configuration (the model) as JSON, without source positions. */
import type { Config } from "../model/index.js";

function plain(v: unknown): unknown {
  if (v instanceof Map) return [...v.values()].map(plain);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "span").map(([k, x]) => [k, plain(x)]));
  return v;
}

export function configJson(config: Config): string {
  // the engine and the sync daemon only when set (`engine lvsh`, no sync: as before)
  const extra = { ...(config.engine ? { engine: plain(config.engine) } : {}), ...(config.sync ? { sync: plain(config.sync) } : {}) };
  return JSON.stringify({ vips: plain(config.vips), services: plain(config.services), hosts: plain(config.hosts), ...extra }, null, 2) + "\n";
}
