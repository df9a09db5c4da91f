/**
 * `watch`'s parts: sparklines and the last minute kept per real server;
 * a sample from the three listings (real captures and the simulator's
 * synthetic traffic); frames no wider than the terminal; plain lines and
 * NDJSON off a terminal; the statement in a session on the simulated
 * target, and `show rs`'s sparkline column after it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { emptyConfig } from "../../src/model/index.js";
import { RateHistory, sparkline } from "../../src/session/sparkline.js";
import { sampleJson, sampleOf, type Sample } from "../../src/session/watch-sample.js";
import { humanRate, plainLines, renderFrame } from "../../src/session/watch-view.js";
import { freshStateDir, lvsh, simSession } from "../helpers/sim.js";
import { Session } from "../../src/session/index.js";
import { runWatch } from "../../src/session/watch.js";
import { Site } from "../../src/txn/index.js";
import { simTraffic } from "../helpers/traffic.js";
import { load } from "../helpers/load.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/linux-6.1/${name}`, import.meta.url), "utf8");
const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; set rs .3 weight 3; arp hide on rs; commit";
const SVC = "tcp 172.25.254.10:80";

describe("sparkline", () => {
  it("draws one bar per value, the highest full, zero the lowest, anything above zero above it", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([0, 0, 0])).toBe("▁▁▁");
    expect(sparkline([1, 100])).toBe("▂█");
    expect(sparkline([5, 5])).toBe("██");
  });

  it("keeps the last `width` values, on a common scale when given one", () => {
    expect(sparkline([9, 1, 2, 3], 2)).toBe("▆█");
    expect(sparkline([10, 10], 2, 40)).toBe("▃▃");
    expect(sparkline([1, 2], 0)).toBe("");
  });
});

describe("the last minute of each real server", () => {
  it("forgets what is older than the span and real servers no longer sampled", () => {
    const h = new RateHistory(60_000);
    h.add(0, new Map([["a", 1], ["b", 5]]));
    h.add(30_000, new Map([["a", 2]]));
    expect(h.values("a")).toEqual([1, 2]);
    expect(h.max()).toBe(5);
    h.add(61_000, new Map([["a", 3]]));
    expect(h.values("a")).toEqual([2, 3]);
    expect(h.values("b")).toEqual([]);
    expect(h.max()).toBe(3);
    expect(h.empty).toBe(false);
  });
});

describe("a sample", () => {
  it("reads the real listings of Linux 6.1 (--exact, --stats, --rate), in the configuration's order, marks weight 0", () => {
    const s = sampleOf({ list: fixture("ipvsadm-Ln-exact.txt"), stats: fixture("ipvsadm-Ln-stats.txt"), rate: fixture("ipvsadm-Ln-rate.txt") }, emptyConfig(), new Date(0));
    const https = s.services.find((x) => x.service === "tcp 192.0.2.10:443")!;
    expect(https.reals.map((r) => [r.rs, r.weight, r.state, r.cps, r.conns])).toEqual([
      ["192.0.2.21:443", 2, "ok", 0, 0],
      ["192.0.2.22:443", 0, "quiesced", 0, 0],
    ]);
    expect(s.services.map((x) => x.service)).toContain("fwmark 9 ipv6");
    expect(s.services.find((x) => x.service === "tcp 192.0.2.15:80")!.reals).toEqual([]);
  });

  it("has what the configuration has and the kernel does not, marked missing, with no figures", () => {
    const config = load("vip 192.0.2.10; service :80 rr; add rs 192.0.2.21 192.0.2.29 dr").config;
    const s = sampleOf({ list: fixture("ipvsadm-Ln-exact.txt"), stats: fixture("ipvsadm-Ln-stats.txt"), rate: fixture("ipvsadm-Ln-rate.txt") }, config, new Date(0), "tcp 192.0.2.10:80");
    expect(s.services.map((x) => x.service)).toEqual(["tcp 192.0.2.10:80"]);
    expect(s.services[0]!.reals.map((r) => [r.rs, r.state, r.weight, r.cps])).toEqual([
      ["192.0.2.21:80", "ok", 1, 0],
      ["192.0.2.29:80", "missing", 1, null],
      ["192.0.2.22:80", "ok", 3, 0],
    ]);
  });
});

function busy(): Sample {
  const real = (rs: string, weight: number, cps: number, state: "ok" | "quiesced" | "missing" = "ok") => ({
    rs, key: `${SVC} ${rs}`, state, weight, active: cps, inactive: cps * 2, cps, inpps: cps * 6, outpps: cps * 5, inbps: cps * 480, outbps: cps * 6000, conns: cps * 100,
  });
  return { at: new Date("2026-01-02T03:04:05Z"), services: [{ service: SVC, running: true, reals: [real("172.25.254.2:80", 1, 10), real("172.25.254.3:80", 3, 30), real("172.25.254.4:80", 0, 0, "quiesced"), { ...real("172.25.254.9:80", 1, 0, "missing"), cps: null }] }] };
}

describe("a frame", () => {
  const history = new RateHistory();
  for (let i = 0; i < 30; i++) history.add(i * 2000, new Map([[`${SVC} 172.25.254.2:80`, i % 10], [`${SVC} 172.25.254.3:80`, 30]]));

  it.each([200, 120, 80, 60, 40])("fits %i columns", (columns) => {
    const frame = renderFrame(busy(), history, "watch: 03:04:05 UTC, every 2 s (q leaves)", { columns });
    for (const line of frame.split("\n")) expect(line.length, line).toBeLessThanOrEqual(columns);
    expect(frame).toContain("172.25.254.3:80");
  });

  it("shows every figure and the sparkline when wide; at 60 columns the essentials and the sparkline", () => {
    const wide = renderFrame(busy(), history, "t", { columns: 200 });
    for (const head of ["weight", "active", "inactive", "conn/s", "pkt/s in", "pkt/s out", "B/s in", "B/s out", "conn/s, last minute"]) expect(wide).toContain(head);
    expect(wide).toContain("180K"); // 30 cps x 6000 B
    expect(wide).toMatch(/█{10,}/);
    const narrow = renderFrame(busy(), history, "t", { columns: 60 });
    expect(narrow).toMatch(/│ c\/s │ last min/);
    expect(narrow).toMatch(/172\.25\.254\.3:80 .*│ 30  │ █+/);
  });

  it("is never taller than the terminal (less the cursor's line): what does not fit is said", () => {
    const frame = renderFrame(busy(), history, "t", { columns: 60, rows: 8 });
    const lines = frame.trimEnd().split("\n");
    expect(lines).toHaveLength(7);
    expect(lines[6]).toMatch(/^… \d+ more lines than the terminal has rows/);
    expect(renderFrame(busy(), history, "t", { columns: 60, rows: 40 })).not.toContain("more lines");
  });

  it("marks weight 0 and real servers not in the kernel, with a legend", () => {
    const frame = renderFrame(busy(), history, "t", { columns: 120 });
    expect(frame).toContain("~\u00a0172.25.254.4:80");
    expect(frame).toContain("!\u00a0172.25.254.9:80");
    expect(frame).toContain("~ weight 0: no new connections; ! configured, not in the kernel");
  });
});

describe("off a terminal", () => {
  it("prints one plain line per real server, no escapes; NDJSON has the figures as numbers", () => {
    const text = plainLines(busy());
    expect(text.split("\n").filter(Boolean)).toHaveLength(4);
    expect(text).toContain("2026-01-02T03:04:05.000Z tcp 172.25.254.10:80 172.25.254.3:80 state ok weight 3 active 30 inactive 60 cps 30 inpps 180 outpps 150 inbps 14400 outbps 180000");
    expect(text).not.toMatch(/\x1b/);
    const j = JSON.parse(sampleJson(busy())) as { time: string; services: { service: string; reals: { rs: string; cps: number | null; state: string }[] }[] };
    expect(j.time).toBe("2026-01-02T03:04:05.000Z");
    expect(j.services[0]!.reals[1]).toMatchObject({ rs: "172.25.254.3:80", weight: 3, active: 30, inactive: 60, cps: 30, inpps: 180, outpps: 150, inbps: 14400, outbps: 180000 });
    expect(j.services[0]!.reals[3]).toMatchObject({ rs: "172.25.254.9:80", state: "missing", cps: null });
  });

  it("says bytes/s short: 999, 1.2K, 18K, 3.4M", () => {
    expect([999, 1234, 18_000, 3_400_000, null].map(humanRate)).toEqual(["999", "1.2K", "18K", "3.4M", "-"]);
  });
});

describe("the watch statement on the simulated target", () => {
  it("samples COUNT times, in one round trip each, figures from the synthetic traffic; `show rs` then has the sparkline", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    simTraffic(dir, SVC, 40);
    const { session, out } = await simSession(dir);
    const r = await session.run("watch :80 interval 0.05 count 3 json", "<test>");
    expect(r.diagnostics).toEqual([]);
    const lines = out.join("").trim().split("\n").map((l) => JSON.parse(l) as { services: { reals: { rs: string; cps: number; inbps: number }[] }[] });
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l.services[0]!.reals.map((x) => [x.rs, x.cps, x.inbps])).toEqual([["172.25.254.2:80", 10, 4800], ["172.25.254.3:80", 30, 14400]]);
    out.length = 0;
    await session.run("show rs json", "<test>");
    const rs = JSON.parse(out.join("")) as { realServers: { realServer: string; cpsLastMinute: number[] }[] };
    expect(rs.realServers.map((x) => x.cpsLastMinute)).toEqual([[10, 10, 10], [30, 30, 30]]);
    out.length = 0;
    await session.run("show rs", "<test>");
    expect(out.join("")).toMatch(/conn\/s, last minute \(watch\)[^]*172\.25\.254\.3:80[^\n]*███/);
    await session.close();
  });

  it("on a terminal redraws each frame over the last; after a resize, the whole screen", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    simTraffic(dir, SVC, 40);
    const writes: string[] = [];
    const frames = () => writes.filter((w) => w.includes("watch: "));
    const session = new Session({
      io: {
        write: (t) => void writes.push(t),
        // the window narrows after the second frame
        get columns() {
          return frames().length < 2 ? 100 : 60;
        },
      },
      site: new Site({ target: "sim", stateDir: dir }),
      yes: true,
    });
    await session.open();
    expect(await runWatch(session, { intervalS: 0.01, count: 3, json: false })).toBe(3);
    const [first, second, third] = frames();
    const lines = (f: string) => f.split("\n").length - 1;
    expect(first).toMatch(/^watch: /);
    // over the last frame: up its lines, each line's rest cleared, what is below cleared
    expect(second!.startsWith(`\x1b[${lines(first!)}Fwatch: `)).toBe(true);
    expect(second).toMatch(/\x1b\[K\n\x1b\[J$/);
    expect(third!.startsWith("\x1b[H\x1b[2J")).toBe(true);
    for (const l of third!.split("\n")) expect(l.replace(/\x1b\[[^a-zA-Z]*[a-zA-Z]/g, "").length).toBeLessThanOrEqual(60);
    // the cursor hidden while it runs, shown again after
    expect(writes[0]).toBe("\x1b[?25l");
    expect(writes.at(-1)).toBe("\x1b[?25h");
    await session.close();
  });

  it("refuses a service that does not exist, located, listing the services", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    const r = await lvsh(dir, "watch 172.25.254.10:81 count 1");
    expect(r.diagnostics.map((d) => [d.code, d.span?.col])).toEqual([["unknown-service", 7]]);
    expect(r.diagnostics[0]!.hint).toBe("the services are tcp 172.25.254.10:80");
  });
});
