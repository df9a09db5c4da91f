/**
 * Running state x desired state -> the fewest changes. A weight change is
 * one update, not a delete and an add; an unchanged state gives no change.
 * Only what lvsh manages is compared: the director's IPVS table, the
 * addresses and ARP rules of the VIPs in scope, and the sysctls the desired
 * state names.
 */
import type { Span } from "../lang/index.js";
import { destKeyOf, elementKey, emptyHost, printedAsExpected, serviceKeyOf, type AddrEntry, type ArpRule, type Dest, type HostState, type IpvsService, type State } from "../model/index.js";
import type { Change, Element } from "./types.js";
import { describeElement, describeUpdate } from "./describe.js";
import { keepalivedVips } from "./keepalived.js";

export interface DiffScope {
  /** The host whose IPVS table lvsh manages. */
  readonly director: string;
  /** Addresses lvsh manages: its VIPs, running and desired. */
  readonly vips: ReadonlySet<string>;
}

type Svc = Omit<IpvsService, "dests">;

function svcFields(s: IpvsService): Svc {
  const { dests: _d, ...rest } = s;
  return rest;
}

export function sameService(a: Svc, b: Svc): boolean {
  return (
    a.scheduler === b.scheduler &&
    a.persistence === b.persistence &&
    (a.persistence === null || a.netmask === b.netmask) &&
    [...a.flags].sort().join(",") === [...b.flags].sort().join(",") &&
    a.onePacket === b.onePacket &&
    a.pe === b.pe
  );
}

function normTun(d: Dest): string {
  if (d.method !== "tun") return "";
  const type = d.tunType ?? "ipip";
  if (type === "ipip") return type;
  return `${type}|${d.tunPort ?? ""}|${d.tunCsum ?? "nocsum"}`;
}

export function sameDest(a: Dest, b: Dest): boolean {
  return (
    a.method === b.method &&
    a.weight === b.weight &&
    a.uThreshold === b.uThreshold &&
    a.lThreshold === b.lThreshold &&
    normTun(a) === normTun(b)
  );
}

export function arpRuleKey(r: ArpRule): string {
  return elementKey.arp("", r);
}

class Differ {
  readonly changes: Change[] = [];
  constructor(
    readonly origins: ReadonlyMap<string, Span>,
    readonly scope: DiffScope,
  ) {}

  push(key: string, host: string, action: Change["action"], before: Element | null, after: Element | null): void {
    const el = after ?? before!;
    const span = el.kind === "sysctl" || el.kind === "link" ? this.origins.get(key) : el.value.span;
    const reason = action === "update" ? describeUpdate(before!, after!) : describeElement(action, (after ?? before)!, before);
    const c: { -readonly [K in keyof Change]: Change[K] } = { key, host, action, before, after, reason };
    if (span) c.span = span;
    this.changes.push(c);
  }

  ipvs(host: string, running: readonly IpvsService[], desired: readonly IpvsService[]): void {
    // read back as this very table, line for line (a verify's read: state/ipvsadm.ts readAsPrinted)
    if (printedAsExpected(running, desired)) return;
    const run = new Map(running.map((s) => [serviceKeyOf(s), s]));
    const want = new Map(desired.map((s) => [serviceKeyOf(s), s]));
    for (const [k, d] of want) {
      const r = run.get(k);
      const key = elementKey.service(host, k);
      const after: Element = { kind: "service", value: svcFields(d) };
      if (!r) this.push(key, host, "create", null, after);
      else if (!sameService(svcFields(r), svcFields(d))) this.push(key, host, "update", { kind: "service", value: svcFields(r) }, after);
      this.dests(host, k, svcFields(d), r?.dests ?? [], d.dests);
    }
    for (const [k, r] of run) {
      if (want.has(k)) continue;
      this.dests(host, k, svcFields(r), r.dests, []);
      this.push(elementKey.service(host, k), host, "delete", { kind: "service", value: svcFields(r) }, null);
    }
  }

  dests(host: string, svcKey: string, svc: Svc, running: readonly Dest[], desired: readonly Dest[]): void {
    const run = new Map<string, Dest>();
    for (const d of running) run.set(destKeyOf(d), d);
    const want = new Map<string, Dest>();
    for (const d of desired) want.set(destKeyOf(d), d);
    // elementKey.dest, its common part once (10,000 real servers come through here)
    const prefix = elementKey.dest(host, svcKey, "");
    want.forEach((d, k) => {
      const r = run.get(k);
      if (!r) this.push(prefix + k, host, "create", null, { kind: "dest", service: svc, value: d });
      else if (!sameDest(r, d)) this.push(prefix + k, host, "update", { kind: "dest", service: svc, value: r }, { kind: "dest", service: svc, value: d });
    });
    run.forEach((r, k) => {
      if (!want.has(k)) this.push(prefix + k, host, "delete", { kind: "dest", service: svc, value: r }, null);
    });
  }

  addrs(host: string, running: readonly AddrEntry[], desired: readonly AddrEntry[]): void {
    const key = (a: AddrEntry) => elementKey.addr(host, a);
    const want = new Map(desired.map((a) => [key(a), a]));
    const run = new Map(running.filter((a) => this.scope.vips.has(a.addr) || want.has(key(a))).map((a) => [key(a), a]));
    const gone = [...run].filter(([k]) => !want.has(k)).map(([, a]) => a);
    for (const [k, a] of want) {
      if (run.has(k)) continue;
      const i = gone.findIndex((g) => g.addr === a.addr);
      if (i >= 0) {
        const [old] = gone.splice(i, 1);
        this.push(k, host, "replace", { kind: "addr", value: old! }, { kind: "addr", value: a });
      } else this.push(k, host, "create", null, { kind: "addr", value: a });
    }
    for (const a of gone) this.push(key(a), host, "delete", { kind: "addr", value: a }, null);
  }

  arp(host: string, running: readonly ArpRule[], desired: readonly ArpRule[]): void {
    const key = (r: ArpRule) => elementKey.arp(host, r);
    const inScope = (r: ArpRule) => (r.dst !== undefined && this.scope.vips.has(r.dst)) || (r.src !== undefined && this.scope.vips.has(r.src));
    const want = new Map(desired.map((r) => [key(r), r]));
    const run = new Map(running.filter((r) => inScope(r) || want.has(key(r))).map((r) => [key(r), r]));
    for (const [k, r] of want) if (!run.has(k)) this.push(k, host, "create", null, { kind: "arp", value: r });
    for (const [k, r] of run) if (!want.has(k)) this.push(k, host, "delete", { kind: "arp", value: r }, null);
  }

  sysctls(host: string, running: Readonly<Record<string, string>>, desired: Readonly<Record<string, string>>): void {
    for (const [k, v] of Object.entries(desired)) {
      const r = running[k];
      if (r === v) continue;
      this.push(elementKey.sysctl(host, k), host, "update", { kind: "sysctl", key: k, value: r ?? null }, { kind: "sysctl", key: k, value: v });
    }
  }

  links(host: string, running: HostState["links"], desired: HostState["links"]): void {
    for (const [name, up] of Object.entries(desired ?? {})) {
      const r = running?.[name];
      if (r === up) continue;
      this.push(elementKey.link(host, name), host, "update", { kind: "link", name, up: r ?? null }, { kind: "link", name, up });
    }
  }

  /** keepalived's file on a director: rewritten when its text differs, or keepalived started when it does not run. */
  keepalived(host: string, running: HostState["keepalived"], desired: HostState["keepalived"]): void {
    // no keepalived wanted where lvsh ran one (`clear`, `engine lvsh`, a recover to before a first commit):
    // stopped, its file moved aside (keepalived takes its table and VIPs with it)
    if (!desired || desired.text === null) {
      if (running && (running.text !== null || running.running)) this.push(elementKey.keepalived(host, running.path), host, "delete", { kind: "keepalived", value: running }, null);
      return;
    }
    const before = running && running.path === desired.path ? running : { path: desired.path, text: null, running: false };
    if (before.text === desired.text && before.running === desired.running) return;
    const key = elementKey.keepalived(host, desired.path);
    this.push(key, host, before.text === null ? "create" : "update", before.text === null ? null : { kind: "keepalived", value: before }, { kind: "keepalived", value: desired });
  }

  host(name: string, running: HostState, desired: HostState): void {
    // keepalived sets the IPVS table of a director it runs
    // a keepalived that stops takes its table with it: lvsh builds the director's from nothing
    const stopping = !!running.keepalived?.running && !desired.keepalived?.running;
    if (name === this.scope.director && !desired.keepalived) this.ipvs(name, stopping ? [] : running.ipvs, desired.ipvs);
    // keepalived at the path the configuration no longer names: stopped first, its file moved aside
    const old = running.keepalivedOld;
    if (old && old.path !== desired.keepalived?.path && (old.text !== null || old.running)) this.push(elementKey.keepalived(name, old.path), name, "delete", { kind: "keepalived", value: old }, null);
    this.keepalived(name, running.keepalived, desired.keepalived);
    this.sysctls(name, running.sysctls, desired.sysctls);
    this.links(name, running.links, desired.links);
    this.arp(name, running.arp, desired.arp);
    // the VIPs keepalived binds by VRRP (on whichever director is MASTER now) are not lvsh's to add or remove
    // (the desired file's, and those of the file keepalived runs now: a stop takes them away itself)
    const vrrp = new Set([...(running.keepalived?.running && running.keepalived.text ? keepalivedVips(running.keepalived.text) : [])]);
    if (desired.keepalived?.running && desired.keepalived.text) for (const v of keepalivedVips(desired.keepalived.text)) vrrp.add(v);
    const own = (as: readonly AddrEntry[]) => (vrrp.size ? as.filter((a) => !vrrp.has(a.addr)) : as);
    this.addrs(name, own(running.addrs), own(desired.addrs));
  }
}

export function diff(running: State, desired: State, scope: DiffScope, origins: ReadonlyMap<string, Span> = new Map()): Change[] {
  const d = new Differ(origins, scope);
  const names = [...new Set([...Object.keys(desired.hosts), ...Object.keys(running.hosts)])];
  for (const name of names) d.host(name, running.hosts[name] ?? emptyHost, desired.hosts[name] ?? emptyHost);
  return d.changes;
}
