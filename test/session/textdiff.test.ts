import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/session/textdiff.js";

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "old", "new")).toBe("");
  });

  it("shows removals before additions, with context and hunk headers", () => {
    const old = "vip 172.25.254.10 on eth0\nservice :80 rr\nadd rs .2 .3 dr\narp hide on rs\n";
    const neu = "vip 172.25.254.10 on eth0\nservice :80 rr\nadd rs .2 dr\nadd rs .3 dr weight 5\narp hide on rs\n";
    expect(unifiedDiff(old, neu, "revision 1", "revision 2")).toBe(
      ["--- revision 1", "+++ revision 2", "@@ -1,4 +1,5 @@", " vip 172.25.254.10 on eth0", " service :80 rr", "-add rs .2 .3 dr", "+add rs .2 dr", "+add rs .3 dr weight 5", " arp hide on rs", ""].join("\n"),
    );
  });

  it("keeps hunks apart when far from each other", () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const b = a.replace("line 2", "line two").replace("line 17", "line seventeen");
    const d = unifiedDiff(a, b, "a", "b", 2);
    expect(d.match(/^@@/gm)).toHaveLength(2);
    expect(d).toContain("@@ -1,5 +1,5 @@");
    expect(d).toContain("@@ -16,5 +16,5 @@");
  });

  it("colours when asked", () => {
    const d = unifiedDiff("a\n", "b\n", "x", "y", 3, { add: (s) => `<${s}>`, del: (s) => `[${s}]`, meta: (s) => s });
    expect(d).toContain("[-a]\n<+b>");
  });
});
