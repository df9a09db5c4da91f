/**
 * `drain rs`: weight 0 at once, the rest of the plan, a wait on the
 * director's ActiveConn, then the delete and the real server's teardown.
 * The simulated director has no connections of its own: a wrapper gives
 * its `ipvsadm -Ln` the counts a test needs (the real kernel's proof is
 * in the lab).
 */
import { describe, expect, it } from "vitest";
import type { Executor } from "../../src/exec/index.js";
import { parse, printStatement } from "../../src/lang/index.js";
import { destConns } from "../../src/txn/apply.js";
import { SEED } from "../helpers/load.js";
import { freshStateDir, lvsh, simSession } from "../helpers/sim.js";

const SVC = "service 172.25.254.10:80";

/** The director's `ipvsadm -Ln` with ActiveConn of 172.25.254.3:80 taken from `active()` (called at each read). */
function withConnections(session: Awaited<ReturnType<typeof simSession>>, active: () => number): { reads: number } {
  const seen = { reads: 0 };
  const site = session.site;
  const orig = site.executor.bind(site);
  site.executor = (h: string): Executor => {
    const e = orig(h);
    if (h !== "director") return e;
    return {
      host: e.host,
      describe: e.describe,
      close: () => e.close(),
      runMany: (cmds, o) => e.runMany(cmds, o),
      run: async (argv, o) => {
        const r = await e.run(argv, o);
        if (argv[0] !== "ipvsadm" || argv[1] !== "-Ln" || argv.includes("--rate")) return r;
        seen.reads++;
        const n = active();
        return { ...r, stdout: r.stdout.replace(/^(\s+-> 172\.25\.254\.3:80\s+\S+\s+\d+\s+)\d+(\s+)\d+/m, `$1${n}$2${n + 2}`) };
      },
    };
  };
  return seen;
}

async function seeded() {
  const dir = freshStateDir();
  expect((await lvsh(dir, `${SEED}; commit`)).ok).toBe(true);
  return dir;
}

const weights = async (dir: string) => {
  const r = await lvsh(dir, "show running");
  return [...r.out.matchAll(/-a -t 172\.25\.254\.10:80 -r (172\.25\.254\.\d+):80 -g -w (\d+)/g)].map((m) => `${m[1]} ${m[2]}`);
};

describe("drain rs: the plan", () => {
  it("prints as written and parses back to the same statement", () => {
    for (const src of ["drain rs .3", "drain rs .2 .3 timeout 10m then keep", "drain rs 172.25.254.3 from 172.25.254.10:80 timeout 30s force"]) {
      const stmts = parse(src).statements;
      expect(stmts.map(printStatement), src).toEqual([src]);
    }
    expect(parse("drain rs .3 timeout 1m timeout 2m").diagnostics.map((d) => d.code)).toEqual(["duplicate-option"]);
  });

  it("reads ActiveConn and InActConn off the real server's line of `ipvsadm -Ln`", () => {
    const out = "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  192.0.2.10:80 rr\n  -> 192.0.2.2:80                 Route   1      3          7\n  -> 192.0.2.3:80                 Route   0      0          1\n";
    expect(destConns(out, "192.0.2.2:80")).toEqual({ active: 3, inactive: 7 });
    expect(destConns(out, "192.0.2.3:80")).toEqual({ active: 0, inactive: 1 });
    expect(destConns(out, "192.0.2.4:80")).toBeUndefined();
  });
});

describe("drain rs: the commit (simulated target)", () => {
  it("orders weight 0, the other changes, the wait, the delete, then the real server's VIP and ARP rules", async () => {
    const dir = await seeded();
    const s = await simSession(dir);
    await s.session.run(`${SVC}; drain rs .3 timeout 2m; add rs .4`, "<t>");
    const { plan } = await s.session.plan();
    const line = (x: { host: string; argv: readonly string[]; wait?: unknown; ready?: unknown }) => (x.wait ? `${x.host}: wait` : x.ready ? `${x.host}: check` : `${x.host}: ${x.argv.slice(0, 3).join(" ")}`);
    expect(plan!.steps.map(line)).toEqual([
      "director: ipvsadm -e -t",
      "172.25.254.4: arptables -A INPUT",
      "172.25.254.4: arptables -A OUTPUT",
      "172.25.254.4: ip addr add",
      "172.25.254.4: check",
      "director: ipvsadm -a -t",
      "director: wait",
      "director: ipvsadm -d -t",
      "172.25.254.3: ip addr del",
      "172.25.254.3: arptables -D INPUT",
      "172.25.254.3: arptables -D OUTPUT",
    ]);
    expect(plan!.steps[0]!.argv).toContain("0");
    expect(plan!.steps[6]!.reason).toBe("wait until 172.25.254.3:80 of tcp 172.25.254.10:80 has no active connection (at most 2m)");
    await s.session.close();
  });

  it("waits while the real server has active connections, shows them, and deletes it once it has none", async () => {
    const dir = await seeded();
    const s = await simSession(dir);
    let left = 3;
    const seen = withConnections(s, () => (left > 0 ? left-- : 0));
    s.site.executor("director"); // the wrapper is in place before the commit
    const r = await s.session.run(`${SVC}; drain rs .3 timeout 1m; commit`, "<t>");
    expect(r.ok, s.session.render(r.diagnostics)).toBe(true);
    const out = s.out.join("");
    expect(out).toMatch(/draining 172\.25\.254\.3:80: 3 active, 5 inactive, [01]:\d\d left/);
    expect(out).toMatch(/drained 172\.25\.254\.3:80: no active connection \(2 closing\)/);
    expect(seen.reads).toBeGreaterThanOrEqual(4);
    await s.session.close();
    expect(await weights(dir)).toEqual(["172.25.254.2 1"]);
  });

  it("at the timeout fails and undoes: the weight goes back, the real server stays", async () => {
    const dir = await seeded();
    const s = await simSession(dir);
    withConnections(s, () => 2);
    const r = await s.session.run(`${SVC}; drain rs .3 timeout 2s; commit`, "<t>");
    expect(r.ok).toBe(false);
    const failed = r.diagnostics.find((d) => d.code === "commit-failed")!;
    expect(failed.message).toMatch(/drain of 172\.25\.254\.3:80 timed out after 0:02: it still has 2 active connections/);
    expect(s.session.render(r.diagnostics)).toMatch(/rolled back: 1 step undone/);
    await s.session.close();
    expect(await weights(dir)).toEqual(["172.25.254.2 1", "172.25.254.3 1"]);
  });

  it("with `force` deletes at the timeout anyway and says how many connections it cut", async () => {
    const dir = await seeded();
    const s = await simSession(dir);
    withConnections(s, () => 4);
    const r = await s.session.run(`${SVC}; drain rs .3 timeout 1s force; commit`, "<t>");
    expect(r.ok, s.session.render(r.diagnostics)).toBe(true);
    expect(s.out.join("")).toMatch(/drain of 172\.25\.254\.3:80 timed out with 4 active connections: deleting it anyway \(force\) cuts them/);
    await s.session.close();
    expect(await weights(dir)).toEqual(["172.25.254.2 1"]);
  });

  it("`then keep` leaves the real server at weight 0, in the candidate and on the director", async () => {
    const dir = await seeded();
    const r = await lvsh(dir, `${SVC}; drain rs .3 then keep; commit`);
    expect(r.ok, r.rendered).toBe(true);
    expect(await weights(dir)).toEqual(["172.25.254.2 1", "172.25.254.3 0"]);
    expect((await lvsh(dir, "show candidate")).out).toMatch(/add rs \.3 dr weight 0|add rs \.3 weight 0/);
  });

  it("refuses to drain what is not a real server or service, and a bad timeout", async () => {
    const dir = await seeded();
    const r = await lvsh(dir, `${SVC}; drain rs .9`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unknown-rs"]);
    const f = await lvsh(dir, "drain rs .3 from 172.25.254.99:80");
    expect(f.diagnostics.map((d) => d.code)).toEqual(["unknown-service"]);
    const t = await lvsh(dir, `${SVC}; drain rs .3 timeout soon`);
    expect(t.diagnostics.map((d) => d.code)).toEqual(["invalid-duration"]);
  });
});

describe("maintenance rs, and del rs of a busy real server", () => {
  it("`maintenance rs .3 on` runs it at weight 0, keeps its weight for `off`, and `show rs` says why", async () => {
    const dir = await seeded();
    expect((await lvsh(dir, `${SVC}; set rs .3 weight 5; commit`)).ok).toBe(true);
    const on = await lvsh(dir, `${SVC}; maintenance rs .3 on; commit`);
    expect(on.ok, on.rendered).toBe(true);
    expect(await weights(dir)).toEqual(["172.25.254.2 1", "172.25.254.3 0"]);
    expect((await lvsh(dir, "show candidate")).out).toMatch(/^maintenance rs \.3 on$/m);
    expect((await lvsh(dir, "show rs .3")).out).toMatch(/172\.25\.254\.3:80 │ dr\s+│ 0 \(maintenance\)/);
    expect((await lvsh(dir, `${SVC}; maintenance rs .3 off; commit`)).ok).toBe(true);
    expect(await weights(dir)).toEqual(["172.25.254.2 1", "172.25.254.3 5"]);
    expect((await lvsh(dir, "show candidate")).out).not.toMatch(/maintenance/);
  });

  it("`del rs` of a real server with active connections warns before the commit asks, and names `drain`", async () => {
    const dir = await seeded();
    const s = await simSession(dir);
    withConnections(s, () => 4);
    const r = await s.session.run(`${SVC}; del rs .3; commit`, "<t>");
    expect(r.ok).toBe(true);
    expect(s.out.join("")).toMatch(/warning: deleting 172\.25\.254\.3:80 cuts its 4 active connections; `drain rs 172\.25\.254\.3` waits for them to end first/);
    await s.session.close();
    const quiet = await lvsh(await seeded(), `${SVC}; del rs .3; commit`);
    expect(quiet.out).not.toMatch(/warning: deleting/);
  });
});
