/**
 * The few file and service commands lvsh's `save` runs on a host, on a
 * simulated host: `mkdir -p`, `tee FILE` (stdin to the file), `mv -f`,
 * `cp -p`, `rm -f`, `test -e`, `cat`, and `systemctl
 * enable|disable|is-enabled|daemon-reload`. Files live in the host's
 * `files` (a file where a directory of a path should be makes writes there
 * fail, as for real); enabled units in `units`. Messages are coreutils' and
 * systemctl's.
 */
import type { SimHost } from "./host.js";
import { out, type SimOut } from "./out.js";

const operands = (args: readonly string[]) => args.filter((a) => !a.startsWith("-"));

function files(h: SimHost): Record<string, string> {
  h.files ??= {};
  return h.files;
}

const noFile = (cmd: string, path: string) => `${cmd}: ${path}: No such file or directory\n`;

/** A file standing where a directory of `path` should be, if any. */
function blocking(h: SimHost, path: string): string | undefined {
  const parts = path.split("/");
  for (let i = 2; i < parts.length; i++) {
    const dir = parts.slice(0, i).join("/");
    if (dir in files(h)) return dir;
  }
  return undefined;
}

export function simFileCommand(h: SimHost, cmd: string, args: readonly string[], stdin: string | undefined): SimOut {
  const paths = operands(args);
  switch (cmd) {
    case "mkdir": {
      if (!paths.length) return out(1, "", "mkdir: missing operand\n");
      const bad = paths.map((p) => (p in files(h) ? p : blocking(h, `${p}/x`))).find(Boolean);
      return bad ? out(1, "", `mkdir: cannot create directory '${bad}': File exists\n`) : out(0, "", "");
    }
    case "tee": {
      const bad = paths.find((p) => blocking(h, p));
      if (bad) return out(1, stdin ?? "", `tee: ${bad}: Not a directory\n`);
      for (const p of paths) files(h)[p] = stdin ?? "";
      return out(0, stdin ?? "", "", paths.length > 0);
    }
    case "cp": {
      const [from, to] = paths;
      if (!from || !to) return out(1, "", "cp: missing file operand\n");
      if (!(from in files(h))) return out(1, "", `cp: cannot stat '${from}': No such file or directory\n`);
      files(h)[to] = files(h)[from]!;
      return out(0, "", "", true);
    }
    case "rm": {
      let changed = false;
      for (const p of paths) if (p in files(h)) (delete files(h)[p], (changed = true));
      return out(0, "", "", changed);
    }
    case "test":
      // test -e PATH
      return out(paths[0] !== undefined && (paths[0] in files(h)) ? 0 : 1, "", "");
    case "cat": {
      const missing = paths.find((p) => !(p in files(h)));
      if (missing) return out(1, "", noFile("cat", missing));
      return out(0, paths.map((p) => files(h)[p]).join(""), "");
    }
    case "mv": {
      const [from, to] = paths;
      if (!from || !to) return out(1, "", "mv: missing file operand\n");
      if (!(from in files(h))) return out(1, "", `mv: cannot stat '${from}': No such file or directory\n`);
      files(h)[to] = files(h)[from]!;
      delete files(h)[from];
      return out(0, "", "", true);
    }
    default:
      return out(127, "", `sim: ${cmd}: command not found\n`);
  }
}

export function simSystemctl(h: SimHost, args: readonly string[]): SimOut {
  const [verb, ...units] = operands(args);
  if (verb === "daemon-reload") return out(0, "", "");
  if (verb === "is-enabled") {
    const on = units.every((u) => h.units?.includes(u));
    return out(on ? 0 : 1, units.map((u) => (h.units?.includes(u) ? "enabled\n" : "disabled\n")).join(""), "");
  }
  if (verb === "disable") {
    h.units = (h.units ?? []).filter((u) => !units.includes(u));
    return out(0, "", units.map((u) => `Removed /etc/systemd/system/multi-user.target.wants/${u}.\n`).join(""), true);
  }
  if (verb !== "enable") return out(1, "", `Unknown command verb ${verb ?? ""}.\n`);
  for (const u of units) {
    if (!(`/etc/systemd/system/${u}` in (h.files ?? {}))) return out(1, "", `Failed to enable unit: Unit file ${u} does not exist.\n`);
    const wants = "/etc/systemd/system/multi-user.target.wants";
    if (blocking(h, `${wants}/${u}`)) return out(1, "", `Failed to enable unit: File ${wants}/${u}: Not a directory\n`);
  }
  h.units = [...new Set([...(h.units ?? []), ...units])];
  return out(0, "", units.map((u) => `Created symlink /etc/systemd/system/multi-user.target.wants/${u} → /etc/systemd/system/${u}.\n`).join(""), true);
}
