/**
 * A drain killed during its wait, with the built lvsh (a process to kill):
 * `lvsh recover` puts the weight back.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SEED } from "../helpers/load.js";
import { freshStateDir, lvsh } from "../helpers/sim.js";

const SVC = "service 172.25.254.10:80";

const weights = async (dir: string) => {
  const r = await lvsh(dir, "show running");
  return [...r.out.matchAll(/-a -t 172\.25\.254\.10:80 -r (172\.25\.254\.\d+):80 -g -w (\d+)/g)].map((m) => `${m[1]} ${m[2]}`);
};

describe("drain rs, killed", () => {
  it("a drain killed during its wait is undone by `lvsh recover`: the weight goes back", async () => {
    const dir = freshStateDir();
    expect((await lvsh(dir, `${SEED}; commit`)).ok).toBe(true);
    // kill:3: after the weight 0 (step 1) and the wait (step 2), before the delete (step 3)
    const env = { ...process.env, LVSH_STATE_DIR: dir, LVSH_TEST_INJECT: "kill:3" };
    const k = spawnSync(resolve("dist/lvsh"), ["--sim", "--yes", "-c", `${SVC}; drain rs .3; commit`], { env, encoding: "utf8" });
    expect(k.signal).toBe("SIGKILL");
    expect(await weights(dir)).toEqual(["172.25.254.2 1", "172.25.254.3 0"]);
    const rec = spawnSync(resolve("dist/lvsh"), ["--sim", "recover"], { env: { ...process.env, LVSH_STATE_DIR: dir }, encoding: "utf8" });
    expect(rec.status, rec.stderr).toBe(0);
    expect(await weights(dir)).toEqual(["172.25.254.2 1", "172.25.254.3 1"]);
  });

});
