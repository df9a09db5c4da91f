import { describe, expect, it } from "vitest";
import { formatAddrPort, inSubnet, isIPv4, netmaskToPrefix, parseIp, parseIPv4, prefixToNetmask } from "../../src/lang/index.js";
import fc from "fast-check";

describe("IP addresses", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["2001:db8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["2001:0:0:1:0:0:1:1", "2001::1:0:0:1:1"],
    ["::", "::"],
    ["::1", "::1"],
    ["::ffff:192.0.2.1", "::ffff:c000:201"],
    ["fe80::28b0:c9ff:fe43:d420", "fe80::28b0:c9ff:fe43:d420"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["2001:db8::0:1", "2001:db8::1"],
  ])("%s is %s", (input, canonical) => {
    expect(parseIp(input)?.text).toBe(canonical);
  });

  it.each(["192.0.2", "192.0.2.256", "192.0.2.01", "1.2.3.4.5", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "", "::1.2.3"])(
    "%s is refused",
    (bad) => {
      expect(parseIp(bad)).toBeNull();
    },
  );

  it("converts netmasks", () => {
    expect(netmaskToPrefix(parseIp("255.255.255.0")!)).toBe(24);
    expect(netmaskToPrefix(parseIp("255.255.255.255")!)).toBe(32);
    expect(netmaskToPrefix(parseIp("255.0.255.0")!)).toBeNull();
    expect(prefixToNetmask(20)).toBe("255.255.240.0");
    expect(prefixToNetmask(0)).toBe("0.0.0.0");
  });

  it("tests subnets", () => {
    expect(inSubnet(parseIp("172.25.254.2")!, parseIp("172.25.254.10")!, 24)).toBe(true);
    expect(inSubnet(parseIp("172.25.253.2")!, parseIp("172.25.254.10")!, 24)).toBe(false);
    expect(inSubnet(parseIp("172.25.255.2")!, parseIp("172.25.254.10")!, 23)).toBe(true);
    expect(inSubnet(parseIp("172.25.253.2")!, parseIp("172.25.254.10")!, 23)).toBe(false);
    expect(inSubnet(parseIp("172.25.253.2")!, parseIp("172.25.254.10")!, 22)).toBe(true);
    expect(inSubnet(parseIp("2001:db8::5")!, parseIp("2001:db8::10")!, 64)).toBe(true);
    expect(inSubnet(parseIp("2001:db9::5")!, parseIp("2001:db8::10")!, 64)).toBe(false);
  });

  it("prints address:port as ipvsadm does", () => {
    expect(formatAddrPort("192.0.2.1", 80)).toBe("192.0.2.1:80");
    expect(formatAddrPort("2001:db8::1", 80)).toBe("[2001:db8::1]:80");
  });
});

describe("isIPv4", () => {
  it("takes what parseIPv4 takes (random texts)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("0", "1", "2", "5", "9", "25", "255", "256", "00", "01", ".", "..", "a", ":", " ", "-"), { maxLength: 9 }), (parts) => {
        const t = parts.join("");
        expect(isIPv4(t), t).toBe(parseIPv4(t) !== null);
      }),
      { numRuns: 5000 },
    );
    for (const t of ["192.0.2.1", "0.0.0.0", "255.255.255.255", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "", "1..2.3"]) expect(isIPv4(t), t).toBe(parseIPv4(t) !== null);
  });
});
