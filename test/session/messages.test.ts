/** What a new user types wrong, answered with the statement to write; no follow-on noise after an error. */
import { describe, expect, it } from "vitest";
import { freshStateDir, lvsh } from "../helpers/sim.js";

describe("hints for what people type", () => {
  it("names another tool's scheduler and gives IPVS's", async () => {
    const dir = freshStateDir();
    for (const [word, want] of [["roundrobin", "rr"], ["leastconn", "wlc"], ["least_conn", "wlc"], ["source", "sh"], ["maglev", "mh"]] as const) {
      const r = await lvsh(dir, `vip 192.0.2.10; service :8080 ${word}; add rs .2 .3`);
      expect(r.diagnostics.map((d) => d.code), word).toEqual(["unknown-scheduler"]);
      expect(r.diagnostics[0]!.message, word).toContain(`\`${word}\` is not an IPVS scheduler`);
      expect(r.diagnostics[0]!.hint, word).toMatch(new RegExp(`^write \`${want}\``));
    }
  });

  it("says that services, VIPs and ARP hiding are declared (again), not `set` or `add`", async () => {
    const dir = freshStateDir();
    const set = await lvsh(dir, "vip 192.0.2.10; set service :80 wrr");
    expect(set.diagnostics.map((d) => d.code)).toEqual(["declare-instead"]);
    expect(set.diagnostics[0]!.hint).toContain("write `service :80 wrr`; an existing one keeps what the statement does not say");
    const add = await lvsh(dir, "add vip 192.0.2.10");
    expect(add.diagnostics.map((d) => d.code)).toEqual(["declare-instead"]);
    expect(add.diagnostics[0]!.hint).toBe("write `vip 192.0.2.10`");
  });

  it("answers `service ?` with the statement's help, as `help service` does, and runs nothing", async () => {
    const dir = freshStateDir();
    const asked = await lvsh(dir, "service ?");
    const help = await lvsh(dir, "help service");
    expect(asked.ok).toBe(true);
    expect(asked.out).toBe(help.out);
    expect(asked.out).toMatch(/^service syntax:/);
    expect((await lvsh(dir, "?")).out).toBe((await lvsh(dir, "help")).out);
  });

  it("gives no follow-on warning after an error: the statement that failed is the only thing said", async () => {
    const dir = freshStateDir();
    for (const src of [
      "vip 192.0.2.10; service :80 roundrobin; add rs .2 .3",
      "vip 192.0.2.10; service :80 rr; add rs .2 .3 dr weight -1",
      "vip 192.0.2.300; service :80 rr; add rs .2; arp hide on rs",
    ]) {
      const r = await lvsh(dir, src);
      expect(r.diagnostics.filter((d) => d.severity === "error"), src).toHaveLength(1);
      expect(r.diagnostics.filter((d) => d.severity === "warning").map((d) => d.code), src).toEqual([]);
    }
  });
});
