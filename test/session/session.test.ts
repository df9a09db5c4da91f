/** The Session: check everything first, then run; session statements. */
import { describe, expect, it } from "vitest";
import { Session } from "../../src/session/index.js";

function session() {
  const out: string[] = [];
  const s = new Session({ io: { write: (t) => void out.push(t) } });
  return { s, out };
}

describe("Session.run", () => {
  it("runs nothing of an input with an error anywhere, not even the show before it", async () => {
    const { s, out } = session();
    const r = await s.run("vip 192.0.2.10 on eth0\nshow candidate\nservice :80 rrr\n", "x.lvsh");
    expect(r.ok).toBe(false);
    expect(out).toEqual([]);
    expect(s.candidate.vips.size).toBe(0);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unknown-scheduler"]);
  });

  it("runs statements in order, and keeps the candidate and context between inputs", async () => {
    const { s, out } = session();
    expect((await s.run("vip 192.0.2.10 on eth0; show candidate", "<1>")).ok).toBe(true);
    expect(out.join("")).toBe("vip 192.0.2.10 on eth0\n");
    expect((await s.run("service :80 rr; add rs .2", "<2>")).ok).toBe(true);
    expect([...s.candidate.services.get("tcp 192.0.2.10:80")!.reals.keys()]).toEqual(["192.0.2.2:80"]);
    expect(s.context).toEqual({ vip: "192.0.2.10", service: "tcp 192.0.2.10:80" });
  });

  it("validates the whole candidate when asked (scripts), else at plan time", async () => {
    const { s } = session();
    // the directors of a VIP without an interface: only the whole candidate says it
    const r = await s.run("vip 192.0.2.10; director pair .251 .252", "<1>");
    expect(r.ok).toBe(true);
    const p = await s.plan();
    expect(p.diagnostics.map((d) => d.code)).toEqual(["pair-no-interface"]);
    expect(p.plan).toBeUndefined();
    const { s: s2 } = session();
    expect((await s2.run("vip 192.0.2.10; director pair .251 .252", "<1>", { validate: true })).diagnostics.map((d) => d.code)).toEqual(["pair-no-interface"]);
  });

  it("refuses a file it cannot load before running anything, and a save without a target when it runs", async () => {
    const { s, out } = session();
    const r = await s.run("vip 192.0.2.10; show candidate; save; load /nonexistent/x.lvsh", "<1>");
    expect(r.diagnostics.map((d) => [d.code, d.span!.col])).toEqual([["load-failed", 44]]);
    expect(out).toEqual([]);
    const saved = await s.run("show candidate; save", "<2>");
    expect(saved.diagnostics.map((d) => [d.code, d.span!.col])).toEqual([["not-available", 17]]);
  });

  it("shows help, and refuses help on nothing", async () => {
    const { s, out } = session();
    expect((await s.run("help vip", "<1>")).ok).toBe(true);
    expect(out.join("")).toContain("vip ADDR [on IFACE]");
    const r = await s.run("help frobnicate", "<2>");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unknown-topic"]);
  });

  it("shows the plan of the candidate", async () => {
    const { s, out } = session();
    await s.run("vip 192.0.2.10 on eth0; service :80 rr; add rs .2; arp hide on rs; show plan", "<1>");
    expect(out.join("")).toContain("Plan: 6 to add, 0 to change, 0 to destroy.");
  });
});
