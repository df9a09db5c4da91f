/**
 * A commit's verify takes the table it asked for as read when `ipvsadm -Sn`
 * prints exactly its lines (readAsPrinted): what it gives must be what the
 * parser would give, for every form the real tool prints; and any line that
 * differs means the text is parsed after all.
 */
import { describe, expect, it } from "vitest";
import { printedAsExpected, type IpvsService } from "../../src/model/index.js";
import { diff } from "../../src/plan/index.js";
import { formatIpvsadmSave, parseIpvsadmSave, readAsPrinted } from "../../src/state/ipvsadm.js";
import { fixture } from "./fixture.js";

// the real ipvsadm's -Sn (Linux 6.1, ipvsadm 1.31) without the tunnel real servers (parsed with their defaults)
const real = fixture("ipvsadm-Sn.txt")
  .split("\n")
  .filter((l) => !l.includes(" -i "))
  .join("\n");
const byKey = (ss: readonly IpvsService[]) => [...ss].sort((a, b) => `${a.proto}${a.addr}${a.port}${a.fwmark}`.localeCompare(`${b.proto}${b.addr}${b.port}${b.fwmark}`));
const span = { file: "t.lvsh", line: 1, col: 1, endLine: 1, endCol: 2, start: 0, end: 1 };

/** The parsed table as a configuration holds it: spans and keys on every element, flags in another order, services reversed. */
function asConfigured(ss: readonly IpvsService[]): IpvsService[] {
  return [...ss].reverse().map((s) => ({ ...s, span, flags: [...s.flags].reverse(), dests: [...s.dests].reverse().map((d) => ({ ...d, span, key: `${d.addr}:${d.port}` })) }));
}

describe("readAsPrinted", () => {
  const parsed = parseIpvsadmSave(real);

  it("gives what the parser gives, for the real tool's output, whatever order and extra fields the expected table has", () => {
    expect(parsed.problems).toEqual([]);
    expect(parsed.services.length).toBeGreaterThan(10);
    const got = readAsPrinted(real, asConfigured(parsed.services));
    expect(got).toBeDefined();
    expect(byKey(got!)).toEqual(byKey(parsed.services));
  });

  it("is undefined when a line differs: a weight, a scheduler, a real server more or less, a line more", () => {
    const expected = asConfigured(parsed.services);
    expect(readAsPrinted(real.replace("192.0.2.22:80 -g -w 3", "192.0.2.22:80 -g -w 4"), expected)).toBeUndefined();
    expect(readAsPrinted(real.replace("-s wlc -p 600", "-s wlc -p 601"), expected)).toBeUndefined();
    expect(readAsPrinted(real.replace(/^-a -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 1\n/m, ""), expected)).toBeUndefined();
    expect(readAsPrinted(`${real}\n-a -t 192.0.2.10:80 -r 192.0.2.23:80 -g -w 1\n`, expected)).toBeUndefined();
    // the same number of lines, one replaced
    expect(readAsPrinted(real.replace("-r 192.0.2.21:80 -g -w 1", "-r 192.0.2.29:80 -g -w 1"), expected)).toBeUndefined();
  });

  it("is undefined for what -S leaves out or the parser fills in: thresholds, tunnel real servers", () => {
    const withMax = parsed.services.map((s, i) => (i === 0 ? { ...s, dests: s.dests.map((d) => ({ ...d, uThreshold: 100 })) } : s));
    expect(readAsPrinted(formatIpvsadmSave(withMax), withMax)).toBeUndefined();
    const tun = parseIpvsadmSave(fixture("ipvsadm-Sn.txt")).services;
    expect(readAsPrinted(fixture("ipvsadm-Sn.txt"), tun)).toBeUndefined();
  });

  it("marks what it gives as read from that very expected table: the diff takes the two as equal without comparing them again", () => {
    const expected = asConfigured(parsed.services);
    const got = readAsPrinted(real, expected)!;
    expect(printedAsExpected(got, expected)).toBe(true);
    // another table, however equal, or the parser's result: compared as usual
    expect(printedAsExpected(got, asConfigured(parsed.services))).toBe(false);
    expect(printedAsExpected(parsed.services, expected)).toBe(false);
    const host = (ipvs: readonly IpvsService[]) => ({ hosts: { director: { ipvs, arp: [], addrs: [], sysctls: {} } } });
    expect(diff(host(got), host(expected), { director: "director", vips: new Set() })).toEqual([]);
    expect(diff(host(parsed.services), host(expected), { director: "director", vips: new Set() })).toEqual([]);
  });

  it("reads an empty table as empty", () => {
    expect(readAsPrinted("", [])).toEqual([]);
  });
});
