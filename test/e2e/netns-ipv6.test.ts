/**
 * An IPv6 VIP on dr real servers: `arp hide on rs` binds it on their lo,
 * and neighbour discovery then answers only from the director. Run for real
 * in network namespaces this test creates; this machine's network is never
 * touched.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetnsLab, netnsUnavailable } from "../helpers/netns.js";

const VIP = "2001:db8::10";
const SRC = `vip ${VIP}/64 on eth0; service :80 rr; add rs 2001:db8::2 dr; arp hide on rs`;
const why = netnsUnavailable(["bash"]);

interface JsonStep {
  /** A readiness check (lvsh reads the host at commit; not applied by hand here). */
  ready?: unknown;
  host: string;
  argv: string[];
  undo: string[];
}

describe.skipIf(why !== undefined)(`an IPv6 VIP hidden on dr real servers${why ? ` (skipped: ${why})` : ""}`, () => {
  const lab = new NetnsLab(`lvsh${process.pid % 10000}6`);
  const hostNs: Record<string, string> = { director: "lb", "2001:db8::2": "rs1" };
  let steps: JsonStep[] = [];

  beforeAll(() => {
    const r = spawnSync(resolve("dist/lvsh"), ["--dry-run", "--json", "-c", SRC], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    steps = (JSON.parse(r.stdout) as { steps: JsonStep[] }).steps.filter((s) => s.argv[0] !== "ipvsadm" && !s.ready);
    lab.create([
      { name: "lb", cidr: "192.0.2.1/24" },
      { name: "rs1", cidr: "192.0.2.2/24" },
      { name: "client", cidr: "192.0.2.100/24" },
    ]);
    for (const [ns, a] of [["lb", "2001:db8::1/64"], ["rs1", "2001:db8::2/64"], ["client", "2001:db8::100/64"]] as const) {
      for (const k of ["all", "default", "eth0"]) lab.exec(ns, ["sysctl", "-qw", `net.ipv6.conf.${k}.accept_dad=0`]);
      expect(lab.exec(ns, ["ip", "addr", "add", a, "dev", "eth0", "nodad"]).code).toBe(0);
    }
  });

  afterAll(() => {
    lab.destroy();
    expect(lab.leftovers()).toEqual([]);
  });

  it("binds the VIP on the real server's lo (no ARP rule, no sysctl), and on the director's eth0", () => {
    expect(steps.map((s) => `${s.host}: ${s.argv.join(" ")}`)).toEqual([`2001:db8::2: ip addr add ${VIP}/128 dev lo`, `director: ip addr add ${VIP}/64 dev eth0`]);
    for (const s of steps) expect(lab.exec(hostNs[s.host]!, s.argv).code).toBe(0);
  });

  it("answers neighbour discovery for the VIP from the director only; the VIP on the real server's eth0 would answer", () => {
    expect(lab.arpAnswer("client", VIP)).toBe(lab.mac("lb"));
    const dir = steps.find((s) => s.host === "director")!;
    expect(lab.exec("lb", dir.undo).code).toBe(0);
    // the real server holds the VIP on lo and stays silent
    expect(lab.arpAnswer("client", VIP)).toBeUndefined();
    // negative control: the same address on its eth0 answers
    expect(lab.exec("rs1", ["ip", "addr", "add", `${VIP}/128`, "dev", "eth0", "nodad"]).code).toBe(0);
    expect(lab.arpAnswer("client", VIP)).toBe(lab.mac("rs1"));
    expect(lab.exec("rs1", ["ip", "addr", "del", `${VIP}/128`, "dev", "eth0"]).code).toBe(0);
    expect(lab.exec("lb", dir.argv).code).toBe(0);
    expect(lab.arpAnswer("client", VIP)).toBe(lab.mac("lb"));
  });
});
