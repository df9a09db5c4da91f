/**
 * What `lvsh save` writes, and where (pure). The director: the lvsh source
 * and lvsh-restore.service (format lvsh), or the ipvsadm rules the
 * distribution's ipvsadm service restores (format ipvsadm). Each real
 * server: its ARP rules (arptables-restore format) or a sysctl.d file, and
 * lvsh-rs-restore.service, which restores them and binds the VIPs at boot.
 * With `to`, the director's files go into that directory (or file) on this
 * machine, for review; without, to /etc on the director.
 */
import type { SaveFormat } from "./formats.js";
import { join } from "node:path/posix";
import { compile, KEEPALIVED_CONF, printConfig, type Config } from "../model/index.js";
import { arptablesRestoreText } from "./arptables.js";
import { ipvsadmRules } from "./ipvsadm.js";
import { DIRECTOR_UNIT, directorUnit, realServerUnit, RS_UNIT } from "./units.js";

export interface SaveFile {
  /** `director`, a real server, or `local`: this machine (with `to`). */
  readonly host: string;
  readonly path: string;
  readonly text: string;
  /** What it is, in a few words (printed before it is written). */
  readonly what: string;
}

export interface SavePlan {
  readonly files: readonly SaveFile[];
  /** Units to `systemctl enable`, per host. */
  readonly enable: readonly { readonly host: string; readonly unit: string }[];
  readonly notes: readonly string[];
}

export interface SaveOptions {
  readonly format: SaveFormat;
  /** Absolute: a directory (lvsh) or a file (ipvsadm) on this machine. */
  readonly to?: string;
  readonly revision: number;
  /** How to start lvsh (the unit's ExecStart). */
  readonly lvsh: readonly string[];
  readonly stateDir: string;
  /** Where the distribution's ipvsadm service restores from. */
  readonly distro: "rhel" | "debian";
}

export const ETC = { conf: "/etc/lvsh/lvsh.conf", units: "/etc/systemd/system", rsArp: "/etc/lvsh/arptables.rules", rsSysctl: "/etc/sysctl.d/90-lvsh-arp.conf" } as const;

function directorFiles(config: Config, o: SaveOptions): Pick<SavePlan, "files" | "enable" | "notes"> {
  const host = o.to ? "local" : "director";
  if (o.format === "ipvsadm") {
    const path = o.to ?? (o.distro === "rhel" ? "/etc/sysconfig/ipvsadm" : "/etc/ipvsadm.rules");
    const d = compile(config).state.hosts["director"];
    const notes = [
      ...(d?.addrs ?? []).map((a) => `ipvsadm rules hold no addresses: bind ${a.addr}/${a.prefix} on ${a.dev} in the director's network configuration`),
      ...Object.keys(d?.sysctls ?? {}).map((k) => `set ${k}=1 in /etc/sysctl.d on the director (nat real servers need it)`),
      o.distro === "rhel" ? "RHEL: systemctl enable ipvsadm (it restores /etc/sysconfig/ipvsadm)" : "Debian: AUTO=\"true\" in /etc/default/ipvsadm makes its service restore /etc/ipvsadm.rules",
    ];
    return { files: [{ host, path, text: ipvsadmRules(config), what: `the IPVS rules of revision ${o.revision} (ipvsadm -R format)` }], enable: [], notes };
  }
  const conf = o.to ? join(o.to, "lvsh.conf") : ETC.conf;
  const unit = o.to ? join(o.to, DIRECTOR_UNIT) : join(ETC.units, DIRECTOR_UNIT);
  const text = `# revision ${o.revision}, saved by \`lvsh save\`; ${DIRECTOR_UNIT} applies it at boot\n${printConfig(config)}`;
  return {
    files: [
      { host, path: conf, text, what: `the configuration of revision ${o.revision} (lvsh)` },
      { host, path: unit, text: directorUnit(conf, o.lvsh, o.stateDir), what: `the unit that applies ${conf} at boot` },
    ],
    enable: o.to ? [] : [{ host: "director", unit: DIRECTOR_UNIT }],
    notes: o.to ? [`to install: cp ${unit} ${ETC.units}/ && systemctl enable ${DIRECTOR_UNIT} (it reads ${conf})`] : [],
  };
}

function realServerFiles(config: Config, source: string): Pick<SavePlan, "files" | "enable"> {
  const files: SaveFile[] = [];
  const enable: { host: string; unit: string }[] = [];
  for (const [host, h] of Object.entries(compile(config).state.hosts)) {
    if (host === "director" || (!h.arp.length && !h.addrs.length && !Object.keys(h.sysctls).length)) continue;
    if (h.arp.length) files.push({ host, path: ETC.rsArp, text: arptablesRestoreText(host, h.arp, source), what: "its ARP rules (arptables-restore format)" });
    const sysctls = Object.entries(h.sysctls);
    if (sysctls.length) {
      const text = [`# written by \`lvsh save\` (${source}): ${host} does not answer ARP for the VIPs it holds`, ...sysctls.map(([k, v]) => `${k} = ${v}`), ""].join("\n");
      files.push({ host, path: ETC.rsSysctl, text, what: "its ARP sysctls (applied at boot by systemd-sysctl)" });
    }
    files.push({ host, path: join(ETC.units, RS_UNIT), text: realServerUnit(host, h.arp.length ? ETC.rsArp : undefined, h.addrs), what: "the unit that hides and binds its VIPs at boot" });
    enable.push({ host, unit: RS_UNIT });
  }
  return { files, enable };
}

export function savePlan(config: Config, o: SaveOptions): SavePlan {
  const rs = realServerFiles(config, `revision ${o.revision}`);
  // keepalived runs the directors: its own file and unit bring them back at boot
  if (config.engine) {
    const path = config.engine.path;
    const boot =
      path === KEEPALIVED_CONF
        ? `keepalived restores them at boot from ${path}, which the commit installed, when its unit is enabled on each director (\`systemctl enable keepalived\`)`
        : `the commit installed ${path}, which keepalived's unit does not read (it reads ${KEEPALIVED_CONF}): for a reboot, point the unit at it on each director (e.g. \`-f ${path}\` in DAEMON_ARGS of /etc/default/keepalived, or KEEPALIVED_OPTIONS on RHEL) and enable it`;
    return { files: rs.files, enable: rs.enable, notes: [`the directors are keepalived's (\`engine keepalived\`): ${boot}`] };
  }
  const d = directorFiles(config, o);
  return { files: [...d.files, ...rs.files], enable: [...d.enable, ...rs.enable], notes: d.notes };
}
