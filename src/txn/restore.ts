/**
 * Sysctls and link states lvsh changed are set back when the configuration
 * stops asking for them: arp_ignore/arp_announce when a VIP stops being
 * hidden by sysctl, rp_filter and tunl0 when the last tun real server goes,
 * ip_forward when the last NAT real server goes. Each revision remembers
 * the value each such setting had before lvsh first changed it; a plan adds
 * the ones no longer asked for, with that value, to its desired state.
 */
import type { Desired, HostState, State } from "../model/index.js";
import type { Revision } from "./revisions.js";

export interface HostRestore {
  readonly sysctls?: Readonly<Record<string, string>>;
  readonly links?: Readonly<Record<string, boolean>>;
}

export type Restores = Readonly<Record<string, HostRestore>>;

/** The desired state plus, on each host, the settings an earlier revision changed and this one no longer asks for. */
export function withRestores(desired: Desired, previous: Revision | undefined): Desired {
  const restore = previous?.restore;
  if (!restore) return desired;
  const hosts: Record<string, HostState> = { ...desired.state.hosts };
  for (const [host, r] of Object.entries(restore)) {
    const h = hosts[host] ?? { ipvs: [], arp: [], addrs: [], sysctls: {} };
    const sysctls = { ...h.sysctls };
    for (const [k, v] of Object.entries(r.sysctls ?? {})) if (!(k in sysctls)) sysctls[k] = v;
    const links = { ...(h.links ?? {}) };
    for (const [k, v] of Object.entries(r.links ?? {})) if (!(k in links)) links[k] = v;
    hosts[host] = { ...h, sysctls, ...(Object.keys(links).length ? { links } : {}) };
  }
  const transports = new Map(desired.hosts);
  for (const h of Object.keys(restore)) if (!transports.has(h) && previous?.hosts[h]) transports.set(h, previous.hosts[h]);
  return { ...desired, state: { hosts }, hosts: transports };
}

/** What the next revision remembers: for each setting the configuration asks for, its value before lvsh first changed it. */
export function nextRestores(asked: Desired, previous: Revision | undefined, before: State): Restores | undefined {
  const out: Record<string, { sysctls?: Record<string, string>; links?: Record<string, boolean> }> = {};
  for (const [host, h] of Object.entries(asked.state.hosts)) {
    const was = previous?.restore?.[host];
    const sysctls: Record<string, string> = {};
    for (const k of Object.keys(h.sysctls)) {
      const v = was?.sysctls?.[k] ?? before.hosts[host]?.sysctls[k];
      if (v !== undefined) sysctls[k] = v;
    }
    const links: Record<string, boolean> = {};
    for (const k of Object.keys(h.links ?? {})) {
      const v = was?.links?.[k] ?? before.hosts[host]?.links?.[k];
      if (v !== undefined) links[k] = v;
    }
    if (Object.keys(sysctls).length || Object.keys(links).length) {
      out[host] = { ...(Object.keys(sysctls).length ? { sysctls } : {}), ...(Object.keys(links).length ? { links } : {}) };
    }
  }
  return Object.keys(out).length ? out : undefined;
}
