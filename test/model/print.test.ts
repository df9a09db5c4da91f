/** Configuration -> canonical script -> the same configuration. */
import { describe, expect, it } from "vitest";
import { printConfig } from "../../src/model/index.js";
import { expectRoundTrip, load, SEED } from "../helpers/load.js";

const scripts = [
  SEED,
  `${SEED}\nhost director via netns lb\nhost .2 via netns rs1\nhost web3 via ssh admin@172.25.254.3:2222`,
  "vip 192.0.2.10/24 on eth1; service udp :53 sh flags sh-fallback,sh-port persistent 60 netmask 255.255.255.0; add rs 198.51.100.5:5353 nat; add rs .7 nat weight 0 max 100 min 10",
  "vip 2001:db8::10 on eth0; service :80 sed; add rs 2001:db8::21 weight 5; add rs [2001:db8::22]:80; service fwmark 9 ipv6 fo; add rs [2001:db8::23]",
  "service fwmark 7 wrr persistent 120 netmask 255.255.255.0; add rs 198.51.100.6 nat weight 4",
  "vip 203.0.113.5 on eth0; service :8443 mh flags mh-fallback; add rs 192.0.2.41 tun; add rs 192.0.2.42 tun type gue port 5555 remcsum; add rs 192.0.2.43 tun type gre csum; arp hide on rs via sysctl dev dummy0",
  "service udp 192.0.2.12:5060 rr persistent 60 pe sip; add rs .51; service udp 192.0.2.13:9999 nq one-packet; add rs .61",
  "vip 192.0.2.1; vip 192.0.2.2 on eth0; service :80 lc; add rs .3 .4 dr; add rs .5 weight 2; add rs .6 dr; arp hide on rs dev ens3",
];

describe("printConfig", () => {
  it.each(scripts)("round-trips %s", expectRoundTrip);

  it("prints the seed as a person would write it", () => {
    expect(printConfig(load(SEED).config)).toBe(["vip 172.25.254.10 on eth0", "service :80 rr", "add rs .2 .3 dr", "arp hide on rs", ""].join("\n"));
  });

  it("prints an empty configuration as nothing", () => {
    expect(printConfig(load("").config)).toBe("");
  });
});
