/**
 * The seed plan's `ip` and `arptables` steps, run for real in network
 * namespaces this test creates (a director, two real servers and a client on
 * a bridge), with both arptables builds. IPVS steps need a kernel with IPVS
 * and run in the real-kernel lab instead. This machine's own network is
 * never touched.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetnsLab, netnsUnavailable } from "../helpers/netns.js";

const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs";
const VIP = "172.25.254.10";
const why = netnsUnavailable(["arptables-legacy", "arptables-nft", "bash"]);

interface JsonStep {
  /** A readiness check (lvsh reads the host at commit; not applied by hand here). */
  ready?: unknown;
  host: string;
  argv: string[];
  undo: string[];
}

function planSteps(): JsonStep[] {
  const r = spawnSync(resolve("dist/lvsh"), ["--dry-run", "--json", "-c", SEED], { encoding: "utf8" });
  expect(r.status).toBe(0);
  return (JSON.parse(r.stdout) as { steps: JsonStep[] }).steps;
}

const hostNs: Record<string, string> = { director: "lb", "172.25.254.2": "rs1", "172.25.254.3": "rs2" };

/** The rules of one chain as `arptables -L -n` prints them, whitespace normalised. */
function rules(lab: NetnsLab, host: string, arptables: string, chain: string): string[] {
  const r = lab.exec(host, [arptables, "-L", chain, "-n"]);
  expect(r.code, r.err).toBe(0);
  return r.out
    .split("\n")
    .slice(1)
    .map((l) => l.trim().replace(/\s+/g, " "))
    .filter(Boolean);
}

describe.skipIf(why !== undefined)(`seed plan in network namespaces${why ? ` (skipped: ${why})` : ""}`, () => {
  for (const arptables of ["arptables-legacy", "arptables-nft"]) {
    describe(arptables, () => {
      const lab = new NetnsLab(`lvsh${process.pid % 10000}${arptables.endsWith("nft") ? "n" : "l"}`);
      const steps = planSteps().filter((s) => s.argv[0] !== "ipvsadm" && !s.ready);
      const local = (argv: readonly string[]) => (argv[0] === "arptables" ? [arptables, ...argv.slice(1)] : [...argv]);
      const applied: JsonStep[] = [];

      beforeAll(() => {
        lab.create([
          { name: "lb", cidr: "172.25.254.1/24" },
          { name: "rs1", cidr: "172.25.254.2/24" },
          { name: "rs2", cidr: "172.25.254.3/24" },
          { name: "client", cidr: "172.25.254.100/24" },
        ]);
      });

      afterAll(() => {
        lab.destroy();
        expect(lab.leftovers()).toEqual([]);
      });

      it("applies every ip and arptables step of the plan", () => {
        expect(steps.map((s) => s.argv[0])).toEqual(["arptables", "arptables", "ip", "arptables", "arptables", "ip", "ip"]);
        for (const s of steps) {
          const r = lab.exec(hostNs[s.host]!, local(s.argv));
          expect(r.code, `${s.host}: ${s.argv.join(" ")}: ${r.err}`).toBe(0);
          applied.push(s);
        }
      });

      it("leaves the VIP on every host and the two ARP rules on each real server", () => {
        expect(lab.addrs("lb")).toEqual(["172.25.254.1/24 dev eth0", `${VIP}/32 dev eth0`]);
        for (const [ns, rip] of [["rs1", "172.25.254.2"], ["rs2", "172.25.254.3"]]) {
          expect(lab.addrs(ns!)).toEqual([`${rip}/24 dev eth0`, `${VIP}/32 dev eth0`]);
          expect(rules(lab, ns!, arptables, "INPUT")).toEqual([`-j DROP -d ${VIP}`]);
          expect(rules(lab, ns!, arptables, "OUTPUT")).toEqual([`-j mangle -s ${VIP} --mangle-ip-s ${rip}`]);
        }
        expect(rules(lab, "lb", arptables, "INPUT")).toEqual([]);
      });

      it("makes only the director answer ARP for the VIP", () => {
        expect(lab.arpAnswer("client", VIP)).toBe(lab.mac("lb"));
        // negative control: without the director's VIP, the hidden real servers stay silent ...
        const dirVip = applied.find((s) => s.host === "director")!;
        expect(lab.exec("lb", dirVip.undo).code).toBe(0);
        expect(lab.arpAnswer("client", VIP)).toBeUndefined();
        // ... and a real server without its rules answers: the rules are what hide it
        // (both: the OUTPUT mangle alone rewrites the VIP out of its replies)
        const hiding = applied.filter((s) => s.host === "172.25.254.2" && s.argv[0] === "arptables");
        expect(hiding).toHaveLength(2);
        for (const h of hiding) expect(lab.exec("rs1", local(h.undo)).code).toBe(0);
        expect(lab.arpAnswer("client", VIP)).toBe(lab.mac("rs1"));
        for (const h of hiding) expect(lab.exec("rs1", local(h.argv)).code).toBe(0);
        expect(lab.arpAnswer("client", VIP)).toBeUndefined();
        expect(lab.exec("lb", dirVip.argv).code).toBe(0);
        expect(lab.arpAnswer("client", VIP)).toBe(lab.mac("lb"));
      });

      it("undoes every step, in reverse, back to the state before", () => {
        for (const s of [...applied].reverse()) {
          const r = lab.exec(hostNs[s.host]!, local(s.undo));
          expect(r.code, `${s.host}: undo ${s.undo.join(" ")}: ${r.err}`).toBe(0);
        }
        expect(lab.addrs("lb")).toEqual(["172.25.254.1/24 dev eth0"]);
        for (const [ns, rip] of [["rs1", "172.25.254.2"], ["rs2", "172.25.254.3"]]) {
          expect(lab.addrs(ns!)).toEqual([`${rip}/24 dev eth0`]);
          expect(rules(lab, ns!, arptables, "INPUT")).toEqual([]);
          expect(rules(lab, ns!, arptables, "OUTPUT")).toEqual([]);
        }
      });
    });
  }
});
