/**
 * `engine keepalived`: the directors get keepalived's file instead of
 * ipvsadm commands; each new file is checked on its director before
 * anything changes, installed once the real servers are ready, and a real
 * server keepalived drops unbinds its VIP only after.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, validate, KEEPALIVED_CONF, type Config, type State } from "../../src/model/index.js";
import { KEEPALIVED_TAG, keepalivedArgv, keepalivedOp, makePlan, PHASES, TEXT_PACK_BYTES, TEXT_PIECE, type Change } from "../../src/plan/index.js";
import { SimExecutor } from "../../src/sim/index.js";
import { readState, type HostReadSpec } from "../../src/state/index.js";
import { applySteps, undoSteps } from "../../src/txn/index.js";
import { load } from "../helpers/load.js";

const SEED = `vip 192.0.2.10 on eth0
host .251 via netns d1
host .252 via netns d2
host .2 via netns rs1
host .3 via netns rs2
director pair .251 .252 priority 150 100 vrid 51
service :80 rr
add rs .2 .3 dr
check http /
arp hide on rs`;

const span = { file: "t", line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, length: 1 } as never;
function withEngine(src: string): Config {
  const l = load(src);
  expect(l.errors).toEqual([]);
  return { ...l.config, engine: { kind: "keepalived", path: KEEPALIVED_CONF, span } };
}

const empty: State = { hosts: {} };
const byKey = (cs: readonly Change[]) => new Map(cs.map((c) => [c.key, c]));

describe("engine keepalived: compile and plan", () => {
  it("gives each director its own file and no IPVS table; the master is expected to hold the VIP", () => {
    const d = compile(withEngine(SEED));
    expect(Object.keys(d.state.hosts).sort()).toEqual(["192.0.2.2", "192.0.2.251", "192.0.2.252", "192.0.2.3"].sort());
    const a = d.state.hosts["192.0.2.251"]!;
    const b = d.state.hosts["192.0.2.252"]!;
    expect(a.ipvs).toEqual([]);
    expect(a.addrs).toEqual([]);
    expect(a.keepalived!.text).toMatch(/state MASTER/);
    expect(b.keepalived!.text).toMatch(/state BACKUP/);
    expect(a.keepalived!.text).toMatch(/virtual_server 192\.0\.2\.10 80/);
    expect(a.keepalived!.expect).toEqual({ services: ["-t 192.0.2.10:80 -s rr"], vips: ["192.0.2.10"] });
    expect(b.keepalived!.expect).toEqual({ services: ["-t 192.0.2.10:80 -s rr"], vips: [] });
    // without the engine: the director's table, lvsh's ipvsadm
    expect(compile(load(SEED).config).state.hosts["director"]!.ipvs).toHaveLength(1);
  });

  it("orders the plan: keepalived -t on both directors first, the real servers ready, then the installs; no ipvsadm", () => {
    const plan = makePlan(empty, compile(withEngine(SEED)));
    expect(plan.steps.some((s) => s.argv[0] === "ipvsadm")).toBe(false);
    const ops = plan.steps.map((s) => `${s.host} ${keepalivedOp(s.argv)?.op ?? (s.ready ? "ready" : s.argv[0])}`);
    const first = (x: string) => ops.indexOf(x);
    const last = (x: string) => ops.lastIndexOf(x);
    expect(first("192.0.2.251 check")).toBe(0);
    expect(first("192.0.2.252 check")).toBe(1);
    for (const rs of ["192.0.2.2", "192.0.2.3"]) expect(last(`${rs} ready`)).toBeLessThan(first("192.0.2.251 install"));
    expect(first("192.0.2.251 install")).toBeLessThan(first("192.0.2.252 install"));
    expect(plan.steps.filter((s) => s.readOnly).map((s) => s.host)).toEqual(["192.0.2.251", "192.0.2.252"]);
    expect(PHASES.find((p) => p.kind === "keepalived" && p.action === "set")!.block).toBe(2);
  });

  it("removing a real server: keepalived takes the file that drops it before its host unbinds the VIP", () => {
    const cfg = withEngine(SEED);
    const before = compile(cfg).state;
    // running = what the seed's commit left (keepalived running with its file)
    const after = withEngine(SEED.replace("add rs .2 .3 dr", "add rs .3 dr"));
    const plan = makePlan(before, compile(after));
    const ops = plan.steps.map((s) => `${s.host} ${keepalivedOp(s.argv)?.op ?? s.argv.slice(0, 3).join(" ")}`);
    const install = ops.indexOf("192.0.2.251 install");
    expect(install).toBeGreaterThanOrEqual(0);
    const unbind = ops.findIndex((o) => o.startsWith("192.0.2.2 ip addr"));
    expect(unbind).toBeGreaterThan(ops.lastIndexOf("192.0.2.252 install"));
  });

  it("nothing to do when the files are in place and keepalived runs; a keepalived that stopped is started", () => {
    const d = compile(withEngine(SEED));
    expect(makePlan(d.state, d).steps).toEqual([]);
    const stopped: State = { hosts: { ...d.state.hosts, "192.0.2.252": { ...d.state.hosts["192.0.2.252"]!, keepalived: { ...d.state.hosts["192.0.2.252"]!.keepalived!, running: false } } } };
    const plan = makePlan(stopped, d);
    expect(plan.steps.map((s) => `${s.host} ${keepalivedOp(s.argv)?.op}`)).toEqual(["192.0.2.252 install"]);
    expect(plan.steps[0]!.reason).toMatch(/start keepalived/);
  });

  it("a changed lvs_sync_daemon line restarts keepalived (a reload keeps the old daemon), said in the plan; other changes reload", () => {
    const d = compile(withEngine(SEED));
    const k = d.state.hosts["192.0.2.251"]!.keepalived!;
    const withSync = { ...d.state, hosts: { ...d.state.hosts, "192.0.2.251": { ...d.state.hosts["192.0.2.251"]!, keepalived: { ...k, text: k.text!.replace("global_defs {", "global_defs {\n    lvs_sync_daemon eth0 lvsh_eth0_51 id 7") } } } };
    const plan = makePlan(withSync, d);
    expect(plan.steps.map((s) => `${s.host} ${keepalivedOp(s.argv)?.op}`)).toEqual(["192.0.2.251 check", "192.0.2.251 install"]);
    const install = plan.steps[1]!;
    expect(install.argv.at(-1)).toBe("restart");
    expect(install.undo!.at(-1)).toBe("restart");
    expect(install.reason).toMatch(/restart keepalived \(keepalived keeps its connection sync daemon across a reload/);
    const weight = makePlan(d.state, compile(withEngine(SEED.replace("add rs .2 .3 dr", "add rs .2 .3 dr weight 2"))));
    expect(weight.steps.find((s) => keepalivedOp(s.argv)?.op === "install")!.argv.at(-1)).not.toBe("restart");
  });

  it("checks ready only the real servers a new file adds (one keepalived's check holds down is not in the table, and not new)", () => {
    const d = compile(withEngine(SEED));
    const more = compile(withEngine(SEED.replace("add rs .2 .3 dr", "add rs .2 .3 .4 dr\nhost .4 via netns rs3")));
    const plan = makePlan(d.state, more);
    expect(plan.steps.filter((s) => s.ready).map((s) => s.host)).toEqual(["192.0.2.4"]);
  });
});

describe("engine keepalived: what lvsh cannot do there", () => {
  it("a director that is also a dr real server of its VIP is refused where the pair is written", () => {
    const l = load(SEED.replace("director pair .251 .252", "director pair .2 .252"));
    const d = validate({ ...l.config, engine: { kind: "keepalived", path: KEEPALIVED_CONF, span } }).filter((x) => x.code === "pair-is-real-server");
    expect(d).toHaveLength(1);
    expect(d[0]!.span?.line).toBe(6);
    expect(d[0]!.message).toMatch(/192\.0\.2\.2 is a director of 192\.0\.2\.10 and a real server of tcp 192\.0\.2\.10:80/);
    expect(validate(withEngine(SEED)).some((x) => x.code === "pair-is-real-server")).toBe(false);
  });

  it("`drain rs` is refused where it is written, with the way to do it", () => {
    const l = load(`${SEED}\ndrain rs .2 timeout 30s`);
    const d = validate({ ...l.config, engine: { kind: "keepalived", path: KEEPALIVED_CONF, span } }).filter((x) => x.code === "drain-keepalived");
    expect(d).toHaveLength(1);
    expect(d[0]!.span?.line).toBe(11);
    expect(d[0]!.hint).toMatch(/maintenance rs/);
    expect(validate(l.config).some((x) => x.code === "drain-keepalived")).toBe(false);
  });
});

describe("engine keepalived on simulated directors", () => {
  function hosts() {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-ka-"));
    const execs = new Map<string, SimExecutor>();
    const executor = (h: string) => {
      if (!execs.has(h)) execs.set(h, new SimExecutor(h, dir));
      return execs.get(h)!;
    };
    const spec = (h: string): HostReadSpec => ({ host: h, ipvs: true, arp: true, sysctlKeys: [], ...(h.endsWith(".251") || h.endsWith(".252") ? { keepalived: KEEPALIVED_CONF } : {}) });
    const read = async (hs: readonly string[]) => (await readState(executor, hs.map(spec))).state;
    return { executor, read };
  }

  it("installs both files, reads them back equal, and the undo takes them away", async () => {
    const env = hosts();
    const desired = compile(withEngine(SEED));
    const names = Object.keys(desired.state.hosts);
    const running = await env.read(names);
    const plan = makePlan(running, desired);
    const out = await applySteps(plan.steps, byKey(plan.changes), env);
    expect(out.failed).toBeUndefined();
    const now = await env.read(names);
    expect(now.hosts["192.0.2.251"]!.keepalived).toMatchObject({ running: true, text: desired.state.hosts["192.0.2.251"]!.keepalived!.text });
    expect(makePlan(now, desired).steps).toEqual([]);
    const undo = undoSteps(out.done);
    expect(undo.impossible).toEqual([]);
    const back = await applySteps(undo.steps, byKey(plan.changes), env);
    expect(back.failed).toBeUndefined();
    expect((await env.read(names)).hosts["192.0.2.251"]!.keepalived).toMatchObject({ running: false, text: null });
  });

  it("a file keepalived -t rejects on the second director: the failure comes before anything changed", async () => {
    const env = hosts();
    const desired = compile(withEngine(SEED.replace("vrid 51", "vrid 51 interface eth9")));
    const names = Object.keys(desired.state.hosts);
    const running = await env.read(names);
    const plan = makePlan(running, desired);
    const out = await applySteps(plan.steps, byKey(plan.changes), env);
    expect(out.failed?.step.id).toBe(1);
    expect(out.failed?.result.stderr).toMatch(/keepalived -t rejects.*eth9/s);
    expect(out.done).toEqual([]);
  });
});

describe("engine keepalived: watch", () => {
  it("a configured real server absent from keepalived's table is down (check), not missing", async () => {
    const { sampleOf } = await import("../../src/session/watch-sample.js");
    const list = [
      "IP Virtual Server version 1.2.1 (size=4096)",
      "Prot LocalAddress:Port Scheduler Flags",
      "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
      "TCP  192.0.2.10:80 rr",
      "  -> 192.0.2.3:80                 Route   1      0          0",
      "",
    ].join("\n");
    const config = withEngine(SEED);
    const states = (ka: boolean) => sampleOf({ list, stats: "", rate: "" }, config, new Date(), undefined, ka).services[0]!.reals.map((r) => `${r.rs} ${r.state}`);
    expect(states(true)).toEqual(["192.0.2.2:80 down", "192.0.2.3:80 ok"]);
    expect(states(false)).toEqual(["192.0.2.2:80 missing", "192.0.2.3:80 ok"]);
  });
});

describe("engine keepalived: the VIP keepalived holds (found by the lab, scenario ha)", () => {
  it("is keepalived's, not drift: the master holding the pair's VIP plans nothing on its addresses", () => {
    const desired = compile(withEngine(SEED));
    // what the director shows once keepalived took the file: its file running, and the VIP it bound (VRRP)
    const hosts = Object.fromEntries(
      Object.entries(desired.state.hosts).map(([name, h]) => {
        const k = h.keepalived ? { keepalived: { ...h.keepalived, expect: undefined } } : {};
        const addrs = name === "192.0.2.251" ? [{ addr: "192.0.2.10", prefix: 32, dev: "eth0" }] : h.addrs;
        return [name, { ...h, ...k, addrs }];
      }),
    );
    const plan = makePlan({ hosts }, desired);
    expect(plan.steps.filter((s) => s.host === "192.0.2.251").map((s) => s.argv.join(" "))).toEqual([]);
  });
});

describe("a long keepalived file in its commands (one argument of a process may not pass 128 kB)", () => {
  // 221 kB: 1,000 real servers with an HTTP check; a 4-byte character straddling a piece's end
  const long = `global_defs {\n    router_id lvsh_long\n}\n${"#".repeat(TEXT_PIECE - 41)}😀\n${Array.from({ length: 6_000 }, (_, i) => `# real server ${i} é`).join("\n")}\n`;

  it("goes in pieces of at most TEXT_PIECE characters that put it back whole; a short one as before", () => {
    for (const argv of [keepalivedArgv("install", "/etc/k.conf", long, "30", "-t 192.0.2.10:80 -s rr", "192.0.2.10"), keepalivedArgv("check", "/etc/k.conf", long)]) {
      expect(Math.max(...argv.slice(3).map((a) => a.length))).toBeLessThanOrEqual(TEXT_PIECE);
      // each piece is valid UTF-16 alone (no half of a surrogate pair): it is valid UTF-8 on the command line
      for (const a of argv.slice(3)) expect(Buffer.from(a, "utf8").toString("utf8")).toBe(a);
      expect(keepalivedOp(argv)!.text).toBe(long);
    }
    const install = keepalivedOp(keepalivedArgv("install", "/etc/k.conf", long, "30", "-t 192.0.2.10:80 -s rr", "192.0.2.10"))!;
    expect(install.rest.slice(1)).toEqual(["30", "-t 192.0.2.10:80 -s rr", "192.0.2.10", ""]);
    expect(keepalivedArgv("install", "/etc/k.conf", "short", "30", "", "").slice(3)).toEqual([KEEPALIVED_TAG, "install", "/etc/k.conf", "short", "30", "", ""]);
  });

  it("packs a text over TEXT_PACK_BYTES (gzip, base64), and one that looks packed: all of a process's arguments may not pass 2 MB", () => {
    // 10,000 real servers with checks: 2.3 MB
    const huge = Array.from({ length: 10_000 }, (_, i) => `    real_server 10.0.${i >> 8}.${i & 255} 80 {\n        weight 1\n        HTTP_GET {\n            url {\n              path /health\n              status_code 200\n            }\n        }\n    }`).join("\n").repeat(2) + "\n";
    expect(Buffer.byteLength(huge)).toBeGreaterThan(TEXT_PACK_BYTES);
    const argv = keepalivedArgv("install", "/etc/k.conf", huge, "30", "", "");
    expect(argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0)).toBeLessThan(200_000);
    expect(keepalivedOp(argv)!.text).toBe(huge);
    // a short text that starts as a packed one does is packed too: it reads back as itself
    const odd = "lvsh-gzip-base64:not really\n";
    expect(keepalivedOp(keepalivedArgv("check", "/etc/k.conf", odd))!.text).toBe(odd);
  });
});
