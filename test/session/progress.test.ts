/** The progress of a commit over many hosts: a bar on a terminal, plain lines in scripts. */
import { describe, expect, it } from "vitest";
import { hostsProgress } from "../../src/session/index.js";

const phase = "real servers: ARP rules, VIPs, readiness checks";

describe("a commit's progress over many hosts", () => {
  it("on a terminal: one bar of one width redrawn in place (hosts done / total, failures, the phase), kept when the phase ends", () => {
    let out = "";
    const p = hostsProgress({ write: (t) => void (out += t), columns: 100 });
    p({ phase, done: 0, total: 40, failed: 0 });
    p({ phase, done: 20, total: 40, failed: 1 });
    p({ phase, done: 40, total: 40, failed: 1, final: true });
    const frames = out.split("\r\x1b[K").filter(Boolean);
    expect(frames).toEqual([
      `[------------------------] 0/40 hosts · ${phase}`,
      `[############------------] 20/40 hosts, 1 failed · ${phase}`,
      `[########################] 40/40 hosts, 1 failed · ${phase}\n`,
    ]);
  });

  it.each([40, 60, 80])("fits a terminal of %i columns", (columns) => {
    let out = "";
    const p = hostsProgress({ write: (t) => void (out += t), columns });
    p({ phase, done: 7, total: 100, failed: 2 });
    for (const frame of out.split("\r\x1b[K").filter(Boolean)) expect(frame.length).toBeLessThan(columns);
  });

  it("in a script: the start, a line every 5 seconds at most, the end, each with the time since the phase began", () => {
    let out = "";
    let t = 0;
    const p = hostsProgress({ write: (x) => void (out += x) }, () => t);
    p({ phase, done: 0, total: 20, failed: 0 });
    for (let i = 1; i < 20; i++) {
      t += 1000;
      p({ phase, done: i, total: 20, failed: 0 });
    }
    p({ phase, done: 20, total: 20, failed: 0, final: true });
    // the next phase counts from its own start
    t += 3000;
    p({ phase: "real servers: removed", done: 0, total: 20, failed: 0 });
    t += 1500;
    p({ phase: "real servers: removed", done: 20, total: 20, failed: 0, final: true });
    expect(out.split("\n").filter(Boolean)).toEqual([
      `${phase}: 0/20 hosts done (0.0 s)`,
      `${phase}: 5/20 hosts done (5.0 s)`,
      `${phase}: 10/20 hosts done (10.0 s)`,
      `${phase}: 15/20 hosts done (15.0 s)`,
      `${phase}: 20/20 hosts done (19.0 s)`,
      "real servers: removed: 0/20 hosts done (0.0 s)",
      "real servers: removed: 20/20 hosts done (1.5 s)",
    ]);
    expect(out).not.toContain("\x1b");
  });

  it("says nothing for a few hosts (the seed's two real servers)", () => {
    let out = "";
    const p = hostsProgress({ write: (t) => void (out += t), columns: 80 });
    p({ phase, done: 0, total: 2, failed: 0 });
    p({ phase, done: 2, total: 2, failed: 0, final: true });
    expect(out).toBe("");
  });
});
