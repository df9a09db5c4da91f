/**
 * The systemd units `lvsh save` writes. Both run early at boot, before the
 * network is up (DefaultDependencies=no, Before=network-pre.target), like
 * netfilter-persistent: the director's applies the saved lvsh file with
 * lvsh itself (`commit on director`: the real servers cannot be reached
 * yet, and keep their own part); a real server's hides the VIP from ARP,
 * then binds it. Non-absolute ExecStart paths need systemd 239 or later.
 */
import { printName } from "../lang/index.js";
import type { AddrEntry } from "../model/index.js";

/** One ExecStart word, quoted for systemd when needed (`%` and `$` are specifiers there). */
export function systemdWord(w: string): string {
  const escaped = w.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(escaped)) return escaped;
  return `'${escaped.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Splits an ExecStart line as systemd does (quotes, backslash escapes, %% and $$): for tests and review. */
export function systemdSplit(line: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const raw = m[1] ?? m[2] ?? m[3]!;
    out.push(raw.replace(/\\(.)/g, "$1").replace(/%%/g, "%").replace(/\$\$/g, "$"));
  }
  return out;
}

const early = (wants: readonly string[], after: readonly string[]) => [
  "DefaultDependencies=no",
  `Wants=${["network-pre.target", ...wants].join(" ")}`,
  "Before=network-pre.target shutdown.target",
  `After=${["local-fs.target", "systemd-sysctl.service", ...after].join(" ")}`,
  "Conflicts=shutdown.target",
];

export const DIRECTOR_UNIT = "lvsh-restore.service";
export const RS_UNIT = "lvsh-rs-restore.service";

/** The director's unit: lvsh applies CONF (its director part) at boot. */
export function directorUnit(conf: string, lvsh: readonly string[], stateDir: string): string {
  const statements = `load ${printName(conf)}; commit on director comment ${DIRECTOR_UNIT}`;
  const exec = [...lvsh, "--target", "local", "--yes", "-c", statements].map(systemdWord).join(" ");
  return [
    `# ${DIRECTOR_UNIT}, written by \`lvsh save\`: at boot, before the network is up, lvsh applies`,
    `# ${conf} on this director (the real servers keep their part with ${RS_UNIT}).`,
    "[Unit]",
    `Description=lvsh: restore the load balancer (IPVS services, VIPs) from ${conf}`,
    ...early(["systemd-modules-load.service"], ["systemd-modules-load.service"]),
    "",
    "[Service]",
    "Type=oneshot",
    "RemainAfterExit=yes",
    `Environment=${systemdWord(`LVSH_STATE_DIR=${stateDir}`)}`,
    `ExecStart=${exec}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** A real server's unit: its ARP rules (or the sysctl.d file, applied before), then its VIPs. */
export function realServerUnit(host: string, arpRules: string | undefined, addrs: readonly AddrEntry[]): string {
  const devs = [...new Set(addrs.map((a) => a.dev).filter((d) => d !== "lo"))].map((d) => `sys-subsystem-net-devices-${d}.device`);
  return [
    `# ${RS_UNIT}, written by \`lvsh save\` for real server ${host}: at boot, before the network`,
    "# is up, hide the VIPs from ARP, then bind them.",
    "[Unit]",
    "Description=lvsh: this real server's part of the load balancer (VIPs hidden from ARP, then bound)",
    ...early(devs, devs),
    "",
    "[Service]",
    "Type=oneshot",
    "RemainAfterExit=yes",
    ...(arpRules ? [`StandardInput=file:${arpRules}`, "ExecStart=arptables-restore"] : []),
    ...addrs.map((a) => `ExecStart=${["ip", "addr", "replace", `${a.addr}/${a.prefix}`, "dev", a.dev].map(systemdWord).join(" ")}`),
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}
