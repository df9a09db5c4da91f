/**
 * `doctor`: what breaks a running balancer, found on every host at once.
 * Pure: the facts are what session/doctor.ts read from each host (the same
 * readers as a commit, plus `ss`, `ip route`, a TCP probe and `arping` from
 * the director); here they are held against the configuration.
 *
 * The checks are about what works, not about what lvsh wrote: a real
 * server that hides the VIP by hand-made sysctls passes, one whose rules
 * lvsh wrote but someone deleted does not. Each finding says the lvsh
 * statement that fixes it, or the command where lvsh cannot.
 */
import { inSubnet, parseIp, type DiagnosticCode } from "../lang/index.js";
import { confKey, destKeyOf, readyCheckOf, realServerHost, serviceKeyOf, type AddrEntry, type ArpRule, type Config, type IpvsService, type ReadyCheck, type ServiceDef, type State, type VipDef } from "../model/index.js";
import { makePlan } from "./plan.js";
import { compile } from "../model/index.js";

export type Severity = "error" | "warning";

export interface Finding {
  /** `director`, or the real server's host name (its address unless a `host` names it). */
  readonly host: string;
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** The lvsh statement(s) that fix it, or the command where lvsh cannot. */
  readonly fix: string;
}

export interface Checked {
  /** What was looked at: `vip-bound`, `listening` ... */
  readonly check: string;
  /** What it was looked at for: an address, a service, a real server. */
  readonly subject: string;
  readonly result: "ok" | Severity | "skipped";
  /** For `ok`, what was found; for `skipped`, why. */
  readonly detail?: string;
}

export interface DoctorReport {
  readonly findings: readonly Finding[];
  /** Per host, in the order looked at. */
  readonly checked: Readonly<Record<string, readonly Checked[]>>;
}

/** A part of a host's read that failed: why. */
export interface Skipped {
  readonly skipped: string;
}
export const isSkipped = (v: unknown): v is Skipped => typeof v === "object" && v !== null && "skipped" in v;
type Maybe<T> = T | Skipped;

export interface LinkFact {
  readonly name: string;
  readonly up: boolean;
  readonly mac: string;
  readonly kind: string;
}
export interface ListenFact {
  readonly proto: "tcp" | "udp";
  readonly addr: string | null;
  readonly port: number;
  readonly family: 0 | 4 | 6;
  readonly dev?: string;
}
export interface RouteFact {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
}
export type ProbeResult = "open" | "refused" | "timeout" | "unreachable" | "failed" | "skipped";
export interface DestCount {
  readonly active: number;
  readonly inactive: number;
}

export interface HostFacts {
  /** How it is reached (`netns rs1`, `ssh root@...`). */
  readonly via: string;
  /** The host could not be read at all: why. */
  readonly unreadable?: string;
  readonly addrs: readonly AddrEntry[];
  readonly links: readonly LinkFact[];
  readonly sysctls: Readonly<Record<string, string>>;
  /** The sysctls could not be read: why (checks that need them are skipped, never guessed). */
  readonly sysctlsSkipped?: string;
  readonly arp?: Maybe<readonly ArpRule[]>;
  readonly listen?: Maybe<readonly ListenFact[]>;
  readonly routes?: Maybe<readonly RouteFact[]>;
  /** The director: its IPVS table. */
  readonly ipvs?: Maybe<readonly IpvsService[]>;
  /** The director: connections per real server, by `SERVICE rs DEST` (serviceKeyOf, destKeyOf). */
  readonly conns?: Maybe<ReadonlyMap<string, DestCount>>;
  /** The director: a TCP connect (or ping, port 0) to each real server, by `ADDR PORT`. */
  readonly probes?: Maybe<ReadonlyMap<string, ProbeResult>>;
  /** The director: the MACs that answered ARP for each VIP it checked (absent: not checked, with why). */
  readonly arpAnswers?: Maybe<ReadonlyMap<string, readonly string[] | Skipped>>;
}

export interface DoctorInput {
  readonly config: Config;
  /** Only this VIP, or this service (by key). */
  readonly scope?: { readonly vip: string } | { readonly service: string };
  readonly facts: Readonly<Record<string, HostFacts>>;
  /** By `SERVICE rs DEST`: since when (ms) the real server has been at weight 0 in the committed revisions. */
  readonly zeroSince?: ReadonlyMap<string, number>;
  readonly now?: number;
  /** Whether the configuration checked is the committed one (drift is then fixed by `commit force`). */
  readonly committed: boolean;
  /** A commit's journal is there: in progress (its lvsh alive), or interrupted (`lvsh recover`). */
  readonly journal?: { readonly what: string; readonly started: string; readonly pid: number; readonly alive: boolean };
}

/** Weight 0 for longer than this is worth a word. */
export const ZERO_WEIGHT_DAYS = 1;
/** Connections on the director above which its connection-reuse settings matter. */
export const LOAD_CONNS = 1000;

/** ADDR:PORT, [V6]:PORT; a real server of a fwmark service (port 0) by its address alone. */
const epOf = (addr: string, port: number) => (port === 0 ? addr : addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`);
/** The real server as a plan says it: `rs 192.0.2.2:80 of tcp 192.0.2.10:80`. */
const rsOf = (svc: string, r: { addr: string; port: number }) => `${epOf(r.addr, r.port)} of ${svc}`;

/** The kernel uses the larger of `all` and the interface's value for these. */
function effective(sysctls: Readonly<Record<string, string>>, dev: string, name: string): number | undefined {
  const a = sysctls[confKey("ipv4", "all", name)];
  const d = sysctls[confKey("ipv4", dev, name)];
  if (a === undefined && d === undefined) return undefined;
  return Math.max(Number(a ?? 0), Number(d ?? 0));
}

/** Links ARP requests come in on: up, not loopback, not a tunnel. */
function facing(links: readonly LinkFact[]): LinkFact[] {
  return links.filter((l) => l.up && l.kind !== "loopback" && l.kind !== "ipip" && l.kind !== "none" && l.kind !== "tunnel" && l.name !== "lo");
}

function listens(ls: readonly ListenFact[], proto: "tcp" | "udp", addr: string, port: number): ListenFact | undefined {
  const fam = addr.includes(":") ? 6 : 4;
  return ls.find((l) => l.proto === proto && l.port === port && (l.addr === null ? l.family === 0 || l.family === fam : l.addr === addr.toLowerCase()));
}

class Report {
  readonly findings: Finding[] = [];
  readonly checked: Record<string, Checked[]> = {};
  private readonly said = new Set<string>();
  row(host: string, c: Checked): void {
    (this.checked[host] ??= []).push(c);
  }
  ok(host: string, check: string, subject: string, detail?: string): void {
    this.row(host, { check, subject, result: "ok", ...(detail ? { detail } : {}) });
  }
  skip(host: string, check: string, subject: string, why: string): void {
    this.row(host, { check, subject, result: "skipped", detail: why });
  }
  find(host: string, check: string, subject: string, f: Omit<Finding, "host">): void {
    this.row(host, { check, subject, result: f.severity, detail: `${f.code}: ${f.message}` });
    const key = `${host} ${f.code} ${f.message}`;
    if (this.said.has(key)) return;
    this.said.add(key);
    this.findings.push({ host, ...f });
  }
}

/** The statements that make lvsh put the committed configuration back (what it manages itself). */
let PUT_BACK = "commit force";

export function doctor(input: DoctorInput): DoctorReport {
  const { config, facts } = input;
  const now = input.now ?? Date.now();
  const rep = new Report();
  // an interrupted commit comes first: what the hosts hold is part of it, and `lvsh recover` (not a commit) ends it
  const j = input.journal;
  PUT_BACK = j && !j.alive ? "lvsh recover (a commit was interrupted: it finishes it or undoes it), then doctor again" : "commit force";
  if (j) {
    rep.find("director", "journal", j.what, {
      code: "journal-pending",
      severity: j.alive ? "warning" : "error",
      message: j.alive
        ? `a commit is in progress (${j.what}, started ${j.started} by pid ${j.pid}): what is read may be half-way through it`
        : `a commit was interrupted (${j.what}, started ${j.started} by pid ${j.pid}): the hosts may hold part of it, and commits wait until it is recovered`,
      fix: j.alive ? "wait for it to end, then doctor again" : "lvsh recover",
    });
  }
  const services = [...config.services.values()].filter((s) =>
    !input.scope ? true : "vip" in input.scope ? s.vip === input.scope.vip : s.key === input.scope.service,
  );
  const vipAddrs = new Set(services.map((s) => s.vip).filter((v): v is string => v !== null));
  if (input.scope && "vip" in input.scope) vipAddrs.add(input.scope.vip);
  const vips = [...config.vips.values()].filter((v) => vipAddrs.has(v.addr));
  const dirName = "director";
  const hostOf = (addr: string) => realServerHost(config, addr).name;

  // A NAT real server no `host` statement names: a commit never logs in there (ssh root@ADDR is
  // only the default), so not reaching it breaks nothing; its own checks are what is lost.
  const natOnly = (host: string) =>
    host !== dirName &&
    !config.hosts.has(host) &&
    [...config.services.values()].every((s) => [...s.reals.values()].every((r) => r.method === "nat" || hostOf(r.addr) !== host));
  // hosts that could not be read: one finding each, nothing else about them
  for (const [host, f] of Object.entries(facts)) {
    if (f.unreadable) {
      const optional = natOnly(host);
      rep.find(host, "reachable", f.via, {
        code: "host-unreadable",
        severity: optional ? "warning" : "error",
        message: `cannot read ${host} (${f.via}): ${f.unreadable}${optional ? " (a NAT real server lvsh never logs in to: its listening and default-route checks are skipped)" : ""}`,
        fix: host === dirName ? "check that lvsh can reach the director (`host director via ...`) and runs as root there" : optional ? `to have it checked, say how lvsh reaches it: \`host ${host} via ...\`` : `check that ${host} is up and lvsh can log in (\`host ${host} via ...\`)`,
      });
    }
  }
  const readable = (host: string): HostFacts | undefined => (facts[host] && !facts[host]!.unreadable ? facts[host] : undefined);

  /* ---------------- the director ---------------- */
  const d = readable(dirName);
  if (d) {
    directorChecks(rep, input, d, services, vips, now);
  }

  /* ---------------- the real servers ---------------- */
  const directorAddrs = new Set<string>([...(d?.addrs.map((a) => a.addr) ?? []), ...config.vips.keys()]);
  const directorNets = d?.addrs ?? [];
  const unreachable = new Map<string, number>();
  for (const svc of services) {
    const svcName = serviceKeyOf(svc);
    for (const r of svc.reals.values()) {
      const host = hostOf(r.addr);
      const subject = rsOf(svcName, r);
      // reachable from the director
      const probes = d?.probes;
      if (d && probes && !isSkipped(probes)) {
        const res = probes.get(`${r.addr} ${r.port}`);
        if (!res || res === "skipped") rep.skip(host, "reachable-from-director", subject, "the director cannot probe (no bash or timeout there)");
        else if (res === "open") rep.ok(host, "reachable-from-director", subject, r.port ? `${epOf(r.addr, r.port)} accepts connections` : "answers ping");
        else {
          unreachable.set(svc.key, (unreachable.get(svc.key) ?? 0) + 1);
          const idle = r.maintenance || r.weight === 0;
          const what = res === "refused" ? "refuses connections (nothing listens there)" : res === "timeout" ? "does not answer within 3 s" : res === "unreachable" ? "has no route from the director" : "could not be connected to";
          rep.find(host, "reachable-from-director", subject, {
            code: "rs-unreachable",
            severity: idle ? "warning" : "error",
            message: `the director cannot reach ${epOf(r.addr, r.port)}: it ${what}${idle ? " (it gets no new connections: weight 0)" : ""}`,
            fix:
              res === "refused"
                ? `start the server on ${r.addr} that should listen on port ${r.port}`
                : `check ${r.addr} is up and that nothing between the director and it drops port ${r.port} (from the director: \`ping ${r.addr}\`)`,
          });
        }
      } else if (d && probes && isSkipped(probes)) rep.skip(host, "reachable-from-director", subject, probes.skipped);

      const f = readable(host);
      if (!f) continue;
      rsChecks(rep, readyCheckOf(config, svc, r), f, subject, input.committed, { addrs: directorAddrs, nets: directorNets });
    }
  }
  // a service none of whose real servers answers
  for (const svc of services) {
    const n = unreachable.get(svc.key) ?? 0;
    if (svc.reals.size && n === svc.reals.size) {
      rep.find(dirName, "service-reachable", serviceKeyOf(svc), {
        code: "service-unreachable",
        severity: "warning",
        message: `${svc.reals.size === 1 ? "the one real server" : `none of the ${svc.reals.size} real servers`} of ${serviceKeyOf(svc)} ${svc.reals.size === 1 ? "does not answer" : "answers"} the director: clients get nothing`,
        fix: svc.sorry ? "the sorry server takes the traffic until one is back" : `start the real servers, or say where traffic goes meanwhile: \`use service ${serviceKeyOf(svc)}; sorry server ADDR:PORT; commit\` (keepalived)`,
      });
    }
  }
  return { findings: rep.findings, checked: rep.checked };
}

function directorChecks(rep: Report, input: DoctorInput, d: HostFacts, services: readonly ServiceDef[], vips: readonly VipDef[], now: number): void {
  const host = "director";
  const { config } = input;
  // each VIP bound where the configuration says
  for (const v of vips) {
    if (!v.iface) {
      rep.skip(host, "vip-bound", v.addr, v.pair ? "keepalived binds it (director pair)" : "lvsh does not bind it (no `on IFACE`)");
      continue;
    }
    const on = d.addrs.filter((a) => a.addr === v.addr);
    if (on.some((a) => a.dev === v.iface)) rep.ok(host, "vip-bound", v.addr, `on ${v.iface}`);
    else {
      rep.find(host, "vip-bound", v.addr, {
        code: "vip-not-bound",
        severity: "error",
        message: on.length
          ? `${v.addr} is on ${on.map((a) => a.dev).join(", ")}, not on ${v.iface}: ARP for it is answered on the wrong link`
          : `${v.addr} is not bound on the director (${v.iface}): nobody answers for the VIP, clients cannot connect`,
        fix: input.committed ? PUT_BACK : "commit",
      });
    }
  }
  // the IPVS table as configured
  if (d.ipvs && isSkipped(d.ipvs)) rep.skip(host, "ipvs-table", "services", d.ipvs.skipped);
  else if (d.ipvs) {
    const running: State = { hosts: { [host]: { ipvs: d.ipvs, arp: [], addrs: [], sysctls: {} } } };
    const keys = new Set(services.map((s) => s.key));
    const scoped = { ...config, services: new Map([...config.services].filter(([k]) => keys.has(k))) };
    // keepalived runs the director: what its table should hold is the same services (compiled as lvsh's)
    const { engine: _e, ...own } = scoped;
    const desired = compile(own);
    const dirState = desired.state.hosts[host];
    const want: State = { hosts: { [host]: { ipvs: dirState?.ipvs ?? [], arp: [], addrs: [], sysctls: {} } } };
    // only this scope's services: those of its VIPs the configuration does not have count as drift
    const scopeVips = new Set([...vips.map((v) => v.addr), ...services.map((s) => s.addr).filter((a): a is string => a !== null)]);
    const plan = makePlan(running, { state: want, origins: new Map(), hosts: new Map([[host, { kind: "local" }]]) }, { vips: [...scopeVips] });
    const changes = plan.changes.filter((c) => (c.before ?? c.after)?.kind === "service" || (c.before ?? c.after)?.kind === "dest");
    const relevant = changes.filter((c) => {
      const el = (c.before ?? c.after)!;
      const svc = el.kind === "service" ? el.value : el.kind === "dest" ? el.service : undefined;
      // lvsh describes the whole IPVS table: unscoped, a service the configuration lacks is drift wherever it is
      return !!svc && (!input.scope || keys.has(serviceKeyOf(svc)) || (svc.addr !== null && scopeVips.has(svc.addr)));
    });
    if (!relevant.length && !services.length) rep.ok(host, "ipvs-table", "services", input.scope ? "none in scope" : "none configured, none in the kernel");
    else if (!relevant.length) {
      const n = services.reduce((a, s) => a + s.reals.size, 0);
      rep.ok(host, "ipvs-table", services.length === 1 ? serviceKeyOf(services[0]!) : `${services.length} services`, `as configured (${n === 1 ? "1 real server" : `${n} real servers`})`);
    }
    for (const c of relevant) {
      // keepalived's check takes a failing real server out of the table: down, not drift (the probe says why)
      const gone = config.engine && c.action === "create" && c.after?.kind === "dest" ? c.after : undefined;
      if (gone) {
        const res = d.probes && !isSkipped(d.probes) ? d.probes.get(`${gone.value.addr} ${gone.value.port}`) : undefined;
        const why = res === "refused" ? ": from the director it refuses connections (nothing listens there)" : res === "timeout" ? ": from the director it does not answer within 3 s" : res === "unreachable" ? ": the director has no route to it" : res === "open" ? " (it accepts connections now: keepalived puts it back after its next successful check)" : "";
        rep.find(host, "ipvs-table", c.key.replace(/^ipvs director /, ""), {
          code: "rs-down-check",
          severity: "warning",
          message: `keepalived's health check has taken ${epOf(gone.value.addr, gone.value.port)} out of ${serviceKeyOf(gone.service)}${why}`,
          fix: res === "refused" ? `start the server on ${gone.value.addr} that should listen on port ${gone.value.port}` : `check the server on ${gone.value.addr} answers keepalived's check (\`show config\` says which)`,
        });
        continue;
      }
      rep.find(host, "ipvs-table", c.key.replace(/^ipvs director /, ""), {
        code: "ipvs-drift",
        severity: "error",
        message: `the kernel's IPVS table differs from the configuration: ${c.reason}`,
        fix: input.committed ? `${PUT_BACK} (puts the configuration back), or, to keep what runs: \`lvsh import > running.lvsh\`, then load it and commit` : "commit",
      });
    }
  }
  // NAT: forwarding, and connection tracking when it is loaded
  const nat4 = services.some((s) => [...s.reals.values()].some((r) => r.method === "nat" && r.family === 4));
  const nat6 = services.some((s) => [...s.reals.values()].some((r) => r.method === "nat" && r.family === 6));
  for (const [on, key] of [
    [nat4, "net.ipv4.ip_forward"],
    [nat6, "net.ipv6.conf.all.forwarding"],
  ] as const) {
    if (!on) continue;
    const v = d.sysctls[key];
    if (v === undefined) rep.skip(host, "ip-forward", key, "not readable");
    else if (v === "1") rep.ok(host, "ip-forward", key, "1");
    else
      rep.find(host, "ip-forward", key, {
        code: "ip-forward-off",
        severity: "error",
        message: `${key} is ${v}: the director does not forward the NAT real servers' replies back to the clients`,
        fix: input.committed ? PUT_BACK : "commit",
      });
  }
  if (nat4) {
    const tracking = d.sysctls["net.netfilter.nf_conntrack_max"] !== undefined;
    const vsConntrack = d.sysctls["net.ipv4.vs.conntrack"];
    if (!tracking) rep.ok(host, "nat-conntrack", "net.ipv4.vs.conntrack", "connection tracking is not loaded");
    else if (vsConntrack === "1") rep.ok(host, "nat-conntrack", "net.ipv4.vs.conntrack", "1");
    else
      rep.find(host, "nat-conntrack", "net.ipv4.vs.conntrack", {
        code: "nat-conntrack-off",
        severity: "warning",
        message: `connection tracking is loaded on the director but net.ipv4.vs.conntrack is ${vsConntrack ?? "unset"}: a stateful firewall (ESTABLISHED,RELATED) or SNAT there drops NAT traffic IPVS handled`,
        fix: "sysctl -w net.ipv4.vs.conntrack=1 (on the director; in /etc/sysctl.d to keep it)",
      });
  }
  // who answers ARP for the VIPs on the director's link
  const macs = new Map<string, string>();
  for (const [h, f] of Object.entries(input.facts)) for (const l of f.links) if (l.mac && !/^0[0:.]*$/.test(l.mac)) macs.set(l.mac.toLowerCase(), h);
  const own = new Set(d.links.map((l) => l.mac.toLowerCase()));
  for (const v of vips) {
    if (v.family === 6 && v.iface) rep.skip(host, "arp-answers", v.addr, "IPv6: who answers neighbour discovery is not probed (each real server's VIP is checked where it is bound)");
    if (v.family !== 4 || !v.iface) continue;
    const all = d.arpAnswers;
    const got = all === undefined ? undefined : isSkipped(all) ? all : all.get(v.addr);
    if (!got) continue;
    if (isSkipped(got)) {
      rep.skip(host, "arp-answers", v.addr, got.skipped);
      continue;
    }
    const others = got.filter((m) => !own.has(m));
    if (!others.length) {
      rep.ok(host, "arp-answers", v.addr, got.length ? "only the director answers" : "nobody else answers");
      continue;
    }
    for (const m of others) {
      const who = macs.get(m);
      const rs = who && who !== host;
      // a real server whose hiding lvsh manages: putting the configuration back hides it,
      // unless the hiding configured is itself what answers (arp_ignore with the VIP on a link facing the clients)
      const selfDefeating = !!rs && v.arpHide?.via === "sysctl" && facing(input.facts[who]!.links).some((l) => l.name === v.arpHide!.dev);
      const managed = rs && input.committed && !!v.arpHide && !selfDefeating;
      rep.find(host, "arp-answers", v.addr, {
        code: "arp-flux",
        severity: "error",
        message: `${rs ? `${who} (MAC ${m})` : `another host (MAC ${m})`} answers ARP for ${v.addr} on ${v.iface}: clients send some of the VIP's traffic there, past the director`,
        fix: selfDefeating
          ? `use vip ${v.addr}; arp hide on rs via sysctl dev lo; commit (arp_ignore does not hide the VIP on ${v.arpHide!.dev}, the link the requests come in on)`
          : managed
          ? `${PUT_BACK} (puts ${who}'s ARP hiding back; doctor ${v.addr} says what is missing there)`
          : rs
          ? `hide the VIP on ${who}: \`use vip ${v.addr}; arp hide on rs\`, commit (doctor ${v.addr} says what is missing there)`
          : `find the host with MAC ${m} (\`ip neigh\` on the director, the switch's MAC table) and take ${v.addr} off it, or hide it from ARP there`,
      });
    }
  }
  // risky, not broken
  for (const s of services) {
    const name = serviceKeyOf(s);
    if (s.persistence !== null && (s.scheduler === "rr" || s.scheduler === "wrr")) {
      rep.find(host, "scheduler", name, {
        code: "persistent-rr",
        severity: "warning",
        message: `${name} is persistent with ${s.scheduler}: ${s.scheduler} places each new client by turns, blind to the load persistence leaves behind; a few busy clients (proxies, NAT gateways) pile onto one real server`,
        fix: `use service ${name}; service ${name} ${s.scheduler === "wrr" ? "wlc" : "lc"}; commit`,
      });
    } else rep.ok(host, "scheduler", name, s.scheduler);
    for (const r of s.reals.values()) {
      const since = input.zeroSince?.get(`${s.key} rs ${destKeyOf(r)}`);
      if (since === undefined) continue;
      const days = (now - since) / 86_400_000;
      if (days < ZERO_WEIGHT_DAYS) continue;
      rep.find(host, "weights", rsOf(name, r), {
        code: "weight-zero-long",
        severity: "warning",
        message: `${epOf(r.addr, r.port)} has had weight 0 for ${Math.floor(days)} day${Math.floor(days) === 1 ? "" : "s"} (${r.maintenance ? "in maintenance" : "weight 0"}): the service runs with one real server fewer than it looks`,
        fix: r.maintenance ? `use service ${name}; maintenance rs ${r.addr} off; commit` : `use service ${name}; del rs ${r.addr}; commit (or set its weight)`,
      });
    }
  }
  const conns = d.conns && !isSkipped(d.conns) ? [...d.conns.values()].reduce((a, c) => a + c.active + c.inactive, 0) : 0;
  const nodest = d.sysctls["net.ipv4.vs.expire_nodest_conn"];
  if (conns >= LOAD_CONNS && nodest === "0") {
    rep.find(host, "conn-reuse", "net.ipv4.vs.expire_nodest_conn", {
      code: "conn-reuse-sysctls",
      severity: "warning",
      message: `the director holds ${conns} connections and net.ipv4.vs.expire_nodest_conn is 0: connections to a real server that is removed wait out their timeout instead of being reset, and clients that reuse those ports hang`,
      fix: "sysctl -w net.ipv4.vs.expire_nodest_conn=1 (on the director; in /etc/sysctl.d to keep it)",
    });
  } else if (nodest !== undefined) rep.ok(host, "conn-reuse", "net.ipv4.vs.expire_nodest_conn", `${nodest} (${conns} connections)`);
}

/** One real server's checks on its host: doctor's, and a commit's before it adds the real server. */
function rsChecks(rep: Report, r: ReadyCheck, f: HostFacts, subject: string, committed: boolean, director?: { addrs: ReadonlySet<string>; nets: readonly AddrEntry[] }): void {
  if (r.method === "nat") natRsChecks(rep, r, f, subject, director);
  else directRsChecks(rep, r, f, subject, committed);
}

/** Why the listening check is skipped for a service with no port of its own. */
const noListen = (r: ReadyCheck) => (r.service.startsWith("fwmark") ? "a fwmark service: its ports are the marking rule's" : "not a tcp or udp service");

function directRsChecks(rep: Report, r: ReadyCheck, f: HostFacts, subject: string, committed: boolean): void {
  const host = r.host;
  const vipAddr = r.vip;
  if (!vipAddr) return;
  const hide = r.hide;
  // what lvsh hides itself comes back with the configuration; otherwise the statement that hides it
  const hideFix = (what: string) => (hide ? (committed ? PUT_BACK : "commit") : `use vip ${vipAddr}; arp hide on rs${what}; commit`);
  const tun = r.method === "tun";
  // the VIP bound: a dr/tun real server drops packets for an address it does not have
  const on = f.addrs.filter((a) => a.addr === vipAddr);
  if (!on.length) {
    rep.find(host, "vip-on-rs", vipAddr, {
      code: "rs-vip-missing",
      severity: "error",
      message: `${vipAddr} is not bound on ${host}: it drops the packets the director forwards to it (${r.method}), so ${epOf(r.addr, r.port)} takes connections and answers none`,
      fix: hideFix(hide && hide.via === "sysctl" ? " via sysctl" : ""),
    });
  } else rep.ok(host, "vip-on-rs", vipAddr, `on ${on.map((a) => a.dev).join(", ")}`);
  // something listening for the service
  if (!r.listen) rep.skip(host, "listening", subject, noListen(r));
  else if (f.listen && isSkipped(f.listen)) rep.skip(host, "listening", subject, f.listen.skipped);
  else if (f.listen) {
    const proto = r.listen;
    const l = listens(f.listen, proto, vipAddr, r.port);
    if (l) rep.ok(host, "listening", subject, `${proto} ${l.addr === null ? "*" : l.addr}:${l.port}`);
    else {
      const others = f.listen.filter((x) => x.proto === proto && x.port === r.port);
      // a wildcard of the other family (an IPv6-only [::]:80) says so; an address of its own is not the VIP
      const elsewhere = others.map((x) => (x.addr === null ? `${epOf(x.family === 6 ? "::" : "0.0.0.0", r.port)} (IPv${x.family} only)` : epOf(x.addr, r.port)));
      rep.find(host, "listening", subject, {
        code: "rs-not-listening",
        severity: "error",
        message: `nothing on ${host} listens on ${proto} ${epOf(vipAddr, r.port)}${elsewhere.length ? ` (only on ${elsewhere.join(", ")}${others.some((x) => x.addr !== null) ? `: with ${r.method} the packets are for the VIP` : ""})` : ""}: connections the director sends there are refused`,
        fix: `start the server on ${host} on port ${r.port}, bound to ${vipAddr} or to every address (check: ss -ltn 'sport = :${r.port}')`,
      });
    }
  }
  if (r.family === 6 && on.length) {
    // neighbour discovery answers for an address on the link a solicitation comes in on (there is no arp_ignore): lo is hidden
    const exposed = facing(f.links).filter((l) => on.some((a) => a.dev === l.name));
    if (exposed.length)
      rep.find(host, "arp-hidden", vipAddr, {
        code: "rs-answers-arp",
        severity: "error",
        message: `${vipAddr} is on ${exposed.map((l) => l.name).join(", ")} of ${host}, which answers neighbour discovery for it there: clients' traffic for the VIP goes to it, past the director (on lo it would not)`,
        fix: hide ? hideFix("") : `use vip ${vipAddr}; arp hide on rs; commit (binds it /128 on lo)`,
      });
    else rep.ok(host, "arp-hidden", vipAddr, `on ${on.map((a) => a.dev).join(", ")}: neighbour discovery does not answer for it`);
  }
  if (r.family !== 4 || !on.length) {
    if (!on.length) {
      rep.skip(host, "arp-hidden", vipAddr, "the VIP is not bound here");
      if (r.family === 4) rep.skip(host, "arp-announce", vipAddr, "the VIP is not bound here");
    }
    if (tun) tunChecks(rep, host, f, hideFix);
    return;
  }
  // ARP: requests for the VIP must not be answered, and the host's own requests must not give it away
  const links = facing(f.links);
  const rules = f.arp && !isSkipped(f.arp) ? f.arp : [];
  const dropped = rules.some((x) => x.chain === "INPUT" && x.target === "DROP" && x.dst === vipAddr && !x.src);
  const mangled = rules.some((x) => x.chain === "OUTPUT" && x.target === "mangle" && x.src === vipAddr && !!x.mangleIpS);
  const answersOn = links.filter((l) => {
    const ign = effective(f.sysctls, l.name, "arp_ignore") ?? 0;
    const holds = on.some((a) => a.dev === l.name);
    if (ign >= 8) return false;
    if (holds) return ign <= 1 || on.some((a) => a.dev === l.name && a.prefix < 32);
    return ign === 0;
  });
  if (dropped) rep.ok(host, "arp-hidden", vipAddr, "arptables drops ARP requests for it");
  else if (f.sysctlsSkipped) rep.skip(host, "arp-hidden", vipAddr, f.sysctlsSkipped);
  else if (!answersOn.length) rep.ok(host, "arp-hidden", vipAddr, `arp_ignore on ${links.map((l) => l.name).join(", ") || "every link"}`);
  else {
    const holding = answersOn.filter((l) => on.some((a) => a.dev === l.name) && (effective(f.sysctls, l.name, "arp_ignore") ?? 0) >= 1);
    if (holding.length)
      rep.find(host, "arp-hidden", vipAddr, {
        code: "arp-ignore-answers",
        severity: "error",
        message: `${vipAddr} is on ${holding.map((l) => l.name).join(", ")}, where arp_ignore=1 still answers ARP for it (it answers for addresses of the link a request comes in on): ${host} takes the VIP's traffic from the director`,
        fix: hide?.via === "sysctl" ? `use vip ${vipAddr}; arp hide on rs via sysctl dev lo; commit` : hideFix(""),
      });
    else if (mangled)
      // its replies leave with the VIP rewritten to its own address: they claim nothing (the director's arping sees none)
      rep.find(host, "arp-hidden", vipAddr, {
        code: "rs-answers-arp",
        severity: "warning",
        message: `${host} answers ARP for ${vipAddr} on ${answersOn.map((l) => l.name).join(", ")} (no arptables DROP rule, arp_ignore 0); only the OUTPUT mangle rule, which rewrites the VIP out of its replies, keeps clients from taking them`,
        fix: hideFix(hide?.via === "sysctl" ? " via sysctl" : ""),
      });
    else
      rep.find(host, "arp-hidden", vipAddr, {
        code: "rs-answers-arp",
        severity: "error",
        message: `${host} answers ARP for ${vipAddr} on ${answersOn.map((l) => l.name).join(", ")} (no arptables DROP rule, arp_ignore 0): clients' traffic for the VIP goes to it, past the director`,
        fix: hideFix(hide?.via === "sysctl" ? " via sysctl" : ""),
      });
  }
  if (f.arp && isSkipped(f.arp) && !answersOn.length) rep.skip(host, "arp-rules", vipAddr, f.arp.skipped);
  const announces = links.filter((l) => (effective(f.sysctls, l.name, "arp_announce") ?? 0) < 2);
  // answered: its own requests are the lesser matter, and the same fix hides both
  if (!dropped && answersOn.length && !f.sysctlsSkipped && !mangled && announces.length) {
    rep.skip(host, "arp-announce", vipAddr, "requests for the VIP are answered: the fix above hides both ways");
    if (tun) tunChecks(rep, host, f, hideFix);
    return;
  }
  // its own ARP requests: with the VIP as sender they teach the clients' neighbours its MAC
  if (mangled) rep.ok(host, "arp-announce", vipAddr, "arptables rewrites it out of its own requests");
  else if (f.sysctlsSkipped) rep.skip(host, "arp-announce", vipAddr, f.sysctlsSkipped);
  else if (!announces.length) rep.ok(host, "arp-announce", vipAddr, "arp_announce=2");
  else if (dropped)
    rep.find(host, "arp-announce", vipAddr, {
      code: "arp-mangle-missing",
      severity: "error",
      message: `${host} drops ARP for ${vipAddr} but has no OUTPUT mangle rule: its own ARP requests carry the VIP as sender, so neighbours learn its MAC for the VIP (and its replies hang)`,
      fix: hide ? hideFix("") : `use vip ${vipAddr}; arp hide on rs; commit (or: arptables -A OUTPUT -s ${vipAddr} -j mangle --mangle-ip-s ${r.addr})`,
    });
  else if (!answersOn.length)
    rep.find(host, "arp-announce", vipAddr, {
      code: "arp-announce-missing",
      severity: "error",
      message: `arp_announce is below 2 on ${announces.map((l) => l.name).join(", ")}: ${host}'s own ARP requests may carry ${vipAddr} as sender, so neighbours learn its MAC for the VIP`,
      fix: hideFix(" via sysctl"),
    });
  if (tun) tunChecks(rep, host, f, hideFix);
}

function tunChecks(rep: Report, host: string, f: HostFacts, hideFix: (what: string) => string): void {
  const t = f.links.find((l) => l.name === "tunl0");
  if (!t || !t.up)
    rep.find(host, "tunl0", "tunl0", {
      code: "tunl0-down",
      severity: "error",
      message: t ? `tunl0 is down on ${host}: the ipip packets the director sends it are dropped` : `${host} has no tunl0 (the ipip module is not loaded): it cannot take tunnelled packets`,
      fix: t ? hideFix("") : `modprobe ipip on ${host}, then: ${hideFix("")}`,
    });
  else rep.ok(host, "tunl0", "tunl0", "up");
  const rp = f.sysctlsSkipped ? undefined : effective(f.sysctls, "tunl0", "rp_filter");
  if (rp === undefined) rep.skip(host, "rp-filter", "tunl0", f.sysctlsSkipped ?? "not readable");
  else if (rp === 1)
    rep.find(host, "rp-filter", "tunl0", {
      code: "rp-filter-strict",
      severity: "error",
      message: `rp_filter is strict (1) for tunl0 on ${host}: packets from clients arrive on tunl0 but route back via another link, so the kernel drops them`,
      fix: hideFix(""),
    });
  else rep.ok(host, "rp-filter", "tunl0", `rp_filter ${rp}`);
}

function natRsChecks(rep: Report, r: ReadyCheck, f: HostFacts, subject: string, director?: { addrs: ReadonlySet<string>; nets: readonly AddrEntry[] }): void {
  const host = r.host;
  if (!r.listen) rep.skip(host, "listening", subject, noListen(r));
  else if (f.listen && isSkipped(f.listen)) rep.skip(host, "listening", subject, f.listen.skipped);
  else if (f.listen) {
    const proto = r.listen;
    const l = listens(f.listen, proto, r.addr, r.port);
    if (l) rep.ok(host, "listening", subject, `${proto} ${l.addr === null ? "*" : l.addr}:${l.port}`);
    else
      rep.find(host, "listening", subject, {
        code: "rs-not-listening",
        severity: "error",
        message: `nothing on ${host} listens on ${proto} ${epOf(r.addr, r.port)}: connections the director sends there are refused`,
        fix: `start the server on ${host} on port ${r.port} (check: ss -ltn 'sport = :${r.port}')`,
      });
  }
  if (!f.routes || !director) return;
  const { addrs: directorAddrs, nets: directorNets } = director;
  if (isSkipped(f.routes)) return rep.skip(host, "nat-route", "default", f.routes.skipped);
  const fam = r.family;
  const routes = f.routes.filter((x) => (x.gateway ?? x.dst).includes(":") === (fam === 6) || x.dst === "default");
  const def = routes.filter((x) => x.dst === "default" && x.gateway && x.gateway.includes(":") === (fam === 6));
  const viaDir = def.filter((x) => directorAddrs.has(x.gateway!));
  if (viaDir.length) return rep.ok(host, "nat-route", "default", `via ${viaDir[0]!.gateway} (the director)`);
  const others = routes.filter((x) => x.dst !== "default" && x.gateway && directorAddrs.has(x.gateway));
  // the director's address on the real server's network
  const me = parseIp(r.addr);
  const gw = directorNets.find((a) => {
    const p = parseIp(a.addr);
    return !!me && !!p && p.family === me.family && a.prefix < (p.family === 4 ? 32 : 128) && inSubnet(me, p, a.prefix);
  })?.addr;
  rep.find(host, "nat-route", "default", {
    code: "nat-route-bypasses-director",
    severity: others.length ? "warning" : "error",
    message: `${host}'s default route ${def.length ? `goes via ${def.map((x) => x.gateway).join(", ")}` : "is missing"}, not through the director: its replies to clients bypass it and are never translated back${others.length ? ` (routes to ${others.map((x) => x.dst).join(", ")} do go via the director: fine if every client is there)` : ""}`,
    fix: `on ${host}: ip route replace default via ${gw ?? "DIRECTOR-ADDRESS"} (the director's address on ${host}'s network)`,
  });
}

/**
 * A commit's check of a real server it is about to add (on its host, once
 * that host's own steps ran): doctor's real-server checks for this one real
 * server, on what was read there. The errors are what makes it not ready.
 */
export function realServerReady(r: ReadyCheck, f: HostFacts): { readonly checked: readonly Checked[]; readonly findings: readonly Finding[] } {
  const rep = new Report();
  rsChecks(rep, r, f, rsOf(r.service, r), false);
  return { checked: rep.checked[r.host] ?? [], findings: rep.findings };
}
