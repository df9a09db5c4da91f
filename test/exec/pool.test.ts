import { describe, expect, it } from "vitest";
import { ExecutorPool } from "../../src/target/index.js";
import type { TransportSpec } from "../../src/model/index.js";

describe("ExecutorPool", () => {
  it("makes a host's executor again when its transport changes (a host statement after the first read)", async () => {
    const transports = new Map<string, TransportSpec>();
    const pool = new ExecutorPool((h) => transports.get(h) ?? { kind: "local" }, { target: "local", simDir: "/nonexistent", stateDir: "/tmp" });
    const first = pool.get("director");
    expect(first.describe).toBe("local");
    expect(pool.get("director")).toBe(first);
    transports.set("director", { kind: "netns", name: "lb" });
    const second = pool.get("director");
    expect(second.describe).toBe("netns lb");
    expect(pool.get("director")).toBe(second);
    await pool.close();
  });
});
