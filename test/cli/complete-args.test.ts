/** The `__complete` protocol, pure: the command line up to the cursor -> candidates. */
import { describe, expect, it } from "vitest";
import { completeArgs, formatCompletion, shellWords } from "../../src/cli/complete-args.js";
import { commands } from "../../src/cli/spec.js";
import { showTopics } from "../../src/session/show.js";
import { tokens, wordsOf } from "../../src/lang/index.js";

const stmts = async (text: string) => ({ partial: text.split(/\s/).pop()!, values: ["wrr", "wlc"].filter((v) => v.startsWith(text.split(/\s/).pop()!)) });

describe("__complete", () => {
  it.each([
    ["lvsh ", "", "lvsh-files", ["check", "show", "watch", "recover", "import", "export", "save", "completion"]],
    ["lvsh watch --in", "--in", "plain", ["--interval"]],
    ["lvsh watch --co", "--co", "plain", ["--command", "--count"]],
    ["lvsh watch --interval ", "", "plain", []],
    ["lvsh watch --count ", "", "plain", []],
    ["lvsh comp", "comp", "lvsh-files", ["completion"]],
    ["lvsh completion ", "", "plain", ["bash", "zsh"]],
    ["lvsh --ta", "--ta", "plain", ["--target"]],
    ["lvsh -", "-", "plain", expect.arrayContaining(["--command", "--dry-run", "-c", "-n", "-y"])],
    ["lvsh --target ", "", "plain", ["sim", "local"]],
    ["lvsh --sim show r", "r", "plain", ["running", "rs"]],
    ["lvsh export --format k", "k", "plain", ["keepalived"]],
    ["lvsh check ", "", "lvsh-files", []],
    ["lvsh --from ", "", "files", []],
  ])("%j", async (line, cur, directive, candidates) => {
    const r = await completeArgs(line, cur, stmts);
    expect(r.directive).toBe(directive);
    expect(r.candidates).toEqual(candidates);
  });

  it("completes statements inside -c, replacing the shell's current word", async () => {
    const r = await completeArgs("lvsh -c 'vip 1.2.3.4; service :80 w", "'vip 1.2.3.4; service :80 w", async (text) => {
      expect(text).toBe("vip 1.2.3.4; service :80 w");
      return stmts(text);
    });
    expect(r.candidates).toEqual(["'vip 1.2.3.4; service :80 wrr", "'vip 1.2.3.4; service :80 wlc"]);
    expect(formatCompletion(r)).toBe("plain\n'vip 1.2.3.4; service :80 wrr\n'vip 1.2.3.4; service :80 wlc\n");
  });

  it("splits words as a shell does", () => {
    expect(shellWords(`lvsh -c 'a b' "c \\" d" e\\ f `)).toEqual({ words: ["lvsh", "-c", "a b", 'c " d', "e f"], open: null, trailingSpace: true });
    expect(shellWords("lvsh -c 'vip 1.2").open).toBe("'");
  });

  it("offers the show topics that the shell has, all of them words of the grammar", () => {
    const show = commands.find((c) => c.name === "show")!;
    expect([...show.choices!].sort()).toEqual(Object.keys(showTopics).sort());
    for (const t of show.choices!) expect(wordsOf(tokens.ShowTopic)).toContain(t);
  });
});
