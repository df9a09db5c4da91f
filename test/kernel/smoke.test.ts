/**
 * The lab's smoke scenario (guest/smoke.sh), on Debian 12's 6.1 kernel with
 * IPVS: VS-DR with ipvsadm, arptables-legacy on rs1 and arptables-nft on rs2,
 * in network namespaces inside the VM; no lvsh yet. Then the negative
 * control: the same with rs2 lacking its OUTPUT mangle rule, which the same
 * checks must reject, so they are shown to be able to fail.
 */
import { describe, expect, inject, it } from "vitest";
import { checkClientArp, checkKernel, checkRoundRobin, checkStats, parseStatsConns, type SmokeResult } from "./checks.js";
import { ran, readResult } from "./lab.js";

const lab = inject("lab");
const skipped = lab.skip !== undefined ? ` (skipped: ${lab.skip})` : "";
const RIP = { rs1: "192.0.2.2", rs2: "192.0.2.3" };

describe.skipIf(!ran(lab, "smoke-ok"))(`lab smoke: VS-DR on a real IPVS kernel${skipped}`, () => {
  const ok = (): SmokeResult => readResult<SmokeResult>(lab, "smoke-ok.json");

  it("set up without error", () => {
    const r = ok();
    expect(r.error).toBeUndefined();
    expect(r.ipvsadm_save.split("\n")).toEqual([
      "-A -t 192.0.2.10:80 -s rr",
      "-a -t 192.0.2.10:80 -r 192.0.2.2:80 -g -w 1",
      "-a -t 192.0.2.10:80 -r 192.0.2.3:80 -g -w 1",
    ]);
    process.stdout.write(
      `lab smoke: ${r.timing_ms.total} ms in the guest (setup ${r.timing_ms.setup}, fetches ${r.timing_ms.fetch}, ` +
        `stats poll ${r.timing_ms.poll}); ${r.forks} process starts at ~${r.true_ms} ms each\n`,
    );
  });

  it("runs Debian's 6.1 kernel", () => {
    expect(checkKernel(ok())).toEqual([]);
  });

  it("alternates rs1 and rs2 with rr", () => {
    expect(checkRoundRobin(ok())).toEqual([]);
  });

  it("counts every connection in ipvsadm --stats (polled)", () => {
    expect(checkStats(ok(), RIP)).toEqual([]);
  });

  it("leaves the client's ARP entry for the VIP on the director's MAC", () => {
    expect(checkClientArp(ok())).toEqual([]);
  });

  it("hid the VIP with both arptables builds", () => {
    const r = ok();
    expect(r.arptables_rs1_legacy).toMatch(/-j DROP -d 192\.0\.2\.10/);
    expect(r.arptables_rs1_legacy).toMatch(/-j mangle -s 192\.0\.2\.10 --mangle-ip-s 192\.0\.2\.2/);
    expect(r.arptables_rs2_nft).toMatch(/-j DROP -d 192\.0\.2\.10/);
    expect(r.arptables_rs2_nft).toMatch(/-j mangle -s 192\.0\.2\.10 --mangle-ip-s 192\.0\.2\.3/);
  });
});

describe.skipIf(!ran(lab, "smoke-no-mangle"))(`lab negative control: rs2 without its OUTPUT mangle rule${skipped}`, () => {
  const bad = (): SmokeResult => readResult<SmokeResult>(lab, "smoke-no-mangle.json");

  it("is the same set-up but for that one rule", () => {
    const r = bad();
    expect(r.error).toBeUndefined();
    expect(checkKernel(r)).toEqual([]);
    expect(r.arptables_rs2_nft).toMatch(/-j DROP -d 192\.0\.2\.10/);
    expect(r.arptables_rs2_nft).not.toMatch(/mangle/);
    expect(r.arptables_rs1_legacy).toMatch(/--mangle-ip-s 192\.0\.2\.2/);
  });

  it("is caught by the ARP check: the client's entry for the VIP is rs2's MAC", () => {
    const r = bad();
    expect(checkClientArp(r)).toEqual([
      `the client's ARP entry for 192.0.2.10 is ${r.mac.rs2} (rs2), not the director's ${r.mac.lb}`,
    ]);
  });

  it("is caught by the round-robin check: fetches hang", () => {
    const problems = checkRoundRobin(bad());
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => /failed: curl exit 28/.test(p))).toBe(true);
  });

  it("is caught by the stats check: the director sees fewer connections than fetches", () => {
    const r = bad();
    expect(checkStats(r, RIP)).not.toEqual([]);
    expect(r.stats_samples.at(-1)?.conns ?? 0).toBeLessThan(r.fetches);
  });
});

describe("parseStatsConns", () => {
  it("reads the service and real-server connection counts", () => {
    const text = [
      "IP Virtual Server version 1.2.1 (size=4096)",
      "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes",
      "  -> RemoteAddress:Port",
      "TCP  192.0.2.10:80                       8       48        0     3304        0",
      "  -> 192.0.2.2:80                        4       24        0     1652        0",
      "  -> 192.0.2.3:80                        4       24        0     1652        0",
    ].join("\n");
    expect([...parseStatsConns(text)]).toEqual([
      ["192.0.2.10:80", 8],
      ["192.0.2.2:80", 4],
      ["192.0.2.3:80", 4],
    ]);
  });
});
