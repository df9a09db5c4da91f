/**
 * The apply engine with a recording executor (knftables' fake): the exact
 * argv sequence, ipvsadm steps batched into one `ipvsadm -R` with its stdin,
 * nothing more.
 */
import { describe, expect, it } from "vitest";
import { DryRunExecutor } from "../../src/exec/index.js";
import { compile } from "../../src/model/index.js";
import { makePlan } from "../../src/plan/index.js";
import { applySteps, batches } from "../../src/txn/index.js";
import { load, SEED } from "../helpers/load.js";

describe("applySteps", () => {
  it("runs each host's steps in order, the director's ipvsadm steps as one ipvsadm -R", async () => {
    const plan = makePlan({ hosts: {} }, compile(load(SEED).config));
    const execs = new Map<string, DryRunExecutor>();
    const executor = (h: string) => {
      if (!execs.has(h)) execs.set(h, new DryRunExecutor(h));
      return execs.get(h)!;
    };
    const out = await applySteps(plan.steps, new Map(plan.changes.map((c) => [c.key, c])), { executor, read: async () => ({ hosts: {} }) });
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
      "172.25.254.3:arptablesx1",
      "172.25.254.3:arptablesx1",
      "172.25.254.3:ipx1",
      "director:sysctlx1",
      "director:ipvsadmx5",
      "director:ipx1",
      "director:ipx1",
    ]);
  });
});
