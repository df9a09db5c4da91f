/**
 * watch on the real kernel (guest/scenario-watch.sh): wrr 1:3 under a
 * client's fetch loop; `lvsh watch --json` against the kernel's own
 * `ipvsadm -Ln --rate --exact`, and an idle sample as the negative control.
 */
import { describe, expect, inject, it } from "vitest";
import { checkLvsh, type LvshRun } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

interface WatchResult {
  seed: LvshRun;
  idle: LvshRun;
  busy: LvshRun;
  rate: string;
}
interface Sample {
  time: string;
  services: { service: string; reals: { rs: string; weight: number; cps: number; conns: number; inbps: number; outbps: number }[] }[];
}

const samples = (run: LvshRun): Sample[] =>
  run.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Sample);
const cps = (s: Sample, rs: string) => s.services[0]!.reals.find((r) => r.rs === rs)!.cps;
/** CPS of a real server in `ipvsadm -Ln --rate --exact`: the third column of its line. */
const kernelCps = (text: string, rs: string) => Number(text.split("\n").find((l) => l.trim().startsWith(`-> ${rs} `))!.trim().split(/\s+/)[2]);

const RS1 = "192.0.2.2:80";
const RS2 = "192.0.2.3:80";

describe.skipIf(!ran(lab, "watch"))(titled(lab, "lab: watch the balancer live"), () => {
  const r = () => scenario<WatchResult>(lab, "watch");

  it("commits the seed (wrr 1:3)", () => expect(checkLvsh(r().seed)).toEqual([]));

  it("shows 0 connections/s everywhere before any traffic (the negative control)", () => {
    expect(checkLvsh(r().idle)).toEqual([]);
    const [s] = samples(r().idle);
    expect(s!.services[0]!.reals.map((x) => x.cps)).toEqual([0, 0]);
  });

  it("prints 4 NDJSON samples under traffic: connections/s above 0, each real server's connections growing about 1:3", () => {
    expect(checkLvsh(r().busy)).toEqual([]);
    const all = samples(r().busy);
    expect(all).toHaveLength(4);
    const last = all[3]!;
    expect(cps(last, RS1) + cps(last, RS2)).toBeGreaterThan(0);
    // the counted connections between the first and the last sample (the rates are the kernel's, rounded to whole connections/s)
    const grew = (rs: string) => all[3]!.services[0]!.reals.find((x) => x.rs === rs)!.conns - all[0]!.services[0]!.reals.find((x) => x.rs === rs)!.conns;
    expect(grew(RS1)).toBeGreaterThan(0);
    const ratio = grew(RS2) / grew(RS1);
    expect(ratio, `${grew(RS1)} and ${grew(RS2)} connections`).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(4.5);
  });

  it("agrees with the kernel's `ipvsadm -Ln --rate` taken right after, within its estimator's lag", () => {
    const last = samples(r().busy)[3]!;
    for (const rs of [RS1, RS2]) {
      const k = kernelCps(r().rate, rs);
      expect(Math.abs(cps(last, rs) - k), `${rs}: watch ${cps(last, rs)}, kernel ${k}`).toBeLessThanOrEqual(Math.max(3, k * 0.5));
    }
  });
});
