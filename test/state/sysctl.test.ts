/** `sysctl KEY...` output: the captured defaults, the forms of a line, printed back. */
import { describe, expect, it } from "vitest";
import { formatSysctl, parseSysctl } from "../../src/state/index.js";
import { fixture } from "./fixture.js";

describe("parseSysctl", () => {
  it("reads the captured ARP sysctls", () => {
    expect(parseSysctl(fixture("sysctl-arp.txt"))).toStrictEqual({
      "net.ipv4.conf.all.arp_ignore": "0",
      "net.ipv4.conf.all.arp_announce": "0",
      "net.ipv4.conf.lo.arp_ignore": "0",
      "net.ipv4.conf.lo.arp_announce": "0",
      "net.ipv4.ip_forward": "0",
    });
  });

  it("takes key=value and extra spaces, keeps spaces inside a value, skips comments", () => {
    const text = "net.ipv4.conf.all.arp_ignore=1\n   net.ipv4.conf.lo.arp_announce   =   2   \n# a comment\n; another\nnet.ipv4.ip_local_port_range = 32768\t60999\n\n";
    expect(parseSysctl(text)).toStrictEqual({
      "net.ipv4.conf.all.arp_ignore": "1",
      "net.ipv4.conf.lo.arp_announce": "2",
      "net.ipv4.ip_local_port_range": "32768\t60999",
    });
  });

  it("leaves out a key sysctl could not read (absent = not read)", () => {
    const text = "net.ipv4.conf.all.arp_ignore = 1\nsysctl: cannot stat /proc/sys/net/ipv4/conf/eth9/arp_ignore: No such file or directory\n";
    expect(parseSysctl(text)).toStrictEqual({ "net.ipv4.conf.all.arp_ignore": "1" });
  });
});

describe("formatSysctl", () => {
  it("prints the captured file back exactly", () => {
    const text = fixture("sysctl-arp.txt");
    expect(formatSysctl(parseSysctl(text))).toBe(text);
  });

  it("prints key = value lines in the order given, read back equal", () => {
    const values = { "net.ipv4.conf.lo.arp_ignore": "1", "net.ipv4.conf.all.arp_announce": "2", "net.ipv4.conf.eth0/100.arp_ignore": "1" };
    const text = formatSysctl(values);
    expect(text).toBe("net.ipv4.conf.lo.arp_ignore = 1\nnet.ipv4.conf.all.arp_announce = 2\nnet.ipv4.conf.eth0/100.arp_ignore = 1\n");
    expect(parseSysctl(text)).toStrictEqual(values);
    expect(formatSysctl({})).toBe("");
  });
});
