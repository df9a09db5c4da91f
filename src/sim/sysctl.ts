/** `sysctl` on a simulated host: read `key = value`, write `-w key=value`. */
import type { SimHost } from "./host.js";
import { out, type SimOut } from "./out.js";

const notFound = (key: string) => `sysctl: cannot stat /proc/sys/${key.replace(/\./g, "/")}: No such file or directory\n`;

export function simSysctl(h: SimHost, args: readonly string[]): SimOut {
  // `-r PATTERN` (procps' --pattern) takes a value
  const r = args.indexOf("-r");
  const pattern = r >= 0 ? args[r + 1] : undefined;
  const rest = r >= 0 ? [...args.slice(0, r), ...args.slice(r + 2)] : args;
  const flags = new Set(rest.filter((a) => /^-[a-zA-Z]+$/.test(a)).flatMap((a) => [...a.slice(1)]));
  let re: RegExp;
  try {
    re = new RegExp(pattern ?? "");
  } catch {
    return out(255, "", `sysctl: invalid pattern "${pattern}"\n`);
  }
  if (flags.has("a")) {
    const keys = Object.keys(h.sysctls).filter((k) => re.test(k)).sort();
    return out(0, keys.map((k) => (flags.has("n") ? `${h.sysctls[k]}\n` : `${k} = ${h.sysctls[k]}\n`)).join(""), "");
  }
  const items = rest.filter((a) => !/^-[a-zA-Z]+$/.test(a));
  let stdout = "";
  let stderr = "";
  let code = 0;
  let changed = false;
  for (const item of items) {
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    // a subtree (`sysctl net.ipv4.conf`): every key under it, as the pattern lets through
    const under = eq < 0 && !(key in h.sysctls) ? Object.keys(h.sysctls).filter((k) => k.startsWith(`${key}.`)).sort() : [];
    if (under.length) {
      for (const k of under) if (re.test(k)) stdout += flags.has("n") ? `${h.sysctls[k]}\n` : `${k} = ${h.sysctls[k]}\n`;
      continue;
    }
    if (eq < 0 && pattern !== undefined && key in h.sysctls && !re.test(key)) continue;
    if (!(key in h.sysctls)) {
      if (!flags.has("e")) {
        stderr += notFound(key);
        code = 255;
      }
      continue;
    }
    if (eq >= 0) {
      h.sysctls[key] = item.slice(eq + 1).trim();
      changed = true;
      if (!flags.has("q")) stdout += `${key} = ${h.sysctls[key]}\n`;
    } else stdout += flags.has("n") ? `${h.sysctls[key]}\n` : `${key} = ${h.sysctls[key]}\n`;
  }
  return out(code, stdout, stderr, changed);
}
