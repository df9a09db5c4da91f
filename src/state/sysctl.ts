/**
 * `sysctl KEY...` output (`key = value`) <-> values. A key sysctl could not
 * read prints an error instead of a `key = value` line, so it is absent
 * from the result: absent means "not read" (HostState.sysctls).
 */

/** `key = value` lines (also `key=value`, extra spaces); `#`/`;` comments and other lines are skipped. */
export function parseSysctl(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const t = raw.trim();
    if (t === "" || t.startsWith("#") || t.startsWith(";")) continue;
    const eq = t.indexOf("=");
    if (eq <= 0) continue;
    const key = t.slice(0, eq).trim();
    if (/\s/.test(key)) continue;
    out[key] = t.slice(eq + 1).trim();
  }
  return out;
}

/** What `sysctl KEY...` prints for these values, in the order given. */
export function formatSysctl(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} = ${v}\n`)
    .join("");
}
