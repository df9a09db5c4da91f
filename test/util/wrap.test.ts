/** Prose wrapped to a terminal: between words, by the columns characters take. */
import { describe, expect, it } from "vitest";
import { columns, wrapText } from "../../src/util/index.js";

describe("wrapText", () => {
  it("counts the columns a character takes: two for wide ones (CJK, emoji), none for combining marks", () => {
    expect(columns("abc")).toBe(3);
    expect(columns("漢字")).toBe(4);
    expect(columns("ファイル")).toBe(8);
    expect(columns("😀")).toBe(2);
    expect(columns("e\u0301")).toBe(1);
  });

  it("wraps words of wide characters by their columns, never splitting a word", () => {
    const text = "loaded /tmp/漢字漢字漢字/設定 ファイル 設定 ファイル 設定 ファイル.lvsh: it is now the candidate";
    const lines = wrapText(text, 30).split("\n");
    for (const line of lines) if (line.includes(" ")) expect(columns(line), line).toBeLessThanOrEqual(30);
    expect(lines.join(" ")).toBe(text);
  });

  it("continues `  name   description` lines under the description, as before", () => {
    expect(wrapText("  commit   applies the candidate to every host and records a revision", 40)).toBe(
      "  commit   applies the candidate to\n           every host and records a\n           revision",
    );
    expect(wrapText("    fix: a very long fix text that goes on and on and on beyond the width", 30)).toBe("    fix: a very long fix text\n    that goes on and on and on\n    beyond the width");
  });
});
