/** The compiler's plans: the seed's commands, the phase order, undos, the fewest steps. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile, type State } from "../../src/model/index.js";
import { diff, makePlan, PHASES, planToJson, renderPlanShell, renderPlanText, type Plan } from "../../src/plan/index.js";
import { expectGolden } from "../helpers/golden.js";
import { load, planOf, SEED } from "../helpers/load.js";

const golden = (name: string) => new URL(`./golden/${name}`, import.meta.url).pathname;
const seedFile = readFileSync(new URL("../../examples/seed-dr.lvsh", import.meta.url), "utf8");
const cmd = (p: Plan) => p.steps.map((s) => `${s.host}: ${s.argv.join(" ")}`);

describe("the seed scenario", () => {
  const plan = planOf(seedFile);

  it("gives the seed's commands, with today's arptables chain names", () => {
    const lines = cmd(plan);
    // the seed, as typed on the director and on each real server (IN/OUT are now INPUT/OUTPUT)
    expect(lines).toContain("director: ip addr add 172.25.254.10/24 dev eth0");
    expect(lines).toContain("director: ipvsadm -A -t 172.25.254.10:80 -s rr");
    expect(lines).toContain("director: ipvsadm -a -t 172.25.254.10:80 -r 172.25.254.2:80 -g -w 1");
    expect(lines).toContain("director: ipvsadm -a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 1");
    expect(lines).toContain("172.25.254.2: arptables -A INPUT -d 172.25.254.10 -j DROP");
    expect(lines).toContain("172.25.254.2: arptables -A OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s 172.25.254.2");
    expect(lines).toContain("172.25.254.3: arptables -A OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s 172.25.254.3");
    expect(lines).toContain("172.25.254.3: ip addr add 172.25.254.10/32 dev eth0");
    // and on each real server, once it is prepared, the check that it is ready (read-only)
    expect(plan.steps.filter((s) => s.ready).map((s) => `${s.host}: ${s.reason}`)).toEqual([
      "172.25.254.2: check real server 172.25.254.2 ready for tcp 172.25.254.10:80 (VIP bound, ARP hidden, port 80 listening)",
      "172.25.254.3: check real server 172.25.254.3 ready for tcp 172.25.254.10:80 (VIP bound, ARP hidden, port 80 listening)",
    ]);
    expect(lines).toHaveLength(12);
  });

  it("matches the golden plans (text, shell, JSON)", () => {
    expectGolden(golden("seed-dr.plan.txt"), renderPlanText(plan) + "\n");
    expectGolden(golden("seed-dr.sh"), renderPlanShell(plan) + "\n");
    expectGolden(golden("seed-dr.json"), JSON.stringify(planToJson(plan), null, 2) + "\n");
  });

  it("gives every step an undo that is its inverse (a check: nothing to undo)", () => {
    for (const s of plan.steps) {
      if (s.ready) {
        expect(s.undo).toEqual([]);
        continue;
      }
      expect(s.undo, s.argv.join(" ")).not.toBeNull();
      const inverse: Record<string, [number, string]> = { "-A": [1, "-D"], "-a": [1, "-d"], add: [2, "del"] };
      const [i, verb] = inverse[s.argv[1] === "addr" ? s.argv[2]! : s.argv[1]!]!;
      expect(s.undo![i]).toBe(verb);
      if (s.argv[0] !== "ipvsadm") expect([...s.undo!.slice(0, i), ...s.undo!.slice(i + 1)]).toEqual([...s.argv.slice(0, i), ...s.argv.slice(i + 1)]);
    }
  });

  it("orders: ARP hidden before the VIP is bound on a real server; real servers ready before the director sends to them; service, real servers, then the VIP", () => {
    const idx = (host: string, pred: (a: readonly string[]) => boolean) => plan.steps.findIndex((s) => s.host === host && pred(s.argv));
    for (const rs of ["172.25.254.2", "172.25.254.3"]) {
      const drop = idx(rs, (a) => a[0] === "arptables" && a[2] === "INPUT");
      const mangle = idx(rs, (a) => a[0] === "arptables" && a[2] === "OUTPUT");
      const bind = idx(rs, (a) => a[0] === "ip");
      const ready = plan.steps.findIndex((s) => s.host === rs && s.ready?.addr === rs);
      const added = idx("director", (a) => a[1] === "-a" && a.includes(`${rs}:80`));
      expect(drop).toBeLessThan(bind);
      expect(mangle).toBeLessThan(bind);
      expect(bind).toBeLessThan(ready);
      expect(ready).toBeLessThan(added);
    }
    const svc = idx("director", (a) => a[1] === "-A");
    const vip = idx("director", (a) => a[0] === "ip");
    expect(svc).toBeLessThan(idx("director", (a) => a[1] === "-a"));
    expect(vip).toBe(plan.steps.length - 1);
  });

  it("maps each step to its source statement", () => {
    const bySource = Object.fromEntries(plan.steps.map((s) => [s.argv.join(" "), `${s.span!.line}:${s.span!.col}`]));
    expect(bySource["ipvsadm -A -t 172.25.254.10:80 -s rr"]).toBe("13:1");
    expect(bySource["arptables -A INPUT -d 172.25.254.10 -j DROP"]).toBe("15:1");
  });
});

describe("the phase table", () => {
  it("is ordered: removals in reverse of creations, each kind once per side and action", () => {
    const ids = PHASES.map((p) => p.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const blocks = PHASES.map((p) => p.block);
    expect(blocks).toEqual([...blocks].sort((a, b) => a - b));
    const seen = new Set(PHASES.map((p) => `${p.side}/${p.action}/${p.kind}`));
    expect(seen.size).toBe(PHASES.length);
    // keepalived's file is rewritten (checked first, installed last), never removed in a phase of its own
    const dirSet = PHASES.filter((p) => p.side === "director" && p.action === "set" && p.kind !== "sysctl" && !p.kind.startsWith("keepalived")).map((p) => p.kind);
    const dirRemove = PHASES.filter((p) => p.side === "director" && p.action === "remove" && !p.kind.startsWith("keepalived")).map((p) => p.kind);
    expect(dirRemove).toEqual([...dirSet].reverse());
  });

  it("removes in reverse: the director's VIP, its real servers, its service, then the real servers' VIP and ARP rules", () => {
    const running = compile(load(SEED).config).state;
    // the VIPs of the running configuration are lvsh's to remove
    const plan = makePlan(running, compile(load("").config), { vips: ["172.25.254.10"] });
    expect(cmd(plan)).toEqual([
      "director: ip addr del 172.25.254.10/32 dev eth0",
      "director: ipvsadm -d -t 172.25.254.10:80 -r 172.25.254.2:80",
      "director: ipvsadm -d -t 172.25.254.10:80 -r 172.25.254.3:80",
      "director: ipvsadm -D -t 172.25.254.10:80",
      "172.25.254.2: ip addr del 172.25.254.10/32 dev eth0",
      "172.25.254.2: arptables -D INPUT -d 172.25.254.10 -j DROP",
      "172.25.254.2: arptables -D OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s 172.25.254.2",
      "172.25.254.3: ip addr del 172.25.254.10/32 dev eth0",
      "172.25.254.3: arptables -D INPUT -d 172.25.254.10 -j DROP",
      "172.25.254.3: arptables -D OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s 172.25.254.3",
    ]);
    // and each removal's undo puts back what was there
    expect(plan.steps[3]!.undo).toEqual(["ipvsadm", "-A", "-t", "172.25.254.10:80", "-s", "rr"]);
    expect(plan.summary).toEqual({ add: 0, change: 0, destroy: 10 });
  });
});

describe("diff", () => {
  const states: [string, State][] = [
    ["empty", { hosts: {} }],
    ["seed", compile(load(SEED).config).state],
    [
      "everything",
      compile(
        load(
          "vip 192.0.2.10/24 on eth1; service udp :53 sh flags sh-fallback,sh-port persistent 60 netmask 255.255.255.0; add rs 198.51.100.5:5353 nat; add rs .7 nat weight 0 max 100 min 10; vip 203.0.113.5 on eth0; service :8443 mh flags mh-fallback; add rs 192.0.2.41 tun; add rs 192.0.2.42 tun type gue port 5555 remcsum; arp hide on rs via sysctl",
        ).config,
      ).state,
    ],
  ];
  it.each(states)("diff(%s, itself) is empty", (_n, s) => {
    expect(diff(s, s, { director: "director", vips: new Set(["192.0.2.10", "203.0.113.5", "172.25.254.10"]) })).toEqual([]);
  });

  it("plans an unchanged configuration as zero steps", () => {
    const d = compile(load(SEED).config);
    const plan = makePlan(d.state, d);
    expect(plan.steps).toEqual([]);
    expect(renderPlanText(plan)).toMatch(/^No changes/);
  });

  it("changes a weight with one `ipvsadm -e`, undone by the old one", () => {
    const running = compile(load(SEED).config).state;
    const plan = planOf(`${SEED}; set rs .3 weight 5`, running);
    expect(plan.steps.map((s) => s.argv.join(" "))).toEqual(["ipvsadm -e -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 5"]);
    expect(plan.steps[0]!.undo!.join(" ")).toBe("ipvsadm -e -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 1");
    expect(plan.summary).toEqual({ add: 0, change: 1, destroy: 0 });
  });

  it("edits a service's scheduler in place, keeping its real servers", () => {
    const running = compile(load(SEED).config).state;
    const plan = planOf(SEED.replace(":80 rr", ":80 wrr persistent 300"), running);
    expect(plan.steps.map((s) => s.argv.join(" "))).toEqual(["ipvsadm -E -t 172.25.254.10:80 -s wrr -p 300"]);
    expect(plan.steps[0]!.undo!.join(" ")).toBe("ipvsadm -E -t 172.25.254.10:80 -s rr");
  });

  it("replaces a VIP whose prefix changes (-/+), removing first", () => {
    const running = compile(load(SEED).config).state;
    const plan = planOf(SEED.replace("vip 172.25.254.10 on eth0", "vip 172.25.254.10/24 on eth0"), running);
    expect(plan.changes.map((c) => c.action)).toEqual(["replace"]);
    expect(plan.steps.map((s) => s.argv.join(" "))).toEqual(["ip addr del 172.25.254.10/32 dev eth0", "ip addr add 172.25.254.10/24 dev eth0"]);
    expect(renderPlanText(plan)).toContain("-/+ replace address 172.25.254.10/32 on eth0 with /24 on eth0");
  });

  it("leaves alone addresses and ARP rules that are not its VIPs", () => {
    const running: State = {
      hosts: {
        director: { ipvs: [], arp: [], addrs: [{ addr: "172.25.254.1", prefix: 24, dev: "eth0" }], sysctls: {} },
        "172.25.254.2": { ipvs: [], arp: [{ chain: "INPUT", target: "DROP", dst: "198.51.100.1" }], addrs: [{ addr: "172.25.254.2", prefix: 24, dev: "eth0" }], sysctls: {} },
      },
    };
    const plan = planOf(SEED, running);
    expect(plan.steps.some((s) => s.argv.includes("del") || s.argv.includes("-D"))).toBe(false);
    // the seed's 10 changes and the check of each of its 2 real servers
    expect(plan.steps).toHaveLength(12);
  });

  it("sets ARP sysctls on real servers before binding the VIP on lo, and restores the values read", () => {
    const src = "vip 192.0.2.10 on eth0; service :80 rr; add rs .21; arp hide on rs via sysctl";
    const running: State = {
      hosts: { "192.0.2.21": { ipvs: [], arp: [], addrs: [], sysctls: { "net.ipv4.conf.all.arp_ignore": "0", "net.ipv4.conf.lo.arp_announce": "0" } } },
    };
    const plan = planOf(src, running);
    const rs = plan.steps.filter((s) => s.host === "192.0.2.21" && !s.ready);
    expect(rs.map((s) => s.argv.join(" "))).toEqual([
      "sysctl -q -w net.ipv4.conf.all.arp_ignore=1",
      "sysctl -q -w net.ipv4.conf.all.arp_announce=2",
      "sysctl -q -w net.ipv4.conf.lo.arp_ignore=1",
      "sysctl -q -w net.ipv4.conf.lo.arp_announce=2",
      "ip addr add 192.0.2.10/32 dev lo",
    ]);
    expect(rs[0]!.undo).toEqual(["sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=0"]);
    expect(rs[1]!.undo).toBeNull();
    expect(rs[1]!.undoReason).toMatch(/not read/);
  });

  it("turns forwarding on for NAT before adding the real servers", () => {
    const plan = planOf("vip 192.0.2.10/24 on eth0; service :80; add rs .21:8080 nat");
    expect(plan.steps.map((s) => s.argv.join(" "))).toEqual([
      "sysctl -q -w net.ipv4.ip_forward=1",
      "ipvsadm -A -t 192.0.2.10:80 -s wlc",
      "ipvsadm -a -t 192.0.2.10:80 -r 192.0.2.21:8080 -m -w 1",
      "ip addr add 192.0.2.10/24 dev eth0",
    ]);
  });

  it("emits every ipvsadm option in the form `ipvsadm -Sn` saves it", () => {
    const plan = planOf(
      [
        "service udp 192.0.2.10:53 sh flags sh-port,sh-fallback; add rs 198.51.100.5:5353 nat",
        "service udp 192.0.2.12:5060 rr persistent 60 pe sip; add rs .51",
        "service udp 192.0.2.13:9999 nq one-packet; add rs .61",
        "service sctp 192.0.2.11:3868 lc; add rs .31",
        "service 203.0.113.5:8443 mh flags mh-fallback; add rs 192.0.2.41 tun; add rs 192.0.2.42 tun type gue port 5555 remcsum; add rs 192.0.2.43 tun type gre csum",
        "service [2001:db8::10]:80 sed; add rs 2001:db8::21 weight 5",
        "service fwmark 7 wrr persistent 120 netmask 255.255.255.0; add rs 198.51.100.6 nat weight 4",
        "service fwmark 9 ipv6 fo; add rs 2001:db8::22",
        "service 192.0.2.10:443 wlc persistent 600; add rs 192.0.2.21 weight 2 max 1000 min 800",
      ].join("\n"),
    );
    const ipvs = plan.steps.filter((s) => s.argv[0] === "ipvsadm").map((s) => s.argv.slice(1).join(" "));
    expect(ipvs).toEqual([
      "-A -u 192.0.2.10:53 -s sh -b sh-fallback,sh-port",
      "-A -u 192.0.2.12:5060 -s rr -p 60 --pe sip",
      "-A -u 192.0.2.13:9999 -s nq -o",
      "-A --sctp-service 192.0.2.11:3868 -s lc",
      "-A -t 203.0.113.5:8443 -s mh -b mh-fallback",
      "-A -t [2001:db8::10]:80 -s sed",
      "-A -f 7 -s wrr -p 120 -M 255.255.255.0",
      "-A -f 9 -6 -s fo",
      "-A -t 192.0.2.10:443 -s wlc -p 600",
      "-a -u 192.0.2.10:53 -r 198.51.100.5:5353 -m -w 1",
      "-a -u 192.0.2.12:5060 -r 192.0.2.51:5060 -g -w 1",
      "-a -u 192.0.2.13:9999 -r 192.0.2.61:9999 -g -w 1",
      "-a --sctp-service 192.0.2.11:3868 -r 192.0.2.31:3868 -g -w 1",
      "-a -t 203.0.113.5:8443 -r 192.0.2.41:8443 -i -w 1",
      "-a -t 203.0.113.5:8443 -r 192.0.2.42:8443 -i -w 1 --tun-type gue --tun-port 5555 --tun-remcsum",
      "-a -t 203.0.113.5:8443 -r 192.0.2.43:8443 -i -w 1 --tun-type gre --tun-csum",
      "-a -t [2001:db8::10]:80 -r [2001:db8::21]:80 -g -w 5",
      "-a -f 7 -r 198.51.100.6:0 -m -w 4",
      "-a -f 9 -6 -r [2001:db8::22]:0 -g -w 1",
      "-a -t 192.0.2.10:443 -r 192.0.2.21:443 -g -w 2 -x 1000 -y 800",
    ]);
  });
});

describe("tun real servers", () => {
  it("take the VIP on tunl0, brought up, with the reverse-path filter off, ARP hidden first", () => {
    const running: State = {
      hosts: {
        "192.0.2.41": {
          ipvs: [],
          arp: [],
          addrs: [],
          sysctls: { "net.ipv4.conf.all.rp_filter": "1", "net.ipv4.conf.tunl0.rp_filter": "1" },
          links: { lo: true, eth0: true, tunl0: false },
        },
      },
    };
    const plan = planOf("vip 203.0.113.5 on eth0; service :80 rr; add rs 192.0.2.41 tun; arp hide on rs", running);
    const rs = plan.steps.filter((s) => s.host === "192.0.2.41" && !s.ready);
    expect(plan.steps.find((s) => s.ready)!.reason).toBe("check real server 192.0.2.41 ready for tcp 203.0.113.5:80 (VIP bound, ARP hidden, tunl0 up, port 80 listening)");
    expect(rs.map((s) => s.argv.join(" "))).toEqual([
      "sysctl -q -w net.ipv4.conf.all.rp_filter=0",
      "sysctl -q -w net.ipv4.conf.tunl0.rp_filter=0",
      "arptables -A INPUT -d 203.0.113.5 -j DROP",
      "arptables -A OUTPUT -s 203.0.113.5 -j mangle --mangle-ip-s 192.0.2.41",
      "ip link set tunl0 up",
      "ip addr add 203.0.113.5/32 dev tunl0",
    ]);
    expect(rs.map((s) => s.undo?.join(" "))).toEqual([
      "sysctl -q -w net.ipv4.conf.all.rp_filter=1",
      "sysctl -q -w net.ipv4.conf.tunl0.rp_filter=1",
      "arptables -D INPUT -d 203.0.113.5 -j DROP",
      "arptables -D OUTPUT -s 203.0.113.5 -j mangle --mangle-ip-s 192.0.2.41",
      "ip link set tunl0 down",
      "ip addr del 203.0.113.5/32 dev tunl0",
    ]);
    // the director encapsulates
    expect(plan.steps.find((s) => s.argv[1] === "-a")!.argv).toContain("-i");
  });

  it("keep an explicit `dev`, and a dr real server of the same VIP keeps eth0", () => {
    const plan = planOf("vip 203.0.113.5 on eth0; service :80 rr; add rs 192.0.2.41 tun; add rs 192.0.2.42 dr; arp hide on rs via sysctl");
    const bind = (h: string) => plan.steps.find((s) => s.host === h && s.argv[1] === "addr")!.argv.join(" ");
    expect(bind("192.0.2.41")).toBe("ip addr add 203.0.113.5/32 dev tunl0");
    expect(bind("192.0.2.42")).toBe("ip addr add 203.0.113.5/32 dev lo");
    const explicit = planOf("vip 203.0.113.5 on eth0; service :80 rr; add rs 192.0.2.41 tun; arp hide on rs dev dummy0");
    expect(explicit.steps.find((s) => s.argv[1] === "addr" && s.host !== "director")!.argv.join(" ")).toBe("ip addr add 203.0.113.5/32 dev dummy0");
  });

  it("stop before any step when tunl0 does not exist (the ipip module is not loaded)", () => {
    const running: State = { hosts: { "192.0.2.41": { ipvs: [], arp: [], addrs: [], sysctls: {}, links: { lo: true, eth0: true } } } };
    const plan = planOf("vip 203.0.113.5 on eth0; service :80 rr; add rs 192.0.2.41 tun; arp hide on rs", running);
    const up = plan.steps.find((s) => s.argv.join(" ") === "ip link set tunl0 up")!;
    expect(up.undo).toBeNull();
    expect(up.undoReason).toContain("modprobe ipip");
  });
});

describe("readiness checks: a real server the director is about to add is checked on its host first", () => {
  const checks = (p: Plan) => p.steps.filter((s) => s.ready).map((s) => `${s.id} ${s.host}: ${s.reason}`);

  it("checks each real server added, after its host's own steps and before the director's -a for it", () => {
    const plan = planOf("vip 192.0.2.10 on eth0; service :80 rr; add rs .21 .22; arp hide on rs via sysctl; service udp :53 rr; add rs .21");
    expect(checks(plan)).toEqual([
      "6 192.0.2.21: check real server 192.0.2.21 ready for tcp 192.0.2.10:80 (VIP bound, ARP hidden, port 80 listening)",
      "7 192.0.2.21: check real server 192.0.2.21 ready for udp 192.0.2.10:53 (VIP bound, ARP hidden, udp port 53 listening)",
      "13 192.0.2.22: check real server 192.0.2.22 ready for tcp 192.0.2.10:80 (VIP bound, ARP hidden, port 80 listening)",
    ]);
    for (const c of plan.steps.filter((s) => s.ready)) {
      const own = plan.steps.filter((s) => s.host === c.host && !s.ready);
      expect(Math.max(...own.map((s) => s.id))).toBeLessThan(c.id);
      const add = plan.steps.find((s) => s.argv[1] === "-a" && s.change === c.change)!;
      expect(add.host).toBe("director");
      expect(c.id).toBeLessThan(add.id);
      expect(c.phase).toBe(10);
      expect(c.undo).toEqual([]);
      expect(c.argv.slice(0, 2)).toEqual(["sh", "-c"]);
    }
    expect(renderPlanText(plan, { commands: true })).toContain("undo: nothing (a check changes nothing)");
    expect(planToJson(plan).steps[5]!.ready).toMatchObject({ host: "192.0.2.21", addr: "192.0.2.21", port: 80, method: "dr", vip: "192.0.2.10", listen: "tcp" });
  });

  it("checks a NAT real server's own address and a tun one's tunl0, on a host a `host` statement names", () => {
    const plan = planOf("host 192.0.2.31 via netns rs31; vip 192.0.2.10 on eth0; service :80 rr; add rs .31:8080 nat; vip 203.0.113.5 on eth0; service :443 rr; add rs 192.0.2.41 tun; arp hide on rs");
    expect(checks(plan).map((c) => c.replace(/^\d+ /, ""))).toEqual([
      "192.0.2.41: check real server 192.0.2.41 ready for tcp 203.0.113.5:443 (VIP bound, ARP hidden, tunl0 up, port 443 listening)",
      "192.0.2.31: check real server 192.0.2.31 ready for tcp 192.0.2.10:80 (port 8080 listening)",
    ]);
    // the check's host is reached as the configuration says, though lvsh changes nothing there
    expect(plan.hosts["192.0.2.31"]).toEqual({ kind: "netns", name: "rs31" });
    expect(plan.steps.find((s) => s.host === "192.0.2.31")!.argv[2]).toContain("nothing listens on tcp 192.0.2.31:8080");
  });

  it("skips the listening part of a fwmark service (its ports are the marking rule's)", () => {
    const plan = planOf("vip 192.0.2.10 on eth0; service fwmark 7 rr; add rs .21; arp hide on rs");
    expect(checks(plan)).toEqual(["4 192.0.2.21: check real server 192.0.2.21 ready for fwmark 7 (VIP bound, ARP hidden)"]);
    expect(plan.steps.find((s) => s.ready)!.argv[2]).not.toContain("ss ");
  });

  it("checks no real server lvsh does not reach (no `arp hide on rs`, no `host`), none at weight 0 or in maintenance", () => {
    expect(checks(planOf("vip 192.0.2.10 on eth0; service :80 rr; add rs .21 .22 dr; add rs .23:8080 nat"))).toEqual([]);
    expect(checks(planOf("vip 192.0.2.10 on eth0; service :80 rr; add rs .21 weight 0; add rs .22; maintenance rs .22 on; arp hide on rs"))).toEqual([]);
  });

  it("checks nothing for a weight change, a delete, or a real server already there", () => {
    const running = compile(load(SEED).config).state;
    expect(checks(planOf(`${SEED}; set rs .3 weight 5`, running))).toEqual([]);
    expect(checks(planOf(`${SEED}; del rs .3`, running))).toEqual([]);
    expect(checks(planOf(SEED, running))).toEqual([]);
    // only the one added
    expect(checks(planOf(`${SEED}; add rs .4`, running))).toEqual([
      "4 172.25.254.4: check real server 172.25.254.4 ready for tcp 172.25.254.10:80 (VIP bound, ARP hidden, port 80 listening)",
    ]);
  });
});
