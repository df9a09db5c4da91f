/**
 * `ss -Hlntu`: the sockets a host listens on (TCP LISTEN, UDP UNCONN), as
 * `Netid State Recv-Q Send-Q Local:Port Peer:Port [Process]`. The local
 * address is `0.0.0.0`, `*`, `[::]` (any), an address, `[v6]`, or any of
 * these with `%IFACE` (bound to a device).
 */
import type { StateProblem } from "./problem.js";

export interface Listener {
  readonly proto: "tcp" | "udp";
  /** null: any address (0.0.0.0, *, [::]). */
  readonly addr: string | null;
  readonly port: number;
  /** `%IFACE`: bound to that device only. */
  readonly dev?: string;
  /** 4 or 6; 0: a dual-stack socket on any address (ss prints `*`: an IPv6 socket that takes IPv4 too). */
  readonly family: 4 | 6 | 0;
}

export interface SsListen {
  readonly listeners: readonly Listener[];
  readonly problems: readonly StateProblem[];
}

const ANY = new Set(["0.0.0.0", "*", "::", "[::]"]);

export function parseSsListen(text: string): SsListen {
  const listeners: Listener[] = [];
  const problems: StateProblem[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const cols = line.split(/\s+/);
    // with -t and -u both, ss prints the Netid first; a header (without -H) is skipped
    if (cols[0] === "Netid" || cols[0] === "State") return;
    const proto = cols[0];
    if (proto !== "tcp" && proto !== "udp") return problems.push({ line: i + 1, message: "not a tcp or udp socket", text: raw });
    const local = cols[4] ?? "";
    const m = /^(.*):(\d+|\*)$/.exec(local);
    if (!m) return problems.push({ line: i + 1, message: "no local ADDR:PORT", text: raw });
    if (m[2] === "*") return;
    let host = m[1]!;
    let dev: string | undefined;
    const pct = host.lastIndexOf("%");
    if (pct > 0 && !host.endsWith("]")) {
      dev = host.slice(pct + 1);
      host = host.slice(0, pct);
    } else if (pct > 0) {
      // [fe80::1%eth0]
      dev = host.slice(pct + 1, -1);
      host = `${host.slice(0, pct)}]`;
    }
    const bare = host.replace(/^\[(.*)\]$/, "$1");
    const any = ANY.has(host) || ANY.has(bare);
    // an IPv4-mapped address is the IPv4 one
    const addr = any ? null : bare.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1").toLowerCase();
    const family: 0 | 4 | 6 = any ? (host === "0.0.0.0" ? 4 : host === "*" ? 0 : 6) : addr!.includes(":") ? 6 : 4;
    listeners.push({ proto, addr, port: Number(m[2]), family, ...(dev ? { dev } : {}) });
  });
  return { listeners, problems };
}

/** Whether something listens for `proto` on `addr:port` (the address itself, or any address of its family). */
export function listensOn(ls: readonly Listener[], proto: "tcp" | "udp", addr: string, port: number): Listener | undefined {
  const fam = addr.includes(":") ? 6 : 4;
  return ls.find(
    (l) =>
      l.proto === proto &&
      l.port === port &&
      (l.addr === null ? l.family === 0 || l.family === fam : l.addr === addr.toLowerCase()),
  );
}
