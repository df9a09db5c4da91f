/**
 * doctor's checks, pure: the facts a healthy balancer gives (what a commit
 * of the configuration leaves on each host), then one thing broken at a
 * time. Each fault gives its code on its host, and nothing else is wrong.
 * The same faults on real tools: test/e2e/netns-doctor.test.ts and the lab.
 */
import { describe, expect, it } from "vitest";
import { compile, type Config } from "../../src/model/index.js";
import { doctor, type DoctorInput, type HostFacts, type LinkFact, type ProbeResult } from "../../src/plan/index.js";
import { load } from "../helpers/load.js";

const VIP = "172.25.254.10";
const SEED = `vip ${VIP} on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs`;

type Mutable = { -readonly [K in keyof HostFacts]: HostFacts[K] };

const links = (host: string): LinkFact[] => [
  { name: "lo", up: true, mac: "00:00:00:00:00:00", kind: "loopback" },
  { name: "eth0", up: true, mac: `02:00:00:00:00:${host === "director" ? "01" : host.split(".").pop()!.padStart(2, "0")}`, kind: "ether" },
  { name: "tunl0", up: false, mac: "0.0.0.0", kind: "ipip" },
];

/** What each host holds after a commit of `config`, and what the director sees of it. */
function healthy(config: Config): Record<string, Mutable> {
  const desired = compile(config);
  const out: Record<string, Mutable> = {};
  // NAT real servers get nothing from a commit: they are hosts all the same
  const hosts = { ...desired.state.hosts };
  for (const s of config.services.values()) for (const r of s.reals.values()) hosts[r.addr] ??= { ipvs: [], arp: [], addrs: [], sysctls: {} };
  for (const [host, st] of Object.entries(hosts)) {
    const own = host === "director" ? [{ addr: "172.25.254.1", prefix: 24, dev: "eth0" }] : [{ addr: host, prefix: 24, dev: "eth0" }];
    const l = links(host).map((x) => (st.links?.[x.name] ? { ...x, up: true } : x));
    out[host] = {
      via: `netns ${host}`,
      addrs: [...own, ...st.addrs.map(({ addr, prefix, dev }) => ({ addr, prefix, dev }))],
      links: l,
      sysctls: { "net.ipv4.conf.all.arp_ignore": "0", "net.ipv4.conf.eth0.arp_ignore": "0", "net.ipv4.conf.all.arp_announce": "0", "net.ipv4.conf.eth0.arp_announce": "0", "net.ipv4.conf.all.rp_filter": "0", "net.ipv4.conf.tunl0.rp_filter": "0", ...st.sysctls },
      arp: st.arp.map(({ span: _s, ...r }) => r),
      ...(host !== "director" ? { listen: [{ proto: "tcp" as const, addr: null, port: 80, family: 0 as const }] } : {}),
      ...(host !== "director" ? { routes: [{ dst: "default", gateway: "172.25.254.1", dev: "eth0" }] } : {}),
    };
  }
  const d = out.director!;
  d.ipvs = desired.state.hosts.director!.ipvs.map((s) => ({ ...s, span: undefined, dests: s.dests.map((x) => ({ ...x, span: undefined })) }));
  d.conns = new Map();
  const probes = new Map<string, ProbeResult>();
  for (const s of config.services.values()) for (const r of s.reals.values()) probes.set(`${r.addr} ${r.port}`, "open");
  d.probes = probes;
  d.arpAnswers = new Map([...config.vips.values()].filter((v) => v.iface && v.family === 4).map((v) => [v.addr, [links("director")[1]!.mac]]));
  return out;
}

function run(src: string, change: (f: Record<string, Mutable>) => void = () => {}, more: Partial<DoctorInput> = {}) {
  const { config, errors } = load(src);
  expect(errors).toEqual([]);
  const facts = healthy(config);
  change(facts);
  return doctor({ config, facts, committed: true, ...more });
}

const codes = (r: ReturnType<typeof run>) => r.findings.map((f) => `${f.host} ${f.code}`);

describe("doctor (pure checks)", () => {
  it("finds nothing wrong on the balancer a commit leaves, and lists what it checked per host", () => {
    const r = run(SEED);
    expect(r.findings).toEqual([]);
    expect(Object.keys(r.checked)).toEqual(["director", "172.25.254.2", "172.25.254.3"]);
    expect(r.checked.director!.map((c) => c.check)).toEqual(["vip-bound", "ipvs-table", "arp-answers", "scheduler"]);
    expect(r.checked["172.25.254.2"]!.map((c) => `${c.check} ${c.result}`)).toEqual([
      "reachable-from-director ok",
      "vip-on-rs ok",
      "listening ok",
      "arp-hidden ok",
      "arp-announce ok",
    ]);
  });

  it.each([
    ["a real server without the VIP (the DSR blackhole)", (f: Record<string, Mutable>) => void (f["172.25.254.2"]!.addrs = f["172.25.254.2"]!.addrs.filter((a) => a.addr !== VIP)), "172.25.254.2 rs-vip-missing"],
    ["the OUTPUT mangle rule gone", (f: Record<string, Mutable>) => void (f["172.25.254.3"]!.arp = (f["172.25.254.3"]!.arp as unknown as { chain: string }[]).filter((r) => r.chain !== "OUTPUT") as never), "172.25.254.3 arp-mangle-missing"],
    ["the director without its VIP", (f: Record<string, Mutable>) => void (f.director!.addrs = f.director!.addrs.filter((a) => a.addr !== VIP)), "director vip-not-bound"],
    ["the VIP on the director's other link", (f: Record<string, Mutable>) => void (f.director!.addrs = f.director!.addrs.map((a) => (a.addr === VIP ? { ...a, dev: "eth1" } : a))), "director vip-not-bound"],
    ["nothing listening on a real server", (f: Record<string, Mutable>) => void (f["172.25.254.2"]!.listen = [{ proto: "tcp", addr: "127.0.0.1", port: 80, family: 4 }]), "172.25.254.2 rs-not-listening"],
    ["a real server listening on its own address only (dr needs the VIP)", (f: Record<string, Mutable>) => void (f["172.25.254.2"]!.listen = [{ proto: "tcp", addr: "172.25.254.2", port: 80, family: 4 }]), "172.25.254.2 rs-not-listening"],
    ["a real server the director cannot connect to", (f: Record<string, Mutable>) => void (f.director!.probes = new Map([["172.25.254.2 80", "refused"], ["172.25.254.3 80", "open"]])), "172.25.254.2 rs-unreachable"],
    ["an unknown MAC answering ARP for the VIP", (f: Record<string, Mutable>) => void (f.director!.arpAnswers = new Map([[VIP, ["02:00:00:00:00:99"]]])), "director arp-flux"],
    ["a real server's MAC answering ARP for the VIP", (f: Record<string, Mutable>) => void (f.director!.arpAnswers = new Map([[VIP, ["02:00:00:00:00:03"]]])), "director arp-flux"],
    ["a real server missing from the kernel", (f: Record<string, Mutable>) => void (f.director!.ipvs = [{ ...(f.director!.ipvs as unknown as object[])[0]!, dests: [] } as never]), "director ipvs-drift"],
  ])("%s", (_what, change, code) => {
    const r = run(SEED, change);
    expect(codes(r)).toContain(code);
    // exactly that: one host, one or two findings that follow from it
    expect(new Set(r.findings.map((f) => f.host)).size).toBe(1);
    expect(r.findings.every((f) => f.fix.length > 0 && f.message.length > 20)).toBe(true);
  });

  it("a real server that answers ARP (no DROP rule, arp_ignore 0) is named, with `commit force` as the fix when lvsh hides it", () => {
    const r = run(SEED, (f) => void (f["172.25.254.2"]!.arp = []));
    expect(r.findings.map((f) => [f.host, f.code, f.fix])).toEqual([["172.25.254.2", "rs-answers-arp", "commit force"]]);
  });

  it("without `arp hide`, the fix is the statement that hides it; checked against the candidate, the fix ends in commit", () => {
    const r = run(`vip ${VIP} on eth0; service :80 rr; add rs .2 dr`, (f) => {
      f["172.25.254.2"] = { ...healthy(load(SEED).config)["172.25.254.2"]!, arp: [] };
    });
    expect(r.findings.map((f) => [f.host, f.code, f.fix])).toEqual([["172.25.254.2", "rs-answers-arp", `use vip ${VIP}; arp hide on rs; commit`]]);
    const c = run(SEED, (f) => void (f["172.25.254.2"]!.addrs = f["172.25.254.2"]!.addrs.filter((a) => a.addr !== VIP)), { committed: false });
    expect(c.findings[0]!.fix).toBe("commit");
  });

  it("ARP hidden by sysctls: the VIP on lo passes; on eth0 arp_ignore=1 still answers; arp_announce below 2 leaks", () => {
    const src = `vip ${VIP} on eth0; service :80 rr; add rs .2 dr; arp hide on rs via sysctl`;
    expect(run(src).findings).toEqual([]);
    const onEth0 = run(`vip ${VIP} on eth0; service :80 rr; add rs .2 dr; arp hide on rs via sysctl dev eth0`);
    expect(onEth0.findings.map((f) => [f.host, f.code, f.fix])).toEqual([["172.25.254.2", "arp-ignore-answers", `use vip ${VIP}; arp hide on rs via sysctl dev lo; commit`]]);
    const leaks = run(src, (f) => {
      const s = f["172.25.254.2"]!.sysctls as Record<string, string>;
      s["net.ipv4.conf.all.arp_announce"] = "0";
      s["net.ipv4.conf.eth0.arp_announce"] = "0";
    });
    expect(codes(leaks)).toEqual(["172.25.254.2 arp-announce-missing"]);
    // negative control: arp_ignore back to 0 makes it answer, which is the worse finding
    const answers = run(src, (f) => {
      const s = f["172.25.254.2"]!.sysctls as Record<string, string>;
      s["net.ipv4.conf.all.arp_ignore"] = "0";
      s["net.ipv4.conf.eth0.arp_ignore"] = "0";
    });
    expect(codes(answers)).toEqual(["172.25.254.2 rs-answers-arp"]);
  });

  it("tun: tunl0 down or missing, and a strict rp_filter, on the real server", () => {
    const src = `vip ${VIP} on eth0; service :80 rr; add rs .2 tun; arp hide on rs`;
    expect(run(src).findings).toEqual([]);
    const down = run(src, (f) => void (f["172.25.254.2"]!.links = f["172.25.254.2"]!.links.map((l) => (l.name === "tunl0" ? { ...l, up: false } : l))));
    expect(codes(down)).toEqual(["172.25.254.2 tunl0-down"]);
    const gone = run(src, (f) => void (f["172.25.254.2"]!.links = f["172.25.254.2"]!.links.filter((l) => l.name !== "tunl0")));
    expect(gone.findings[0]!.message).toContain("no tunl0");
    // the kernel takes the larger of all and the device: all=1 is strict for tunl0 too
    const strict = run(src, (f) => void ((f["172.25.254.2"]!.sysctls as Record<string, string>)["net.ipv4.conf.all.rp_filter"] = "1"));
    expect(codes(strict)).toEqual(["172.25.254.2 rp-filter-strict"]);
    const loose = run(src, (f) => void ((f["172.25.254.2"]!.sysctls as Record<string, string>)["net.ipv4.conf.all.rp_filter"] = "2"));
    expect(loose.findings).toEqual([]);
  });

  it("nat: forwarding off on the director, a real server routing around it, conntrack without vs.conntrack", () => {
    const src = `vip ${VIP} on eth0; service :80 rr; add rs .2 .3 nat`;
    expect(run(src).findings).toEqual([]);
    const off = run(src, (f) => void ((f.director!.sysctls as Record<string, string>)["net.ipv4.ip_forward"] = "0"));
    expect(off.findings.map((f) => [f.host, f.code, f.fix])).toEqual([["director", "ip-forward-off", "commit force"]]);
    const around = run(src, (f) => void (f["172.25.254.3"]!.routes = [{ dst: "default", gateway: "172.25.254.254", dev: "eth0" }]));
    expect(around.findings.map((f) => [f.host, f.code, f.severity, f.fix])).toEqual([
      ["172.25.254.3", "nat-route-bypasses-director", "error", "on 172.25.254.3: ip route replace default via 172.25.254.1 (the director's address on 172.25.254.3's network)"],
    ]);
    const none = run(src, (f) => void (f["172.25.254.3"]!.routes = []));
    expect(codes(none)).toEqual(["172.25.254.3 nat-route-bypasses-director"]);
    // a NAT real server listens on its own address: the VIP is not its
    const own = run(src, (f) => void (f["172.25.254.2"]!.listen = [{ proto: "tcp", addr: "172.25.254.2", port: 80, family: 4 }]));
    expect(own.findings).toEqual([]);
    const tracked = run(src, (f) => void ((f.director!.sysctls as Record<string, string>)["net.netfilter.nf_conntrack_max"] = "262144"));
    expect(tracked.findings.map((f) => [f.host, f.code, f.severity])).toEqual([["director", "nat-conntrack-off", "warning"]]);
  });

  it("every real server of a service unreachable: each one, and the service", () => {
    const r = run(SEED, (f) => void (f.director!.probes = new Map([["172.25.254.2 80", "timeout"], ["172.25.254.3 80", "refused"]])));
    expect(codes(r)).toEqual(["172.25.254.2 rs-unreachable", "172.25.254.3 rs-unreachable", "director service-unreachable"]);
    expect(r.findings.find((f) => f.code === "service-unreachable")!.severity).toBe("warning");
  });

  it("risky, not broken: persistence with rr, weight 0 for days, a loaded director that lets connections to removed servers hang", () => {
    const p = run(`vip ${VIP} on eth0; service :80 rr persistent 300; add rs .2 dr; arp hide on rs`);
    expect(p.findings.map((f) => [f.host, f.code, f.severity])).toEqual([["director", "persistent-rr", "warning"]]);
    const src = `vip ${VIP} on eth0; service :80 wrr; add rs .2 .3 dr; arp hide on rs; maintenance rs .3 on`;
    const { config } = load(src);
    const svc = [...config.services.keys()][0]!;
    const now = Date.parse("2026-12-07T00:00:00Z");
    const zero = new Map([[`${svc} rs 172.25.254.3:80`, now - 3 * 86_400_000]]);
    const z = run(src, () => {}, { zeroSince: zero, now });
    expect(z.findings.map((f) => [f.host, f.code, f.fix])).toEqual([["director", "weight-zero-long", `use service tcp ${VIP}:80; maintenance rs 172.25.254.3 off; commit`]]);
    expect(z.findings[0]!.message).toContain("3 days");
    // hours are not days
    expect(run(src, () => {}, { zeroSince: new Map([[`${svc} rs 172.25.254.3:80`, now - 3_600_000]]), now }).findings).toEqual([]);
    const loaded = run(SEED, (f) => {
      f.director!.conns = new Map([["x", { active: 400, inactive: 900 }]]);
      (f.director!.sysctls as Record<string, string>)["net.ipv4.vs.expire_nodest_conn"] = "0";
    });
    expect(codes(loaded)).toEqual(["director conn-reuse-sysctls"]);
    const idle = run(SEED, (f) => void ((f.director!.sysctls as Record<string, string>)["net.ipv4.vs.expire_nodest_conn"] = "0"));
    expect(idle.findings).toEqual([]);
  });

  it("a host that cannot be read is one finding, and nothing else is said of it", () => {
    const r = run(SEED, (f) => void (f["172.25.254.3"] = { via: "ssh root@172.25.254.3", unreadable: "ssh: connect to host 172.25.254.3 port 22: No route to host", addrs: [], links: [], sysctls: {} }));
    expect(r.findings.map((f) => [f.host, f.code])).toEqual([["172.25.254.3", "host-unreadable"]]);
    expect(r.checked["172.25.254.3"]!.map((c) => c.check)).toEqual(["reachable", "reachable-from-director"]);
  });

  it("a part that could not be read is skipped with why, not a finding", () => {
    const r = run(SEED, (f) => {
      f["172.25.254.2"]!.listen = { skipped: "`ss -Hlntu` failed: command not found" };
      f.director!.probes = { skipped: "no shell" };
      f.director!.arpAnswers = new Map([[VIP, { skipped: "neither arping nor busybox arping is installed on the director" }]]);
    });
    expect(r.findings).toEqual([]);
    expect(r.checked["172.25.254.2"]!.filter((c) => c.result === "skipped").map((c) => c.check)).toEqual(["reachable-from-director", "listening"]);
    expect(r.checked.director!.find((c) => c.check === "arp-answers")!.detail).toContain("arping");
  });

  it("narrows to a VIP or a service", () => {
    const src = `${SEED}; vip 172.25.254.20 on eth0; service :443 rr; add rs .4 dr; arp hide on rs`;
    const { config } = load(src);
    const broken = (f: Record<string, Mutable>) => void (f["172.25.254.4"]!.addrs = []);
    const all = run(src, broken);
    expect(codes(all)).toContain("172.25.254.4 rs-vip-missing");
    const first = run(src, broken, { scope: { vip: VIP } });
    expect(first.findings).toEqual([]);
    expect(Object.keys(first.checked)).not.toContain("172.25.254.4");
    const second = run(src, broken, { scope: { service: [...config.services.keys()][1]! } });
    expect(codes(second)).toContain("172.25.254.4 rs-vip-missing");
  });
});

describe("doctor without the sysctls", () => {
  it("skips what needs them (saying why) instead of guessing that ARP is answered", () => {
    const src = `vip ${VIP} on eth0; service :80 rr; add rs .2 dr; arp hide on rs via sysctl`;
    const r = run(src, (f) => {
      f["172.25.254.2"]!.sysctls = {};
      f["172.25.254.2"]!.sysctlsSkipped = "`sysctl -a -r ...` failed: sysctl: invalid option -- 'r'";
    });
    expect(r.findings).toEqual([]);
    expect(r.checked["172.25.254.2"]!.filter((c) => c.result === "skipped").map((c) => [c.check, c.detail])).toEqual([
      ["arp-hidden", "`sysctl -a -r ...` failed: sysctl: invalid option -- 'r'"],
      ["arp-announce", "`sysctl -a -r ...` failed: sysctl: invalid option -- 'r'"],
    ]);
    // an arptables DROP rule is an answer without them
    const seed = run(SEED, (f) => {
      f["172.25.254.2"]!.sysctls = {};
      f["172.25.254.2"]!.sysctlsSkipped = "no sysctl";
    });
    expect(seed.findings).toEqual([]);
    expect(seed.checked["172.25.254.2"]!.find((c) => c.check === "arp-hidden")!.result).toBe("ok");
  });
});

describe("doctor, from an adversarial review", () => {
  it("unscoped, a service in the kernel that the configuration lacks is drift, wherever its VIP; scoped, only the scope's", () => {
    const extra = (f: Record<string, Mutable>) => {
      const s = (f.director!.ipvs as unknown as { addr: string }[])[0]!;
      f.director!.ipvs = [...(f.director!.ipvs as never[]), { ...s, addr: "172.25.254.99" } as never];
    };
    const r = run(SEED, extra);
    expect(r.findings.map((f) => [f.host, f.code])).toContainEqual(["director", "ipvs-drift"]);
    expect(r.findings.find((f) => f.code === "ipvs-drift")!.message).toContain("172.25.254.99");
    expect(run(SEED, extra, { scope: { vip: VIP } }).findings).toEqual([]);
    // nothing configured, something in the kernel: not "none in the kernel"
    const { config } = load(SEED);
    const facts = healthy(config);
    const empty = doctor({ config: load("").config, facts: { director: facts.director! }, committed: true });
    expect(empty.findings.map((f) => f.code)).toEqual(["ipvs-drift", "ipvs-drift", "ipvs-drift"]);
  });

  it("an IPv6 dr real server with the VIP on eth0 answers neighbour discovery; on lo it does not", () => {
    const src = "vip 2001:db8::10 on eth0; service [2001:db8::10]:80 rr; add rs 2001:db8::2 dr; arp hide on rs";
    const ok = run(src);
    expect(ok.findings).toEqual([]);
    expect(ok.checked["2001:db8::2"]!.find((c) => c.check === "arp-hidden")!.result).toBe("ok");
    expect(ok.checked.director!.find((c) => c.check === "arp-answers")!.result).toBe("skipped");
    const moved = run(src, (f) => void (f["2001:db8::2"]!.addrs = f["2001:db8::2"]!.addrs.map((a) => (a.addr === "2001:db8::10" ? { ...a, prefix: 64, dev: "eth0" } : a))));
    expect(moved.findings.map((f) => [f.host, f.code, f.fix])).toEqual([["2001:db8::2", "rs-answers-arp", "commit force"]]);
  });

  it("an interrupted commit comes first, and its fix is lvsh recover, for the drift it leaves too", () => {
    const broken = (f: Record<string, Mutable>) => void (f["172.25.254.2"]!.addrs = f["172.25.254.2"]!.addrs.filter((a) => a.addr !== VIP));
    const r = run(SEED, broken, { journal: { what: "commit", started: "2026-12-07T06:00:00Z", pid: 4242, alive: false } });
    expect(r.findings.map((f) => [f.host, f.code, f.severity])).toEqual([
      ["director", "journal-pending", "error"],
      ["172.25.254.2", "rs-vip-missing", "error"],
    ]);
    expect(r.findings.map((f) => f.fix)).toEqual(["lvsh recover", expect.stringMatching(/^lvsh recover/)]);
    const live = run(SEED, () => {}, { journal: { what: "commit", started: "2026-12-07T06:00:00Z", pid: 4242, alive: true } });
    expect(live.findings.map((f) => [f.code, f.severity])).toEqual([["journal-pending", "warning"]]);
    // and after it, the fix is commit force again
    expect(run(SEED, broken).findings[0]!.fix).toBe("commit force");
  });

  it("a service none of whose real servers answers: its fix parses", () => {
    const r = run(SEED, (f) => void (f.director!.probes = new Map([["172.25.254.2 80", "timeout"], ["172.25.254.3 80", "timeout"]])));
    const fix = r.findings.find((f) => f.code === "service-unreachable")!.fix;
    const statements = /`([^`]+)`/.exec(fix)![1]!.replace("ADDR:PORT", "172.25.254.50:80");
    expect(load(`${SEED}; ${statements.replace(/; commit$/, "")}`).errors).toEqual([]);
  });

  it("an IPv6-only listener is said as such, not as every address", () => {
    const r = run(SEED, (f) => void (f["172.25.254.2"]!.listen = [{ proto: "tcp", addr: null, port: 80, family: 6 }]));
    expect(r.findings.map((f) => f.code)).toEqual(["rs-not-listening"]);
    expect(r.findings[0]!.message).toContain("(only on [::]:80 (IPv6 only))");
  });

  it("every check it could not make is in `checked`, skipped with why; error rows carry the finding", () => {
    const gone = run(SEED, (f) => void (f["172.25.254.2"]!.addrs = f["172.25.254.2"]!.addrs.filter((a) => a.addr !== VIP)));
    expect(gone.checked["172.25.254.2"]!.map((c) => `${c.check} ${c.result}`)).toEqual([
      "reachable-from-director ok",
      "vip-on-rs error",
      "listening ok",
      "arp-hidden skipped",
      "arp-announce skipped",
    ]);
    expect(gone.checked["172.25.254.2"]![1]!.detail).toMatch(/^rs-vip-missing: /);
    const open = run(SEED, (f) => void (f["172.25.254.2"]!.arp = []));
    expect(open.checked["172.25.254.2"]!.find((c) => c.check === "arp-announce")).toMatchObject({ result: "skipped", detail: expect.stringContaining("hides both ways") });
  });
});
