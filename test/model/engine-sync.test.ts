/** `engine keepalived|lvsh` and `sync daemon on IFACE [id N]`: evaluation, whole-configuration checks, printing. */
import { describe, expect, it } from "vitest";
import { parse } from "../../src/lang/index.js";
import { KEEPALIVED_CONF, keepalivedParts, printConfig } from "../../src/model/index.js";
import { mergeConflicts } from "../../src/model/merge.js";
import { expectRoundTrip, load, SEED } from "../helpers/load.js";

const at = (src: string, code: string) => {
  const d = load(src).diagnostics.find((x) => x.code === code);
  return d && `${d.severity} ${d.span!.line}:${d.span!.col}`;
};
const PAIR = `${SEED}; director pair .251 .252`;

describe("engine", () => {
  it("`engine keepalived` sets the engine, with keepalived's default path or the one given", () => {
    expect(load("engine keepalived").config.engine).toMatchObject({ kind: "keepalived", path: KEEPALIVED_CONF });
    expect(load("engine keepalived config /etc/keepalived/lvsh.conf").config.engine).toMatchObject({ kind: "keepalived", path: "/etc/keepalived/lvsh.conf" });
  });

  it("states the whole setting: `engine keepalived` again is back to the default path", () => {
    expect(load("engine keepalived config /etc/k.conf; engine keepalived").config.engine?.path).toBe(KEEPALIVED_CONF);
  });

  it("`engine lvsh` and `clear` remove it", () => {
    expect(load("engine keepalived; engine lvsh").config.engine).toBeUndefined();
    expect(load("engine keepalived; clear").config.engine).toBeUndefined();
  });

  it("is kept across evaluations (a session's later statements)", () => {
    const base = load("engine keepalived config /etc/k.conf; sync daemon on eth1 id 3").config;
    const next = load("vip 192.0.2.10 on eth0", base).config;
    expect(next.engine?.path).toBe("/etc/k.conf");
    expect(next.sync).toMatchObject({ iface: "eth1", id: 3 });
  });

  it("with keepalived, pairs of one router id and interface (IPv4 and IPv6 VIPs) name the same directors", () => {
    const two =
      "vip 192.0.2.10 on eth0; service :80 rr; add rs .2 nat; director pair 192.0.2.251 192.0.2.252; vip 2001:db8::10 on eth0; service :80 rr; add rs 2001:db8::2 nat";
    expect(at(`engine keepalived; ${two}; director pair 192.0.2.251 192.0.2.253`, "pair-directors-mismatch")).toBe("error 1:180");
    expect(load(`engine keepalived; ${two}; director pair 192.0.2.252 192.0.2.251 priority 100 150`).errors).toEqual([]);
    expect(load(`engine keepalived; ${two}; director pair 192.0.2.251 192.0.2.253 vrid 52`).errors).toEqual([]);
    // lvsh's own engine exports them as two instances, as before
    expect(load(`${two}; director pair 192.0.2.251 192.0.2.253`).errors).toEqual([]);
  });

  it("keeps the pair's own checks (a priority tie is still refused)", () => {
    expect(at(`engine keepalived; ${SEED}; director pair .251 .252 priority 100 100`, "pair-priority-tie")).toBe("error 1:129");
  });
});

describe("sync daemon", () => {
  it("sets the interface and the id (0: none given)", () => {
    expect(load(`engine keepalived; ${PAIR}; sync daemon on eth1`).config.sync).toMatchObject({ iface: "eth1", id: 0 });
    expect(load(`engine keepalived; ${PAIR}; sync daemon on eth1 id 7`).config.sync).toMatchObject({ iface: "eth1", id: 7 });
  });

  it("`sync daemon off` removes it, and is quiet when there is none", () => {
    expect(load(`engine keepalived; ${PAIR}; sync daemon on eth1; sync daemon off`).config.sync).toBeUndefined();
    expect(load("sync daemon off").diagnostics).toEqual([]);
  });

  it("needs `engine keepalived` and a `director pair`: a located error with a hint", () => {
    const r = load(`${PAIR}; sync daemon on eth1`);
    expect(r.errors).toEqual(["sync-needs-keepalived"]);
    expect(at(`${PAIR}; sync daemon on eth1`, "sync-needs-keepalived")).toBe("error 1:102");
    expect(r.diagnostics[0]!.message).toContain("lvs_sync_daemon");
    expect(r.diagnostics.find((d) => d.code === "sync-needs-keepalived")!.hint).toContain("`engine keepalived`");
    const unpaired = load(`engine keepalived; ${SEED}; sync daemon on eth1 id 4`).diagnostics.find((d) => d.code === "sync-needs-keepalived")!;
    expect(unpaired.span!.col).toBe(96);
    expect(unpaired.hint).toContain("`director pair");
    expect(unpaired.hint).not.toContain("`engine keepalived`");
    expect(load(`engine keepalived; ${PAIR}; sync daemon on eth1`).errors).toEqual([]);
  });

  it("is keepalived's: said in the plan's note, like the pairs", () => {
    expect(keepalivedParts(load(`engine keepalived; ${PAIR}; sync daemon on eth1 id 9`).config).get("sync")).toEqual(["sync daemon on eth1 id 9"]);
  });
});

describe("a bad engine or sync statement", () => {
  it("leaves the current VIP and service as they were (the statements after it are not in doubt)", () => {
    const p = parse(`${SEED}; engine keepalived config rel.conf; sync daemon on eth1 id 0; add rs .9`, "t.lvsh");
    expect(p.diagnostics.map((d) => d.code)).toEqual(["invalid-config-path", "invalid-sync-id"]);
    expect(p.contextLost.size).toBe(0);
  });
});

describe("printConfig with engine and sync", () => {
  it.each([
    "engine keepalived",
    "engine keepalived config /etc/keepalived/lvsh.conf",
    'engine keepalived config "/etc/keepalived/a b.conf"',
    `engine keepalived; ${PAIR}; sync daemon on eth1`,
    `engine keepalived config /srv/k.conf; ${PAIR}; sync daemon on eth1 id 255`,
  ])("round-trips %s", expectRoundTrip);

  it("prints them first (after the hosts), defaults left out", () => {
    expect(printConfig(load(`host director via netns lb; ${PAIR}; engine keepalived; sync daemon on eth1 id 7`).config)).toBe(
      ["host director via netns lb", "engine keepalived", "sync daemon on eth1 id 7", "", "vip 172.25.254.10 on eth0", "service :80 rr", "add rs .2 .3 dr", "arp hide on rs", "director pair .251 .252", ""].join("\n"),
    );
    expect(printConfig(load("engine keepalived config /etc/k.conf").config)).toBe("engine keepalived config /etc/k.conf\n");
    expect(printConfig(load("engine keepalived; engine lvsh").config)).toBe("");
  });
});

describe("re-basing a session's edits", () => {
  it("sees the engine and the sync daemon", () => {
    const base = load(PAIR).config;
    const ours = load(`${PAIR}; engine keepalived`).config;
    const theirs = load(`${PAIR}; engine keepalived config /etc/k.conf`).config;
    expect(mergeConflicts({ base, ours, theirs, replayed: ours, theirName: "revision 2" })).toEqual(["the engine (`engine keepalived`): revision 2 changed it, and so do your edits"]);
    const synced = load(`engine keepalived; ${PAIR}; sync daemon on eth1`).config;
    expect(mergeConflicts({ base: ours, ours, theirs: synced, replayed: ours, theirName: "revision 3" })).toEqual(["the sync daemon: your edits would remove it, undoing what revision 3 did"]);
  });
});
