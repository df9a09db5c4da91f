/** A short, stable digest of a state: equal states, equal fingerprints. */
import { createHash } from "node:crypto";
import type { State } from "../model/index.js";

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export function fingerprint(state: State): string {
  return createHash("sha256").update(canonical(state)).digest("hex").slice(0, 16);
}
