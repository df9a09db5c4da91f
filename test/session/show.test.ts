/** `show` topics: what each takes is honoured or refused (never ignored), JSON is data, one table for all. */
import { describe, expect, it } from "vitest";
import { showTopicSpecs } from "../../src/lang/index.js";
import * as T from "../../src/lang/tokens.js";
import { freshStateDir, lvsh } from "../helpers/sim.js";

const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 .31 dr; arp hide on rs; commit";

describe("show's arguments", () => {
  it("has one spec for every topic the grammar takes", () => {
    expect(showTopicSpecs.map((t) => t.name).sort()).toEqual([...T.wordsOf(T.ShowTopic)].sort());
  });

  it("refuses a word a topic does not take, located, with a suggestion and the usage", async () => {
    const dir = freshStateDir();
    for (const [src, hint] of [
      ["show plan jsn", /did you mean json\?.*usage: show plan \[commands \| json\]/],
      ["show candidate json", /usage: show candidate$/],
      ["show rs foo", /usage: show rs \[ADDR \.\.\.\] \[json\]/],
      ["show diff 1 2 3", /usage: show diff \[REVISION \[REVISION\]\]/],
    ] as const) {
      const r = await lvsh(dir, src);
      expect(r.ok, src).toBe(false);
      expect(r.diagnostics.map((d) => d.code), src).toEqual(["show-argument"]);
      expect(r.diagnostics[0]!.hint, src).toMatch(hint);
      expect(r.rendered, src).toMatch(/\^+/);
    }
  });

  it("wraps its prose lines to a narrow terminal between words, as help does (tables have their own layout)", async () => {
    const dir = freshStateDir();
    const committed = (await lvsh(dir, SEED, { columns: 40 })).out;
    expect(committed).toMatch(/^commit complete: revision 1,/m);
    const shown = (await lvsh(dir, "service 172.25.254.10:80; set rs .31 weight 4; show rs", { columns: 40 })).out;
    expect(shown).toMatch(/running values and counters read from\nthe director at/);
    expect(shown).toMatch(/^staged in the candidate, not committed:/m);
    for (const out of [committed, shown]) for (const line of out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(40);
    // not on a terminal: one line each, as scripts read them
    expect((await lvsh(dir, "show rs")).out).toMatch(/running values and counters read from the director at \S+ UTC; the last commit is revision 1\n/);
  });

  it("filters `show rs` by address and prints its JSON as data: numbers, running and candidate values apart", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    const r = await lvsh(dir, "service 172.25.254.10:80; set rs .31 weight 4; show rs .31 json");
    expect(r.ok).toBe(true);
    const j = JSON.parse(r.out) as { revision: number; realServers: { realServer: string; running: { weight: number }; candidate: { weight: number }; active: number }[] };
    expect(j.revision).toBe(1);
    expect(j.realServers.map((x) => x.realServer)).toEqual(["172.25.254.31:80"]);
    expect(j.realServers[0]).toMatchObject({ running: { weight: 1 }, candidate: { weight: 4 }, active: 0, change: null });
    const text = (await lvsh(dir, "service 172.25.254.10:80; set rs .31 weight 4; show rs .3")).out;
    expect(text).toMatch(/172\.25\.254\.3:80/);
    expect(text).not.toMatch(/172\.25\.254\.31:80|172\.25\.254\.2:80/);
    expect((await lvsh(dir, "service 172.25.254.10:80; set rs .31 weight 4; show rs")).out).toMatch(/172\.25\.254\.31:80 │ dr\s+│ 1 -> 4/);
  });

  it("prints tables as JSON records with data keys and values", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    const j = JSON.parse((await lvsh(dir, "show services json")).out) as Record<string, unknown>[];
    expect(j).toEqual([{ service: "tcp 172.25.254.10:80", scheduler: "rr", persistence: null, flags: null, realServers: 3 }]);
  });
});

describe("what only keepalived acts on", () => {
  it("is said by a commit that records it with no step, and by show plan", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, SEED)).ok).toBe(true);
    const plan = await lvsh(dir, "service 172.25.254.10:80; check http /health; show plan");
    expect(plan.out).toMatch(/not applied by lvsh: keepalived acts on these[^\n]*\n  \+ tcp 172\.25\.254\.10:80: check http \/health/);
    const r = await lvsh(dir, "service 172.25.254.10:80; check http /health; commit");
    expect(r.out).toMatch(/commit complete: revision 2, no step \(0 to add, 0 to change, 0 to destroy\)\.\nStaged, recorded by commit, but not applied by lvsh/);
  });
});
