/** An interface typo is found when the plan is made, against the interfaces the hosts have, not at step 5. */
import { describe, expect, it } from "vitest";
import { freshStateDir, lvsh } from "../helpers/sim.js";

describe("interfaces checked against the hosts", () => {
  it("refuses `commit check` for a VIP on an interface the director lacks, with the one it meant", async () => {
    const r = await lvsh(freshStateDir(), "vip 172.25.254.10 on eht0; service :80 rr; add rs .2 .3 dr; arp hide on rs; commit check");
    expect(r.ok).toBe(false);
    const d = r.diagnostics.find((x) => x.code === "unknown-interface")!;
    expect(d.message).toBe("director has no interface eht0 (it has lo, eth0, tunl0): 172.25.254.10 cannot be bound there");
    expect(d.hint).toBe("did you mean eth0?");
    expect(d.span?.col).toBe(1);
  });

  it("checks the real servers' interfaces too, once per host, and leaves tunl0 to the plan that brings it up", async () => {
    const dir = freshStateDir();
    const r = await lvsh(dir, "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs dev eth1; show plan");
    expect(r.diagnostics.filter((x) => x.code === "unknown-interface").map((x) => x.message.split(" ")[0])).toEqual(["172.25.254.2", "172.25.254.3"]);
    expect((await lvsh(dir, "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 tun; arp hide on rs; commit check")).ok).toBe(true);
  });
});
