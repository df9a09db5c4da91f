/** `--format json`: the configuration (the model) as JSON, without source positions. */
import type { Config } from "../model/index.js";

function plain(v: unknown): unknown {
  if (v instanceof Map) return [...v.values()].map(plain);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "span").map(([k, x]) => [k, plain(x)]));
  return v;
}

export function configJson(config: Config): string {
  return JSON.stringify({ vips: plain(config.vips), services: plain(config.services), hosts: plain(config.hosts) }, null, 2) + "\n";
}
