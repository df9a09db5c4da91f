/** "did you mean": the distance, the limits, the tie-break (mutation testing found these unasserted). */
import { describe, expect, it } from "vitest";
import { closest, didYouMean, editDistance } from "../../src/lang/suggest.js";

describe("editDistance (optimal string alignment)", () => {
  it.each([
    ["", "", 0],
    ["", "abc", 3],
    ["abc", "", 3],
    ["eth0", "eth0", 0],
    ["eht0", "eth0", 1], // a transposition is one edit
    ["ab", "ba", 1],
    ["abcd", "badc", 2],
    ["rr", "wrr", 1],
    ["kitten", "sitting", 3],
    ["ca", "abc", 3], // OSA: no edit of a transposed pair
  ])("%s -> %s: %i", (a, b, n) => {
    expect(editDistance(a, b)).toBe(n);
    expect(editDistance(b, a)).toBe(n);
  });
});

describe("closest", () => {
  it("allows one edit in words under five letters, two from five", () => {
    expect(closest("rrx", ["rr", "sed"])).toBe("rr");
    expect(closest("wxyr", ["wlcr"])).toBeUndefined(); // 2 edits, 4 letters
    expect(closest("serivce", ["service"])).toBe("service"); // a transposition
    expect(closest("sarvise", ["service"])).toBe("service"); // 2 edits, 7 letters
    expect(closest("sxrvisx", ["service"])).toBeUndefined(); // 3 edits
    expect(closest("abcde", ["abxyz"])).toBeUndefined();
    expect(closest("abcde", ["abcxy"])).toBe("abcxy"); // 2 edits at five letters
    expect(closest("abcd", ["abxy"])).toBeUndefined(); // 2 edits at four
  });

  it("does not offer a word as far from the typo as its own length, nor the word itself", () => {
    expect(closest("x", ["a"])).toBeUndefined();
    expect(closest("rr", ["rr"])).toBeUndefined();
    expect(closest("RR", ["rr"])).toBe("rr");
  });

  it("breaks ties by the longer shared prefix, then by order", () => {
    expect(closest("rrr", ["wrr", "rr"])).toBe("rr");
    expect(closest("rrr", ["rr", "wrr"])).toBe("rr");
    expect(closest("lcx", ["lc", "wlc"])).toBe("lc");
    expect(closest("sh1", ["sh", "dh"])).toBe("sh");
    expect(closest("xh", ["sh", "dh"])).toBe("sh");
    // a closer word wins over a longer prefix
    expect(closest("wrrx", ["wr", "wrrx2"])).toBe("wrrx2");
  });

  it("says it as a question", () => {
    expect(didYouMean("eht0", ["lo", "eth0"])).toBe("did you mean eth0?");
    expect(didYouMean("zzzz", ["lo", "eth0"])).toBeUndefined();
  });
});
