/**
 * drain on the real kernel (guest/scenario-drain.sh): a client's held TCP
 * connection keeps a drained real server in place (weight 0, no new
 * connections) until it closes; the timeout undoes, `force` cuts, and a
 * kill during the wait is undone by `lvsh recover`.
 */
import { describe, expect, inject, it } from "vitest";
import { checkLvsh, shares, type Fetch, type LvshRun } from "./checks.js";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

interface DrainResult {
  seed: LvshRun;
  drain: {
    x: string;
    weight_after: string;
    weight_ms: number;
    fetch: Fetch;
    waiting_after_fetch: boolean;
    weight_while_waiting: string;
    exit: number;
    after_close_ms: number;
    weight_at_end: string;
    output: string;
  };
  timeout: { x: string; commit: LvshRun; weight_at_end: string };
  force: { x: string; commit: LvshRun; weight_at_end: string };
  kill: { x: string; weight_after_kill: string; recover: LvshRun; weight_at_end: string };
}

const other = (x: string) => (x === "192.0.2.2" ? "rs2" : "rs1");

describe.skipIf(!ran(lab, "drain"))(titled(lab, "lab: drain a real server without cutting a connection"), () => {
  const r = () => scenario<DrainResult>(lab, "drain");

  it("commits the seed", () => expect(checkLvsh(r().seed)).toEqual([]));

  describe("drain rs X timeout 60s, with a connection held on X", () => {
    it("sets X to weight 0 at once (its first step), while the commit goes on", () => {
      expect(r().drain.weight_after).toBe("0");
    });
    it("sends every new connection to the other real server", () => {
      expect(shares(r().drain.fetch)).toEqual({ [other(r().drain.x)]: 4 });
    });
    it("is still waiting while the connection lives, with X in the table", () => {
      expect(r().drain.waiting_after_fetch).toBe(true);
      expect(r().drain.weight_while_waiting).toBe("0");
      expect(r().drain.output).toMatch(/draining 192\.0\.2\.\d+:80: 1 active/);
    });
    it("deletes X within seconds of the client closing, and exits 0", () => {
      expect(r().drain.exit).toBe(0);
      expect(r().drain.weight_at_end).toBe("");
      // polled about once a second; then the delete and the real server's teardown (lvsh runs slowly under TCG)
      expect(r().drain.after_close_ms).toBeLessThan(30000);
      expect(r().drain.output).toMatch(/drained 192\.0\.2\.\d+:80: no active connection/);
      expect(r().drain.output).toMatch(/commit complete/);
    });
  });

  it("at the timeout fails and undoes: X back at weight 1", () => {
    const t = r().timeout;
    expect(t.commit.exit).toBe(1);
    expect(t.commit.stderr).toMatch(new RegExp(`drain of ${t.x.replace(/\./g, "\\.")}:80 timed out after 0:03: it still has 1 active connection`));
    expect(t.commit.stderr).toMatch(/rolled back/);
    expect(t.weight_at_end).toBe("1");
  });

  it("with force deletes X at the timeout and says it cut the connection", () => {
    const f = r().force;
    expect(checkLvsh(f.commit)).toEqual([]);
    expect(f.commit.stdout).toMatch(/timed out with 1 active connection: deleting it anyway \(force\) cuts them/);
    expect(f.weight_at_end).toBe("");
  });

  it("killed while it waits, leaves X at weight 0; lvsh recover puts weight 1 back", () => {
    const k = r().kill;
    expect(k.weight_after_kill).toBe("0");
    expect(checkLvsh(k.recover)).toEqual([]);
    expect(k.weight_at_end).toBe("1");
  });
});
