/**
 * Synthetic traffic on the simulated director: `ipvsadm -L --stats/--rate`
 * print moving counters in the real formats (the readers parse them), the
 * connections split by weight, weight 0 gets none, -Z zeroes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultFlow, newSimHost, setFlow, simRun, type SimHost } from "../../src/sim/index.js";
import { formatIpvsadmList, formatLargeNum, parseIpvsadmList, parseIpvsadmRate, parseIpvsadmStats, parseLargeNum } from "../../src/state/index.js";

const SVC = "tcp 192.0.2.10:80";
const T0 = 1_700_000_000_000;

function director(): SimHost {
  const h = newSimHost("director");
  for (const line of ["ipvsadm -A -t 192.0.2.10:80 -s wrr", "ipvsadm -a -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 1", "ipvsadm -a -t 192.0.2.10:80 -r 192.0.2.22:80 -g -w 3"]) {
    expect(simRun(h, line.split(" "), undefined, T0).code).toBe(0);
  }
  h.traffic = setFlow(h.ipvs, h.traffic, SVC, { ...defaultFlow, cps: 40 }, T0);
  return h;
}

const list = (h: SimHost, args: string, now: number) => simRun(h, ["ipvsadm", ...args.split(" ")], undefined, now).stdout;
const key = (rs: string) => `${SVC} ${rs}`;

describe("simulated traffic", () => {
  it("splits the connections by weight: rates per real server, in ipvsadm's --rate format", () => {
    const h = director();
    const rate = parseIpvsadmRate(list(h, "-Ln --rate --exact", T0 + 10_000));
    expect(rate.problems).toEqual([]);
    expect(rate.dests.get(key("192.0.2.21:80"))).toEqual({ cps: 10, inPps: 60, outPps: 50, inBps: 4800, outBps: 60000 });
    expect(rate.dests.get(key("192.0.2.22:80"))).toEqual({ cps: 30, inPps: 180, outPps: 150, inBps: 14400, outBps: 180000 });
    // the service's line: its real servers' sum
    expect(rate.services.get(SVC)).toEqual({ cps: 40, inPps: 240, outPps: 200, inBps: 19200, outBps: 240000 });
  });

  it("counts totals over time (--stats) and connections by Little's law (-Ln)", () => {
    const h = director();
    const at10 = parseIpvsadmStats(list(h, "-Ln --stats --exact", T0 + 10_000));
    expect(at10.dests.get(key("192.0.2.21:80"))).toEqual({ conns: 100, inPkts: 600, outPkts: 500, inBytes: 48000, outBytes: 600000 });
    const at20 = parseIpvsadmStats(list(h, "-Ln --stats --exact", T0 + 20_000));
    expect(at20.dests.get(key("192.0.2.22:80"))!.conns).toBe(600);
    const l = parseIpvsadmList(list(h, "-Ln", T0 + 20_000));
    expect(l.dests.get(key("192.0.2.22:80"))).toEqual({ forward: "dr", weight: 3, activeConns: 30, inactConns: 60 });
  });

  it("weight 0 gets no new connections from then on; what it counted stays", () => {
    const h = director();
    expect(simRun(h, "ipvsadm -e -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 0".split(" "), undefined, T0 + 10_000).code).toBe(0);
    const rate = parseIpvsadmRate(list(h, "-Ln --rate", T0 + 20_000));
    expect(rate.dests.get(key("192.0.2.21:80"))!.cps).toBe(0);
    expect(rate.dests.get(key("192.0.2.22:80"))!.cps).toBe(40);
    const stats = parseIpvsadmStats(list(h, "-Ln --stats --exact", T0 + 20_000));
    expect(stats.dests.get(key("192.0.2.21:80"))!.conns).toBe(100);
    expect(stats.dests.get(key("192.0.2.22:80"))!.conns).toBe(300 + 400);
  });

  it("-Z zeroes the totals, not the rates", () => {
    const h = director();
    expect(simRun(h, ["ipvsadm", "-Z"], undefined, T0 + 10_000)).toMatchObject({ code: 0, changed: true });
    const stats = parseIpvsadmStats(list(h, "-Ln --stats --exact", T0 + 10_000));
    expect(stats.dests.get(key("192.0.2.21:80"))!.conns).toBe(0);
    expect(parseIpvsadmRate(list(h, "-Ln --rate", T0 + 10_000)).dests.get(key("192.0.2.21:80"))!.cps).toBe(10);
  });

  it("--stats with --rate prints the stats only, as ipvsadm 1.31 does (FMT_STATS first)", () => {
    const h = director();
    const both = list(h, "-Ln --stats --rate --exact", T0 + 10_000);
    expect(both).toBe(list(h, "-Ln --stats --exact", T0 + 10_000));
    expect(both).toContain("Conns   InPkts  OutPkts  InBytes OutBytes");
  });

  it("without traffic every counter is 0, the listings byte for byte as captured on Linux 6.1", () => {
    const h = newSimHost("director");
    simRun(h, "ipvsadm -A -t 192.0.2.10:80 -s rr".split(" "));
    simRun(h, "ipvsadm -a -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 1".split(" "));
    const captured = readFileSync(new URL("../fixtures/linux-6.1/ipvsadm-Ln-rate.txt", import.meta.url), "utf8").split("\n");
    const ours = list(h, "-Ln --rate", T0).split("\n");
    expect(ours.slice(0, 5)).toEqual(captured.slice(0, 5));
  });

  it("prints big counters as print_largenum does: K, M, G above 10^8 unless --exact, read back", () => {
    expect(formatLargeNum(99_999_999)).toBe(" 99999999");
    expect(formatLargeNum(123_456_789)).toBe("  123456K");
    expect(formatLargeNum(123_456_789, true)).toBe(" 123456789");
    expect(formatLargeNum(12_345_678_901)).toBe("   12345M");
    expect(parseLargeNum(formatLargeNum(123_456_789).trim())).toBe(123_456_000);
    const h = director();
    const text = formatIpvsadmList(h.ipvs, "stats", { figures: () => ({ active: 0, inactive: 0, stats: [1, 2, 3, 4e9, 5e12], rate: [0, 0, 0, 0, 0] }) });
    expect(parseIpvsadmStats(text).dests.get(key("192.0.2.21:80"))).toEqual({ conns: 1, inPkts: 2, outPkts: 3, inBytes: 4e9, outBytes: 5e12 });
  });
});
