/**
 * A lab of network namespaces for real-tool tests: a switch namespace with
 * a bridge, and one namespace per host joined to it by a veth whose host end
 * is `eth0`. Nothing is created in this machine's own namespace: the veth
 * pairs are made inside the switch namespace.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";

export interface Run {
  code: number;
  out: string;
  err: string;
}

export function run(argv: readonly string[], input?: string): Run {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", ...(input !== undefined ? { input } : {}) });
  return { code: r.status ?? -1, out: r.stdout ?? "", err: r.stderr ?? (r.error ? String(r.error) : "") };
}

function must(argv: readonly string[]): string {
  const r = run(argv);
  if (r.code !== 0) throw new Error(`${argv.join(" ")}: exit ${r.code}: ${r.err}`);
  return r.out;
}

/** Why real-tool tests cannot run here, or undefined when they can. */
export function netnsUnavailable(tools: readonly string[] = []): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to create network namespaces";
  for (const t of ["ip", ...tools]) if (run(["sh", "-c", `command -v ${t}`]).code !== 0) return `${t} is not installed`;
  const probe = `lvshprobe${process.pid}`;
  const r = run(["ip", "netns", "add", probe]);
  if (r.code !== 0) return `cannot create a network namespace: ${r.err.trim()}`;
  run(["ip", "netns", "del", probe]);
  return undefined;
}

export class NetnsLab {
  readonly switchNs: string;
  readonly namespaces: string[] = [];
  private readonly servers: ChildProcess[] = [];

  constructor(readonly prefix: string = `lvsh${process.pid % 100000}`) {
    this.switchNs = `${prefix}-sw`;
  }

  ns(host: string): string {
    return `${this.prefix}-${host}`;
  }

  /** Creates the switch and one namespace per host, with `eth0` at ADDR/PREFIX. */
  create(hosts: readonly { name: string; cidr: string }[]): void {
    must(["ip", "netns", "add", this.switchNs]);
    this.namespaces.push(this.switchNs);
    must(["ip", "-n", this.switchNs, "link", "add", "br0", "type", "bridge"]);
    must(["ip", "-n", this.switchNs, "link", "set", "br0", "up"]);
    hosts.forEach((h, i) => {
      const ns = this.ns(h.name);
      must(["ip", "netns", "add", ns]);
      this.namespaces.push(ns);
      must(["ip", "-n", this.switchNs, "link", "add", `v${i}`, "type", "veth", "peer", "name", "eth0", "netns", ns]);
      must(["ip", "-n", this.switchNs, "link", "set", `v${i}`, "master", "br0", "up"]);
      must(["ip", "-n", ns, "link", "set", "lo", "up"]);
      must(["ip", "-n", ns, "link", "set", "eth0", "up"]);
      must(["ip", "-n", ns, "addr", "add", h.cidr, "dev", "eth0"]);
    });
  }

  exec(host: string, argv: readonly string[], input?: string): Run {
    return run(["ip", "netns", "exec", this.ns(host), ...argv], input);
  }

  /** `ip -j addr show` of a host, as "ADDR/PREFIX dev IFACE" lines (link-local left out). */
  addrs(host: string): string[] {
    const links = JSON.parse(must(["ip", "-n", this.ns(host), "-j", "addr", "show"])) as {
      ifname: string;
      addr_info: { local: string; prefixlen: number; scope: string }[];
    }[];
    return links.flatMap((l) => l.addr_info.filter((a) => a.scope !== "link" && a.scope !== "host").map((a) => `${a.local}/${a.prefixlen} dev ${l.ifname}`));
  }

  mac(host: string): string {
    return (JSON.parse(must(["ip", "-n", this.ns(host), "-j", "link", "show", "dev", "eth0"])) as { address: string }[])[0]!.address;
  }

  /**
   * The MAC that answers ARP for `addr` when `from` sends it a datagram
   * (bash's /dev/udp: no ping needed), or undefined when nobody answers.
   */
  arpAnswer(from: string, addr: string, tries = 15): string | undefined {
    run(["ip", "-n", this.ns(from), "neigh", "flush", "to", addr]);
    for (let i = 0; i < tries; i++) {
      this.exec(from, ["bash", "-c", `echo x > /dev/udp/${addr}/9`]);
      const n = JSON.parse(must(["ip", "-n", this.ns(from), "-j", "neigh", "show", "to", addr])) as { lladdr?: string; state?: string[] }[];
      const entry = n[0];
      if (entry?.lladdr && !entry.state?.includes("FAILED") && !entry.state?.includes("INCOMPLETE")) return entry.lladdr;
      if (entry?.state?.includes("FAILED")) return undefined;
      spawnSync("sleep", ["0.1"]);
    }
    return undefined;
  }

  /**
   * A server on tcp PORT, every address, in a host's namespace (node's net
   * module: it accepts and closes), until destroy: a real server's service.
   * Returns once `ss` sees it listen.
   */
  listen(host: string, port: number): void {
    const p = spawn("ip", ["netns", "exec", this.ns(host), process.execPath, "-e", `require("net").createServer((c) => c.end()).listen(${port})`], { stdio: "ignore" });
    this.servers.push(p);
    for (let i = 0; i < 200; i++) {
      if (this.exec(host, ["ss", "-Hltn", `sport = :${port}`]).out.trim()) return;
      spawnSync("sleep", ["0.05"]);
    }
    throw new Error(`nothing listens on port ${port} in ${this.ns(host)}`);
  }

  destroy(): void {
    for (const p of this.servers.splice(0)) p.kill();
    for (const ns of [...this.namespaces].reverse()) run(["ip", "netns", "del", ns]);
    this.namespaces.length = 0;
  }

  /** The namespaces of this lab that still exist (should be none after destroy). */
  leftovers(): string[] {
    return run(["ip", "netns", "list"])
      .out.split("\n")
      .map((l) => l.split(" ")[0]!)
      .filter((n) => n.startsWith(`${this.prefix}-`));
  }
}
