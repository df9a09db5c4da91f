/**
 * `lvsh doctor` on the real kernel: run on the director by the scenarios
 * that build a balancer (guest/scenario-dr.sh, -nat.sh, -tun.sh), on their
 * committed set-up and on each of their negative controls, and on faults
 * made by hand for it (each undone before the next): a real server without
 * the VIP, a web server stopped, the mangle rule missing, the director
 * without its VIP, a second host answering ARP for the VIP. A healthy
 * set-up gives exit 0 and no error; each fault gives exit 1 and exactly the
 * errors that name it, on the host where it is.
 */
import { describe, expect, inject, it } from "vitest";
import { checkDoctor, doctorOut, type LvshRun } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

interface WithDoctor {
  doctor: Record<string, LvshRun>;
  rogue_mac?: string;
}

const DR = { vip: "172.25.254.10", rs1: "172.25.254.2", rs2: "172.25.254.3" };
const DR_HOSTS = ["director", DR.rs1, DR.rs2];

/** doctor's time, for people (a figure, not a check). */
function figure(label: string, run: LvshRun): void {
  process.stdout.write(`lab: doctor ${label}: ${run.ms} ms (exit ${run.exit})\n`);
}

const dr: [variant: string, runs: [name: string, what: string, errors: string[]][]][] = [
  [
    "arptables-nft",
    [
      ["committed", "the seed (arptables-nft) as committed: clean", []],
      ["rs-vip-missing", "rs1 without the VIP: rs-vip-missing on rs1", [`${DR.rs1} rs-vip-missing`]],
      ["httpd-stopped", "rs2's web server stopped: rs-not-listening and rs-unreachable on rs2", [`${DR.rs2} rs-not-listening`, `${DR.rs2} rs-unreachable`]],
    ],
  ],
  [
    "arptables-legacy",
    [
      ["committed", "the seed (arptables-legacy) as committed: clean", []],
      ["mangle-missing", "rs2 without its OUTPUT mangle rule: arp-mangle-missing on rs2", [`${DR.rs2} arp-mangle-missing`]],
    ],
  ],
  [
    "sysctl",
    [
      ["committed", "`arp hide on rs via sysctl` as committed: clean", []],
      ["director-vip-missing", "the director without its VIP: vip-not-bound on the director", ["director vip-not-bound"]],
      ["second-arp-answer", "a second host holding the VIP on the segment: arp-flux on the director", ["director arp-flux"]],
    ],
  ],
  [
    "sysctl-eth0",
    [
      [
        "committed",
        "negative control `via sysctl dev eth0`: arp-ignore-answers on both real servers, arp-flux on the director",
        [`${DR.rs1} arp-ignore-answers`, `${DR.rs2} arp-ignore-answers`, "director arp-flux"],
      ],
    ],
  ],
];

for (const [variant, runs] of dr) {
  describe.skipIf(!ran(lab, `dr-${variant}`))(titled(lab, `lab: lvsh doctor on VS-DR (${variant})`), () => {
    const r = () => scenario<WithDoctor>(lab, `dr-${variant}`);
    for (const [name, what, errors] of runs) {
      it(what, () => {
        const run = r().doctor[name]!;
        if (variant === "arptables-nft" && name === "committed") figure("on the healthy seed (3 hosts)", run);
        expect(checkDoctor(run, DR_HOSTS, errors)).toEqual([]);
      });
    }
    if (variant === "sysctl")
      it("names the second host by its MAC (not a host of the configuration)", () => {
        const arp = doctorOut(r().doctor["second-arp-answer"]!)!.findings.filter((f) => f.code === "arp-flux");
        expect(arp.map((f) => f.message).join("\n")).toContain(r().rogue_mac!);
      });
    if (variant === "sysctl-eth0")
      it("names both real servers as the ones answering ARP (arp-flux)", () => {
        const arp = doctorOut(r().doctor.committed!)!.findings.filter((f) => f.code === "arp-flux").map((f) => f.message);
        for (const rs of [DR.rs1, DR.rs2]) expect(arp.some((m) => m.startsWith(`${rs} (MAC`)), `${rs} in ${arp.join("; ")}`).toBe(true);
      });
  });
}

describe.skipIf(!ran(lab, "nat"))(titled(lab, "lab: lvsh doctor on VS-NAT"), () => {
  const r = () => scenario<WithDoctor>(lab, "nat");
  const hosts = ["director", "198.51.100.2", "198.51.100.3"];
  it("the committed set-up: clean", () => {
    expect(checkDoctor(r().doctor.committed!, hosts, [])).toEqual([]);
  });
  it("the real servers, which the script gives no `host` (NAT: lvsh never logs in there), are unreadable: a warning each, not an error", () => {
    const w = doctorOut(r().doctor.committed!)!.findings.filter((f) => f.code === "host-unreadable");
    expect(w.map((f) => `${f.host} ${f.severity}`).sort()).toEqual(["198.51.100.2 warning", "198.51.100.3 warning"]);
  });
  it("negative control, forwarding off by hand: ip-forward-off on the director", () => {
    expect(checkDoctor(r().doctor["forwarding-off"]!, hosts, ["director ip-forward-off"])).toEqual([]);
  });
});

interface TunProbe {
  tunl0: string;
  rp_filter_all: number;
  rp_filter_tunl0: number;
  doctor: LvshRun | null;
}

describe.skipIf(!ran(lab, "tun"))(titled(lab, "lab: lvsh doctor on VS-TUN"), () => {
  const r = () => scenario<{ doctor: LvshRun; probes: TunProbe[] }>(lab, "tun");
  const rs = ["192.0.2.2", "192.0.2.3"];
  const hosts = ["director", ...rs];
  it("the committed set-up: clean", () => {
    expect(checkDoctor(r().doctor, hosts, [])).toEqual([]);
  });
  const cases = [
    [0, "tunl0 down", "tunl0-down"],
    [1, "rp_filter=1 on tunl0", "rp-filter-strict"],
    [2, "rp_filter=1 on all", "rp-filter-strict"],
  ] as const;
  for (const [i, what, code] of cases) {
    it(`negative control, ${what} on both real servers: ${code} on each`, () => {
      const p = r().probes[i]!;
      expect(checkDoctor(p.doctor!, hosts, rs.map((h) => `${h} ${code}`))).toEqual([]);
    });
  }
});
