/** The simulated target fails where the real tools fail, with their messages, and dumps what the readers parse. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { newSimHost, simRun, type SimHost } from "../../src/sim/index.js";
import { formatIpvsadmSave, parseArptablesSave, parseIpAddrJson, parseIpvsadmSave, parseIpvsadmThresholds, parseSysctl } from "../../src/state/index.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/linux-6.1/${name}`, import.meta.url), "utf8");
/** stderr and exit code of a captured failure (the file ends with `exit=N`). */
function captured(name: string): { stderr: string; code: number } {
  const text = fixture(name);
  const m = /exit=(\d+)\n?$/.exec(text)!;
  return { stderr: text.slice(0, m.index), code: Number(m[1]) };
}

function run(h: SimHost, line: string, stdin?: string) {
  const r = simRun(h, line.split(" "), stdin);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

describe("simulated ipvsadm", () => {
  it("adds, edits and deletes, and -Sn prints it back as ipvsadm does", () => {
    const h = newSimHost("director");
    expect(run(h, "ipvsadm -A -t 192.0.2.10:80 -s rr").code).toBe(0);
    expect(run(h, "ipvsadm -a -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 1").code).toBe(0);
    expect(run(h, "ipvsadm -a -t 192.0.2.10:80 -r 192.0.2.22 -g -w 3 -x 10 -y 5").code).toBe(0);
    expect(run(h, "ipvsadm -e -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 7").code).toBe(0);
    expect(run(h, "ipvsadm -Sn").stdout).toBe("-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 7\n-a -t 192.0.2.10:80 -r 192.0.2.22:80 -g -w 3\n");
    expect([...parseIpvsadmThresholds(run(h, "ipvsadm -Ln --thresholds").stdout).values()]).toEqual([
      { uThreshold: 0, lThreshold: 0 },
      { uThreshold: 10, lThreshold: 5 },
    ]);
    expect(run(h, "ipvsadm -d -t 192.0.2.10:80 -r 192.0.2.22:80").code).toBe(0);
    expect(run(h, "ipvsadm -D -t 192.0.2.10:80").code).toBe(0);
    expect(run(h, "ipvsadm -Sn").stdout).toBe("");
  });

  it.each([
    ["ipvsadm -A -t 192.0.2.10:80 -s rr", "ipvsadm-error-exists.txt"],
    ["ipvsadm -a -t 192.0.2.99:80 -r 192.0.2.1 -g", "ipvsadm-error-no-service.txt"],
    ["ipvsadm -d -t 192.0.2.10:80 -r 192.0.2.99", "ipvsadm-error-no-dest.txt"],
    ["ipvsadm -A -t 192.0.2.10:81 -s nosuch", "ipvsadm-error-scheduler.txt"],
  ])("`%s` fails as on the real kernel (%s)", (line, file) => {
    const h = newSimHost("director");
    run(h, "ipvsadm -A -t 192.0.2.10:80 -s rr");
    const r = run(h, line);
    expect({ stderr: r.stderr, code: r.code }).toEqual(captured(file));
  });

  it("has no twos scheduler, as Linux 6.1", () => {
    const r = run(newSimHost("director"), "ipvsadm -A -t 192.0.2.14:80 -s twos");
    expect([r.code, r.stderr]).toEqual([255, "Scheduler or persistence engine not found\n"]);
  });

  it("restores with -R like ipvsadm 1.31: goes on after a failed line, exits with the last line's status, stops at #", () => {
    const h = newSimHost("director");
    const r = run(h, "ipvsadm -R", "-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.99:80 -r 192.0.2.1:80 -g -w 1\n-a -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 1\n");
    expect([r.code, r.stderr]).toEqual([0, "Service not defined\n"]);
    expect(parseIpvsadmSave(run(h, "ipvsadm -Sn").stdout).services[0]!.dests).toHaveLength(1);
    const c = run(h, "ipvsadm -R", "-A -t 192.0.2.11:80 -s rr\n# a comment\n-A -t 192.0.2.12:80 -s rr\n");
    expect(c.code).toBe(255);
    expect(parseIpvsadmSave(run(h, "ipvsadm -Sn").stdout).services.map((s) => s.addr)).toEqual(["192.0.2.10", "192.0.2.11"]);
  });

  it("loads the captured 6.1 table and saves it back line for line", () => {
    const h = newSimHost("director");
    const table = fixture("ipvsadm-Sn.txt");
    expect(run(h, "ipvsadm -R", table).stderr).toBe("");
    expect(run(h, "ipvsadm -Sn").stdout.split("\n").sort()).toEqual(table.split("\n").sort());
    expect(formatIpvsadmSave(parseIpvsadmSave(table).services)).toBe(table);
  });
});

describe("simulated ip, arptables and sysctl", () => {
  it("binds and unbinds addresses, failing as iproute2 does", () => {
    const h = newSimHost("192.0.2.21");
    expect(run(h, "ip addr add 192.0.2.10/32 dev eth0").code).toBe(0);
    expect({ stderr: run(h, "ip addr add 192.0.2.10/32 dev eth0").stderr, code: 2 }).toEqual(captured("ip-error-addr-exists.txt"));
    const nodev = run(h, "ip addr add 192.0.2.11/32 dev eth9");
    expect({ stderr: nodev.stderr, code: nodev.code }).toEqual(captured("ip-error-no-device.txt"));
    const missing = run(h, "ip addr del 192.0.2.99/32 dev eth0");
    expect({ stderr: missing.stderr, code: missing.code }).toEqual(captured("ip-error-del-missing.txt"));
    expect(parseIpAddrJson(run(h, "ip -j addr show").stdout)).toEqual([
      { addr: "192.0.2.21", prefix: 24, dev: "eth0" },
      { addr: "192.0.2.10", prefix: 32, dev: "eth0" },
    ]);
  });

  it("keeps arptables rules, refuses the IN chain and deleting what is not there", () => {
    const h = newSimHost("192.0.2.21");
    expect(run(h, "arptables -A INPUT -d 192.0.2.10 -j DROP").code).toBe(0);
    expect(run(h, "arptables -A OUTPUT -s 192.0.2.10 -j mangle --mangle-ip-s 192.0.2.21").code).toBe(0);
    const inChain = run(h, "arptables -A IN -d 192.0.2.10 -j DROP");
    expect({ stderr: inChain.stderr, code: inChain.code }).toEqual(captured("arptables-legacy-error-IN-chain.txt"));
    const noRule = run(h, "arptables -D INPUT -d 192.0.2.99 -j DROP");
    expect({ stderr: noRule.stderr, code: noRule.code }).toEqual(captured("arptables-legacy-error-no-rule.txt"));
    expect(parseArptablesSave(run(h, "arptables-save").stdout).rules).toEqual([
      { chain: "INPUT", target: "DROP", dst: "192.0.2.10" },
      { chain: "OUTPUT", target: "mangle", src: "192.0.2.10", mangleIpS: "192.0.2.21" },
    ]);
    expect(run(h, "arptables -D INPUT -d 192.0.2.10 -j DROP").code).toBe(0);
    expect(parseArptablesSave(run(h, "arptables-save").stdout).rules).toHaveLength(1);
  });

  it("reads and writes sysctls, refusing unknown keys", () => {
    const h = newSimHost("192.0.2.21");
    expect(run(h, "sysctl -q -w net.ipv4.conf.all.arp_ignore=1").code).toBe(0);
    expect(parseSysctl(run(h, "sysctl net.ipv4.conf.all.arp_ignore net.ipv4.conf.lo.arp_announce").stdout)).toEqual({
      "net.ipv4.conf.all.arp_ignore": "1",
      "net.ipv4.conf.lo.arp_announce": "0",
    });
    expect(run(h, "sysctl -w net.ipv4.conf.eth9.arp_ignore=1").code).toBe(255);
    expect(run(h, "sysctl -e net.ipv4.conf.eth9.arp_ignore").code).toBe(0);
    expect(run(h, "frobnicate").code).toBe(127);
  });
});
