/**
 * Faults on the real kernel (guest/scenario-faults.sh): after every failed
 * commit, every host holds what it held before, byte for byte. One test per
 * failed step K of the seed's plan (lvsh's LVSH_TEST_INJECT=fail:K), then the
 * real failures: a missing interface on a real server and on the director.
 */
import { describe, expect, inject, it } from "vitest";
import { checkAllAnswered, checkLvsh, snapDiff, type Fetch, type LvshRun, type Snap } from "./checks.js";
import { ran, titled, tryScenario } from "./lab.js";

const lab = inject("lab");

interface PlanStep {
  id: number;
  host: string;
  argv: string[];
  reason: string;
  /** A readiness check (the real server's, before the director adds it). */
  ready?: { host: string; addr: string };
}
interface Injected {
  name: string;
  plan: { steps: PlanStep[] };
  /** The steps failed in turn (full: every step; ci: one per phase). */
  ks: number[];
  before: Snap;
  runs: { k: number; commit: LvshRun; snap: Snap }[];
}
interface Fault {
  name: string;
  before: Snap;
  commit: LvshRun;
  after: Snap;
}
interface FaultsResult {
  mode: "ci" | "full";
  inject_seed: Injected;
  faults: Fault[];
  fetch_after_faults: Fetch;
  inject_mixed: Injected | { skipped: true };
}

const loaded = tryScenario<FaultsResult>(lab, "faults");

/**
 * A failed commit: lvsh says which step failed and that it rolled back;
 * every host is as before, byte for byte -- but for an empty arptables-nft
 * table left where there was none, which has a test of its own.
 */
function failedAndRolledBack(run: LvshRun, before: Snap, after: Snap, step?: number): string[] {
  const problems = checkLvsh(run, 1);
  if (step !== undefined && !run.stderr.includes(`commit failed at step ${step} `)) problems.push(`lvsh does not say step ${step} failed:\n${run.stderr.trim()}`);
  if (!/rolled back: \d+ steps? undone; every host holds what it held before/.test(run.stderr)) problems.push(`lvsh does not say it rolled back:\n${run.stderr.trim()}`);
  return [...problems, ...snapDiff(before, after, { emptyArpTableIsNone: true })];
}

/**
 * Every rollback's arptables-save, byte for byte, with one allowance: where
 * there was no arptables-nft table before, the empty `filter` table (ACCEPT
 * policies, no rules) that the first `arptables -A` created may stay. lvsh
 * never deletes or flushes a table: another tool may be adding rules to it.
 */
function arptablesResidue(before: Snap, afters: { what: string; snap: Snap }[]): string[] {
  return afters.flatMap((a) => snapDiff(before, a.snap, { parts: ["arptables"], emptyArpTableIsNone: true }).map((d) => `${a.what}: ${d}`));
}

function injectedTests(get: () => Injected | undefined, title: string): void {
  describe(title, () => {
    const x = get();
    if (!x) {
      it("ran", () => {
        throw loaded.error ?? new Error("no result");
      });
      return;
    }
    const steps = x.plan.steps;
    it(`has a plan of ${steps.length} steps on ${new Set(steps.map((s) => s.host)).size} hosts`, () => {
      expect(steps.length).toBeGreaterThanOrEqual(10);
      if (x.name !== "inject-seed") return;
      // the seed: 3 steps and a readiness check per real server, then the director's 4
      expect(steps.length).toBe(12);
      expect(steps.filter((s) => s.ready).map((s) => `${s.id} ${s.host}`)).toEqual(["4 192.0.2.2", "8 192.0.2.3"]);
      expect(steps[3]!.reason).toMatch(/^check real server 192\.0\.2\.2 ready for tcp 192\.0\.2\.10:80 \(VIP bound, ARP hidden, port 80 listening\)$/);
    });
    for (const run of x.runs.filter((r) => r.k > 0 && r.commit.exit !== 0)) {
      const s = steps[run.k - 1];
      it(`step ${run.k} failed${s ? ` (${s.host}: ${s.argv.join(" ")})` : ""}: rolled back, every host as before`, () => {
        expect(failedAndRolledBack(run.commit, x.before, run.snap, run.k)).toEqual([]);
      });
    }
    it("leaves arptables-save byte for byte as before after every rollback (an empty nft table the first rule made aside)", () => {
      const failed = x.runs.filter((r) => r.commit.exit !== 0).map((r) => ({ what: `step ${r.k}`, snap: r.snap }));
      expect(arptablesResidue(x.before, failed)).toEqual([]);
    });
    const full = loaded.value?.mode === "full";
    it(`fails ${full ? "every step" : "a step of every phase"} in turn, then commits the whole plan`, () => {
      const failedKs = x.runs.filter((r) => r.commit.exit !== 0).map((r) => r.k);
      const last = x.runs.at(-1)!;
      expect(checkLvsh(last.commit)).toEqual([]);
      expect(last.commit.stdout).toMatch(new RegExp(`commit complete: revision \\d+, ${steps.length} steps`));
      if (x.name !== "inject-seed") return;
      if (full) {
        expect(failedKs).toEqual(steps.map((s) => s.id));
        return;
      }
      // ci: the first step, a real server's, a readiness check, a director's inside its ipvsadm batch, the last
      expect(failedKs).toEqual(x.ks);
      const at = (k: number) => steps.find((s) => s.id === k)!;
      expect(failedKs[0]).toBe(1);
      expect(failedKs.at(-1)).toBe(steps.length);
      expect(failedKs.some((k) => at(k).host !== "director" && !at(k).ready)).toBe(true);
      expect(failedKs.some((k) => at(k).ready)).toBe(true);
      expect(failedKs.some((k) => at(k).host === "director" && at(k).argv[0] === "ipvsadm" && at(k - 1).argv[0] === "ipvsadm" && at(k - 1).host === "director")).toBe(true);
    });
  });
}

describe.skipIf(!ran(lab, "faults"))(titled(lab, "lab: faults on the real kernel"), () => {
  injectedTests(
    () => loaded.value?.inject_seed,
    `the seed's plan from nothing, step K failed (LVSH_TEST_INJECT=fail:K), for ${loaded.value?.mode === "full" ? "every K" : "K in every phase (npm run test:kernel:full: every K)"}`,
  );

  describe("a step fails for real, midway", () => {
    const fault = (name: string): Fault => {
      if (!loaded.value) throw loaded.error ?? new Error("no result");
      return loaded.value.faults.find((f) => f.name === name)!;
    };
    it("`arp hide on rs dev eth9` (no eth9 on the real server): refused before the first step, with the interface meant; every host as before", () => {
      const f = fault("rs-eth9");
      expect(f.commit.exit).toBe(1);
      expect(f.commit.stderr).toMatch(/192\.0\.2\.2 has no interface eth9 \(it has [^)]*\beth0\b[^)]*\)/);
      expect(f.commit.stderr).toMatch(/did you mean eth0\?/);
      expect(f.commit.stderr).toMatch(/commit stopped before its first step; nothing was applied/);
      expect(snapDiff(f.before, f.after)).toEqual([]);
    });
    it("`arp hide on rs dev lo` where lo takes no IPv4 address (MTU 60): fails for real after the VIP left eth0; rolled back, every host as before", () => {
      const f = fault("rs-lo");
      expect(f.commit.stderr).toMatch(/commit failed at step ([2-9]|\d\d+) on 192\.0\.2\.2: `ip addr add 192\.0\.2\.10\/32 dev lo`: RTNETLINK answers: No buffer space available/);
      expect(failedAndRolledBack(f.commit, f.before, f.after)).toEqual([]);
    });
    it("the director's VIP `on lo` where lo takes no IPv4 address (the director `via local`), the last step of a whole new configuration: rolled back, every host as before", () => {
      const f = fault("director-lo");
      expect(f.commit.stderr).toMatch(/commit failed at step \d+ on director: `ip addr add 192\.0\.2\.10\/32 dev lo`: RTNETLINK answers: No buffer space available/);
      expect(f.commit.stderr).toMatch(/rolled back: (1\d|[2-9]\d) steps undone/);
      expect(failedAndRolledBack(f.commit, f.before, f.after)).toEqual([]);
    });
    it("the balancer still serves after the failed commits", () => {
      if (!loaded.value) throw loaded.error ?? new Error("no result");
      expect(checkAllAnswered(loaded.value.fetch_after_faults)).toEqual([]);
    });
  });

  const mixed = loaded.value?.inject_mixed;
  if (mixed && !("skipped" in mixed)) injectedTests(() => mixed, "a mixed plan (deletes, updates, adds), step K failed");
});
