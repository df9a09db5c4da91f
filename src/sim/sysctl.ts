/** `sysctl` on a simulated host: read `key = value`, write `-w key=value`. */
import type { SimHost } from "./host.js";
import { out, type SimOut } from "./out.js";

const notFound = (key: string) => `sysctl: cannot stat /proc/sys/${key.replace(/\./g, "/")}: No such file or directory\n`;

export function simSysctl(h: SimHost, args: readonly string[]): SimOut {
  const flags = new Set(args.filter((a) => /^-[a-zA-Z]+$/.test(a)).flatMap((a) => [...a.slice(1)]));
  const items = args.filter((a) => !/^-[a-zA-Z]+$/.test(a));
  let stdout = "";
  let stderr = "";
  let code = 0;
  let changed = false;
  for (const item of items) {
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
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
