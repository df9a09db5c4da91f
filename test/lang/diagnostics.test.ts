/** Diagnostics: rendering (nft style), several errors in one run, hints. */
import { describe, expect, it } from "vitest";
import { closest, parse, renderDiagnostics } from "../../src/lang/index.js";

function render(src: string, file = "s.lvsh"): string {
  return renderDiagnostics(parse(src, file).diagnostics, () => src);
}

describe("diagnostics", () => {
  it("renders FILE:LINE:COL, the line, carets and the hint", () => {
    expect(render("vip 172.25.254.10 on eth0; service :80 rrr")).toBe(
      [
        "s.lvsh:1:40: error: unknown scheduler `rrr`",
        "vip 172.25.254.10 on eth0; service :80 rrr",
        "                                       ^^^",
        "hint: did you mean rr? schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos",
      ].join("\n"),
    );
  });

  it("says where keepalived's configuration must be, under the path, with a hint", () => {
    expect(render("engine keepalived config etc/keepalived.conf")).toBe(
      [
        "s.lvsh:1:26: error: `etc/keepalived.conf` is not an absolute path: keepalived's configuration is a file on each director",
        "engine keepalived config etc/keepalived.conf",
        "                         ^^^^^^^^^^^^^^^^^^^",
        "hint: write an absolute path, e.g. /etc/keepalived/keepalived.conf",
      ].join("\n"),
    );
  });

  it("marks related spans with ~", () => {
    const out = render("add rs .2 .3 .2");
    expect(out).toContain("s.lvsh:1:14: error: the same real server is named twice in this statement");
    expect(out).toContain("       ~~ first named here");
  });

  it("reports every bad statement of a script, in order, on their own lines", () => {
    const src = ["vip 172.25.254.10 on eth0", "service :80 rrr", "add rs .2 drr", "add rs .3 weight 99999", "frobnicate"].join("\n");
    const ds = parse(src, "s.lvsh").diagnostics;
    expect(ds.map((d) => [d.code, d.span!.line, d.span!.col])).toEqual([
      ["unknown-scheduler", 2, 13],
      ["unknown-method", 3, 11],
      ["invalid-weight", 4, 18],
      ["unknown-statement", 5, 1],
    ]);
  });

  it("keeps tabs so the carets line up", () => {
    const out = render("\tservice :80 rrr");
    expect(out.split("\n")[2]).toBe("\t            ^^^");
  });

  it("says what was expected in the user's words", () => {
    const msg = (s: string) => parse(s).diagnostics[0]!.message;
    expect(msg("vip")).toBe("expected an address, found the end of the statement");
    expect(msg("add rs .2 weight")).toBe("expected a weight (0..65535), found the end of the statement");
    expect(msg("host .2 via")).toMatch(/^expected `ssh`, `netns` or `local`/);
    expect(msg("add rs .2 tun type")).toMatch(/^expected a tunnel type: ipip, gue, gre/);
    expect(msg("arp hide on rs via")).toMatch(/^expected a means: arptables, sysctl/);
    expect(msg("check http")).toBe("expected a URL path, e.g. /health, found the end of the statement");
    expect(msg("check")).toBe("expected `http`, `https`, `tcp`, `udp`, `smtp`, `ping`, `dns`, `misc`, ..., found the end of the statement");
    expect(msg("check tcp rs")).toBe("expected a real server address ADDR[:PORT], found the end of the statement");
    expect(msg("director pair .1 .2 priority")).toBe("expected a VRRP priority (1..254), found the end of the statement");
  });

  it("suggests only close words", () => {
    expect(closest("rrr", ["rr", "wrr", "lc"])).toBe("rr");
    expect(closest("wlr", ["rr", "wrr", "wlc"])).toBe("wlc");
    expect(closest("persistant", ["persistent", "netmask"])).toBe("persistent");
    expect(closest("xyz", ["rr", "wrr", "lc"])).toBeUndefined();
  });

  it("continues a statement over a backslash-newline", () => {
    const r = parse("service :80 \\\n  rr", "s");
    expect(r.diagnostics).toEqual([]);
    expect(r.statements).toHaveLength(1);
  });

  it("ignores comments and a #! line", () => {
    const r = parse("#!/usr/bin/env lvsh\n# the seed\nvip 172.25.254.10 # the VIP\n", "s");
    expect(r.diagnostics).toEqual([]);
    expect(r.statements.map((s) => s.kind)).toEqual(["vip"]);
  });
});

describe("what a script of many errors gets (issue 9 #7)", () => {
  it("skips a UTF-8 byte-order mark at the start of a script", () => {
    const r = parse("\uFEFFvip 192.0.2.10 on eth0\nservice :80 rr\n", "bom.lvsh");
    expect(r.diagnostics).toEqual([]);
    expect(r.statements.map((s) => s.kind)).toEqual(["vip", "service"]);
  });

  it("shows the first 100 errors, then counts the rest", () => {
    const src = Array.from({ length: 250 }, (_, i) => `servce :${i + 1} rr`).join("\n");
    const ds = parse(src, "many.lvsh").diagnostics;
    expect(ds).toHaveLength(250);
    const text = renderDiagnostics(ds, () => src);
    expect(text.match(/error: `servce` is not an lvsh statement/g)).toHaveLength(100);
    expect(text).toContain("many.lvsh:100:1:");
    expect(text).not.toContain("many.lvsh:101:1:");
    expect(text.trimEnd().split("\n").at(-1)).toBe("lvsh: 100 errors shown; 150 more errors not shown (fix these first)");
  });

  it("renders each diagnostic's own line (found from its offset)", () => {
    const src = "vip 192.0.2.10 on eth0\n\n\nservice :80 rrr\nadd rs .2 .3 dr\n";
    expect(render(src)).toContain("s.lvsh:4:13: error: unknown scheduler `rrr`\nservice :80 rrr\n            ^^^");
  });
});
