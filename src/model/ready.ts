/** The readiness check of one real server of a service (what `doctor` and a commit check on its host). */
import { realServerHost } from "./hosts.js";
import { serviceKeyOf } from "./keys.js";
import type { Config, ReadyCheck, RealDef, ServiceDef } from "./types.js";

export function readyCheckOf(config: Config, svc: ServiceDef, r: RealDef): ReadyCheck {
  const vip = svc.vip ?? svc.addr;
  const hide = vip ? (config.vips.get(vip)?.arpHide ?? null) : null;
  return {
    host: realServerHost(config, r.addr).name,
    addr: r.addr,
    port: r.port,
    method: r.method,
    family: r.family,
    service: serviceKeyOf(svc),
    vip,
    listen: svc.fwmark !== null ? null : svc.proto === "udp" ? "udp" : svc.proto === "tcp" ? "tcp" : null,
    hide: hide ? { via: hide.via, devGiven: !!hide.devGiven } : null,
  };
}
