/**
 * `lvsh watch` on the simulated target, the built binary as a person runs
 * it: under synthetic traffic (sim/traffic.ts) its NDJSON samples show the
 * connections the traffic makes, split by weight, with the packets and
 * bytes it carries; piped, plain lines; bad arguments refused with the
 * usage, exit 2.
 */
import { describe, expect, it } from "vitest";
import { sim } from "../helpers/cli.js";
import { freshStateDir } from "../helpers/sim.js";
import { simTraffic } from "../helpers/traffic.js";

const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 .4 dr; set rs .3 weight 3; set rs .4 weight 0; arp hide on rs; commit";
const SVC = "tcp 172.25.254.10:80";
const USAGE = "usage: lvsh watch [SERVICE] [--interval SECONDS] [--count N] [--json]";

interface Real {
  rs: string;
  state: string;
  weight: number;
  active: number;
  inactive: number;
  cps: number;
  inpps: number;
  outpps: number;
  inbps: number;
  outbps: number;
  conns: number;
}

function committed(): string {
  const dir = freshStateDir();
  const r = sim(dir, ["--yes", "-c", SEED]);
  expect(r.code, r.err).toBe(0);
  return dir;
}

describe("lvsh watch", () => {
  it("--json --count 3: three NDJSON samples whose figures are the synthetic traffic's, split by weight", () => {
    const dir = committed();
    const flow = simTraffic(dir, SVC, 40, { inPackets: 6, outPackets: 5, inBytes: 80, outBytes: 1200 });
    const r = sim(dir, ["watch", "--json", "--count", "3", "--interval", "0.2"]);
    expect(r.code, r.err).toBe(0);
    const samples = r.out.trim().split("\n").map((l) => JSON.parse(l) as { time: string; services: { service: string; reals: Real[] }[] });
    expect(samples).toHaveLength(3);
    for (const s of samples) {
      expect(new Date(s.time).toISOString()).toBe(s.time);
      expect(s.services.map((x) => x.service)).toEqual([SVC]);
      const [two, three, four] = s.services[0]!.reals;
      // weights 1, 3, 0 of 40 new connections per second
      expect(two).toMatchObject({ rs: "172.25.254.2:80", state: "ok", weight: 1, cps: 10 });
      expect(three).toMatchObject({ rs: "172.25.254.3:80", state: "ok", weight: 3, cps: 30 });
      expect(four).toMatchObject({ rs: "172.25.254.4:80", state: "quiesced", weight: 0, cps: 0, inbps: 0 });
      for (const x of [two!, three!]) {
        expect(x.cps).toBeGreaterThan(0);
        expect(x.inpps).toBe(x.cps * flow.inPackets);
        expect(x.outpps).toBe(x.cps * flow.outPackets);
        expect(x.inbps).toBe(x.inpps * flow.inBytes);
        expect(x.outbps).toBe(x.outpps * flow.outBytes);
        expect(x.active).toBe(x.cps * flow.activeSeconds);
        expect(x.inactive).toBe(x.cps * flow.inactiveSeconds);
      }
    }
    // the totals grow from sample to sample
    const conns = samples.map((s) => s.services[0]!.reals[1]!.conns);
    expect(conns[2]).toBeGreaterThan(conns[0]!);
  });

  it("a service by its port alone, piped: plain lines, no escapes, one per real server per sample", () => {
    const dir = committed();
    simTraffic(dir, SVC, 8);
    const r = sim(dir, ["watch", ":80", "--count", "2", "--interval", "0.1"]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z tcp 172\.25\.254\.10:80 172\.25\.254\.2:80 state ok weight 1 active 2 inactive 4 cps 2 /);
    expect(r.out).not.toMatch(/\x1b/);
  });

  it.each([
    [["--interval", "0"], /--interval "0": an interval must be above 0/],
    [["--count", "none"], /--count "none": a count of samples must be a whole number/],
    [["172.25.254.10:81", "--count", "1"], /<command line>:1:7: error: there is no service tcp 172\.25\.254\.10:81\nwatch 172\.25\.254\.10:81\n {6}\^+\nhint: the services are tcp 172\.25\.254\.10:80/],
    [["tcp", "nowhere", "--count", "1"], /<command line>:1:11: error: /],
  ])("refuses %j with a located error and the usage, exit 2", (args, msg) => {
    const dir = committed();
    const r = sim(dir, ["watch", ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err).toContain(USAGE);
    expect(r.out).toBe("");
  });
});
