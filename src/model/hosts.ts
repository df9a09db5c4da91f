/**
 * Which host a real server is, and how it is reached. The director is local
 * unless a `host director` says otherwise; a real server is `ssh root@` its
 * address unless a `host ADDR` (or a `host NAME via ssh USER@ADDR`) says otherwise.
 */
import type { Transport } from "../lang/index.js";
import type { Config, HostDef, TransportSpec } from "./types.js";

export interface HostRef {
  /** `director`, the real server's address, or the name a `host` statement gave it. */
  readonly name: string;
  readonly transport: TransportSpec;
  readonly def?: HostDef;
}

export function transportSpec(t: Transport): TransportSpec {
  switch (t.kind) {
    case "local":
      return { kind: "local" };
    case "netns":
      return { kind: "netns", name: t.name };
    case "ssh":
      return { kind: "ssh", ...(t.user ? { user: t.user } : {}), host: t.host, ...(t.port ? { port: t.port } : {}) };
  }
}

export function directorHost(config: Config): HostRef {
  const def = config.hosts.get("director");
  return def ? { name: "director", transport: transportSpec(def.transport), def } : { name: "director", transport: { kind: "local" } };
}

export function realServerHost(config: Config, addr: string): HostRef {
  const byAddr = config.hosts.get(addr);
  if (byAddr) return { name: addr, transport: transportSpec(byAddr.transport), def: byAddr };
  for (const def of config.hosts.values()) {
    if (def.subject.kind === "name" && def.transport.kind === "ssh" && def.transport.host === addr) {
      return { name: def.key, transport: transportSpec(def.transport), def };
    }
  }
  return { name: addr, transport: { kind: "ssh", user: "root", host: addr } };
}

export function describeTransport(t: TransportSpec): string {
  switch (t.kind) {
    case "local":
      return "local";
    case "netns":
      return `netns ${t.name}`;
    case "ssh": {
      const host = t.port ? `${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}` : t.host;
      return `ssh ${t.user ? `${t.user}@` : ""}${host}`;
    }
  }
}
