/**
 * The apply engine with a recording executor (knftables' fake): the exact
 * argv sequence, ipvsadm steps batched into one `ipvsadm -R` with its stdin,
 * nothing more.
 */
import { describe, expect, it } from "vitest";
import { DryRunExecutor } from "../../src/exec/index.js";
import { compile } from "../../src/model/index.js";
import { makePlan } from "../../src/plan/index.js";
import { asCommand, type Command, type ExecResult, type Executor, type ManyOptions } from "../../src/exec/index.js";
import { applySteps, batches, roundTrips } from "../../src/txn/index.js";
import { load, SEED } from "../helpers/load.js";

describe("applySteps", () => {
  it("runs each host's steps in order, the director's ipvsadm steps as one ipvsadm -R", async () => {
    const plan = makePlan({ hosts: {} }, compile(load(SEED).config));
    const execs = new Map<string, DryRunExecutor>();
    const executor = (h: string) => {
      if (!execs.has(h)) execs.set(h, new DryRunExecutor(h));
      return execs.get(h)!;
    };
    // the readiness checks read their hosts (a dry run reads nothing: see the check's own tests)
    const steps = plan.steps.filter((s) => !s.ready);
    const out = await applySteps(steps, new Map(plan.changes.map((c) => [c.key, c])), { executor, read: async () => ({ hosts: {} }) });
    expect(out.failed).toBeUndefined();
    expect(out.done).toHaveLength(10);
    expect(execs.get("director")!.calls).toEqual([
      { argv: ["ipvsadm", "-R"], stdin: "-A -t 172.25.254.10:80 -s rr\n-a -t 172.25.254.10:80 -r 172.25.254.2:80 -g -w 1\n-a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 1\n" },
      { argv: ["ip", "addr", "add", "172.25.254.10/32", "dev", "eth0"] },
    ]);
    expect(execs.get("172.25.254.2")!.calls.map((c) => c.argv.join(" "))).toEqual([
      "arptables -A INPUT -d 172.25.254.10 -j DROP",
      "arptables -A OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s 172.25.254.2",
      "ip addr add 172.25.254.10/32 dev eth0",
    ]);
  });

  it("batches only consecutive ipvsadm steps on one host", () => {
    const plan = makePlan({ hosts: {} }, compile(load(`${SEED}; vip 192.0.2.10 on eth1; service :53 sh; add rs .2 nat`).config));
    expect(batches(plan.steps).map((b) => `${b[0]!.host}:${b[0]!.argv[0]}x${b.length}`)).toEqual([
      "172.25.254.2:arptablesx1",
      "172.25.254.2:arptablesx1",
      "172.25.254.2:ipx1",
      "172.25.254.2:shx1",
      "172.25.254.3:arptablesx1",
      "172.25.254.3:arptablesx1",
      "172.25.254.3:ipx1",
      "172.25.254.3:shx1",
      "director:sysctlx1",
      "director:ipvsadmx5",
      "director:ipx1",
      "director:ipx1",
    ]);
  });

  it("sends a host's consecutive steps in one round trip; an ipvsadm -R ends its round trip, a readiness check is one of its own", () => {
    const plan = makePlan({ hosts: {} }, compile(load(`${SEED}; vip 192.0.2.10 on eth1; service :53 sh; add rs .2 nat`).config));
    expect(roundTrips(plan.steps).map((t) => `${t[0]![0]!.host}:${t.map((u) => (u.length > 1 ? `ipvsadm-Rx${u.length}` : u[0]!.argv[0])).join("+")}`)).toEqual([
      "172.25.254.2:arptables+arptables+ip",
      "172.25.254.2:sh",
      "172.25.254.3:arptables+arptables+ip",
      "172.25.254.3:sh",
      "director:sysctl+ipvsadm-Rx5",
      "director:ip+ip",
    ]);
  });

  it("stops a round trip at its failed step: what follows on that host does not run, nor does any later host (one host at a time)", async () => {
    const plan = makePlan({ hosts: {} }, compile(load(SEED).config));
    const calls: { host: string; cmds: Command[] }[] = [];
    const executor = (host: string): Executor => ({
      host,
      describe: "recording",
      run: async () => ({ exitCode: 0, stdout: "", stderr: "", ms: 0 }),
      runMany: async (cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions): Promise<ExecResult[]> => {
        calls.push({ host, cmds: cmds.map(asCommand) });
        expect(opts?.stopAtFailure).toBe(true);
        // the second ARP rule fails on the first real server
        return cmds.map((_, i) => (i === 1 ? { exitCode: 1, stdout: "", stderr: "no\n", ms: 0 } : i > 1 ? { exitCode: 255, stdout: "", stderr: "not run\n", ms: 0 } : { exitCode: 0, stdout: "", stderr: "", ms: 0 }));
      },
      close: async () => {},
    });
    const starting: number[][] = [];
    const out = await applySteps(plan.steps, new Map(plan.changes.map((c) => [c.key, c])), { executor, read: async () => ({ hosts: {} }), starting: (ids) => starting.push([...ids]), parallel: 1 });
    // the host's three steps, and its readiness check's four reads riding along
    expect(calls.map((c) => `${c.host}: ${c.cmds.length}`)).toEqual(["172.25.254.2: 7"]);
    // the real servers' stage (both hosts' steps) is journalled as a whole before it starts
    expect(starting).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(out.done.map((s) => s.id)).toEqual([1]);
    expect(out.failed?.step.id).toBe(2);
    expect(out.failed?.result.stderr).toBe("no\n");
  });
});
