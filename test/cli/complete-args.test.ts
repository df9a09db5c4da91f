/** The `__complete` protocol, pure: the command line up to the cursor -> candidates. */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { completeArgs, formatCompletion, shellWords } from "../../src/cli/complete-args.js";
import { parseCli } from "../../src/cli/args.js";
import { commands, options } from "../../src/cli/spec.js";
import { showTopics } from "../../src/session/show.js";
import { tokens, wordsOf } from "../../src/lang/index.js";

const stmts = async (text: string) => {
  const partial = text.split(/\s/).pop()!;
  return { partial, items: ["wrr", "wlc"].filter((v) => v.startsWith(partial)).map((word) => ({ word, doc: "scheduler" })) };
};
const words = (r: { candidates: readonly { word: string }[] }) => r.candidates.map((c) => c.word);

describe("__complete", () => {
  it.each([
    ["lvsh ", "", "lvsh-files", ["check", "show", "watch", "doctor", "recover", "import", "export", "save", "completion"]],
    ["lvsh watch --in", "--in", "plain", ["--interval"]],
    ["lvsh watch --co", "--co", "plain", ["--count"]],
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
    expect(words(r)).toEqual(candidates);
  });

  it("completes what doctor and watch take through their statements", async () => {
    for (const [line, text] of [
      ["lvsh --sim doctor c", "doctor c"],
      ["lvsh doctor candidate 172.", "doctor candidate 172."],
      ["lvsh watch t", "watch t"],
    ] as const) {
      const seen: string[] = [];
      await completeArgs(line, line.split(" ").pop()!, async (t) => {
        seen.push(t);
        return { partial: "", items: [] };
      });
      expect(seen).toEqual([text]);
    }
    const { completeStatements } = await import("../../src/cli/complete-statements.js");
    expect((await completeStatements("doctor c", { target: "sim" })).items.map((i) => i.word)).toContain("candidate");
  });

  it("completes statements inside -c: bash replaces the quoted text, lists the words alone, keeps the quote open", async () => {
    const r = await completeArgs("lvsh -c 'vip 1.2.3.4; service :80 w", "'vip 1.2.3.4; service :80 w", async (text) => {
      expect(text).toBe("vip 1.2.3.4; service :80 w");
      return stmts(text);
    });
    expect(words(r)).toEqual(["wrr", "wlc"]);
    expect([r.stem, r.partial, r.quoted]).toEqual(["'vip 1.2.3.4; service :80 ", "w", true]);
    // a Tab: what they share goes in; a second Tab (COMP_TYPE 63) lists the words, not the statement
    expect(formatCompletion(r)).toBe("plain\n'vip 1.2.3.4; service :80 wrr\n'vip 1.2.3.4; service :80 wlc\n");
    expect(formatCompletion(r, "bash", 63)).toBe("plain\nwrr\nwlc\n");
    expect(formatCompletion(r, "bash", 33)).toBe("plain\nwrr\nwlc\n");
    // a single match: with its space, and a twin so that readline does not close the quote
    const one = await completeArgs("lvsh -c 'service :80 wr", "'service :80 wr", stmts);
    expect(formatCompletion(one)).toBe("plain\n'service :80 wrr \n'service :80 wrr  \n");
    // outside quotes, one candidate is one candidate (the shell adds the space)
    expect(formatCompletion(await completeArgs("lvsh completion z", "z"))).toBe("plain\nzsh\n");
  });

  it("gives zsh the partial word and each candidate with its description", async () => {
    const r = await completeArgs("lvsh -c vip\\ 1.2.3.4\\;\\ service\\ :80\\ w", "vip 1.2.3.4; service :80 w", stmts);
    expect(formatCompletion(r, "zsh")).toBe("plain\nw\nwrr:scheduler\nwlc:scheduler\n");
    const cmds = formatCompletion(await completeArgs("lvsh comp", "comp"), "zsh");
    expect(cmds).toBe(`lvsh-files\ncomp\ncompletion:${commands.find((c) => c.name === "completion")!.summary}\n`);
    expect(formatCompletion(await completeArgs("lvsh --sim show r", "r"), "zsh")).toMatch(/^running:what every host runs now/m);
    expect(formatCompletion({ directive: "plain", stem: "", partial: "", candidates: [{ word: "a:b", doc: "x" }], quoted: false }, "zsh")).toBe("plain\n\na\\:b:x\n");
  });

  it("offers each subcommand's options, from the table the parser reads", async () => {
    const global = words(await completeArgs("lvsh -", "-"));
    expect(global).toEqual(expect.arrayContaining(["--command", "--dry-run", "--json", "--sim", "--target", "--yes", "-c", "-n"]));
    for (const o of ["--from", "--rs", "--format", "--to"]) expect(global).not.toContain(o);
    const imp = words(await completeArgs("lvsh import -", "-"));
    expect(imp).toEqual(expect.arrayContaining(["--from", "--rs", "--sim", "--yes"]));
    for (const o of ["--command", "--dry-run", "--format", "--to", "-c", "-n"]) expect(imp).not.toContain(o);
    expect(words(await completeArgs("lvsh --sim export --f", "--f"))).toEqual(["--format"]);
    expect(words(await completeArgs("lvsh show running --", "--"))).toContain("--json");
    expect(words(await completeArgs("lvsh save --", "--"))).not.toContain("--json");
    for (const o of options.filter((x) => x.for)) {
      const elsewhere = o.for!.includes("") ? "import" : "";
      expect(parseCli([...(elsewhere ? [elsewhere] : []), `--${o.long}`, ...(o.type === "string" ? ["x"] : []), ...(elsewhere ? [] : ["x.lvsh"])])).toMatchObject({ kind: "usage-error" });
    }
  });

  it("completes what a show topic takes through the statement engine, on the target named", async () => {
    const seen: unknown[] = [];
    const r = await completeArgs("lvsh --sim show diff 1 ", "", async (text, opts) => {
      seen.push([text, opts]);
      return { partial: "", items: [{ word: "2", doc: "revision" }] };
    });
    expect(seen).toEqual([["show diff 1 ", { target: "sim" }]]);
    expect(formatCompletion(r)).toBe("plain\n2\n");
  });

  it("reads the last revision's configuration only for a value: a keyword needs none, and one that does not read back offers no value, quietly", async () => {
    const { completeStatements } = await import("../../src/cli/complete-statements.js");
    const { writeRevision } = await import("../../src/txn/index.js");
    const state = mkdtempSync(join(tmpdir(), "lvsh-complete-"));
    const revisions = join(state, "sim", "revisions");
    mkdirSync(revisions, { recursive: true });
    const rev = (config: string) =>
      writeRevision(revisions, { time: new Date().toISOString(), user: "t", host: "t", config, hosts: {}, vips: [], snapshot: { hosts: {} } });
    const before = process.env.LVSH_STATE_DIR;
    process.env.LVSH_STATE_DIR = state;
    try {
      const ask = async (text: string) => (await completeStatements(text, { target: "sim" })).items.map((i) => i.word);
      rev("vip 172.25.254.10 on eth0\nservice :80 rr\nadd rs .2 .3 dr\n");
      expect(await ask("service :80 w")).toEqual(expect.arrayContaining(["wrr", "wlc"]));
      expect(await ask("use service ")).toContain("172.25.254.10:80");
      // the configuration is kept for the next Tab (made from this very revision file), and a damaged cache is made again
      const cache = join(state, "cache");
      const kept = readdirSync(cache).filter((f) => f.endsWith(".json"));
      expect(kept).toHaveLength(1);
      expect(await ask("use service ")).toContain("172.25.254.10:80");
      writeFileSync(join(cache, kept[0]!), "not v8");
      expect(await ask("use service ")).toContain("172.25.254.10:80");
      rev("vip 172.25.254.20 on eth0\nservice :80 rr\nadd rs .2 dr\n");
      expect(await ask("use service ")).toContain("172.25.254.20:80");
      expect(await ask("use service ")).not.toContain("172.25.254.10:80");
      // a configuration that does not read back (lvsh wrote it; here, a test does)
      rev("this is not lvsh\n");
      expect(await ask("service :80 w")).toEqual(expect.arrayContaining(["wrr", "wlc"]));
      expect(await ask("use service ")).toEqual(["fwmark", "tcp", "udp", "sctp"]);
    } finally {
      if (before === undefined) delete process.env.LVSH_STATE_DIR;
      else process.env.LVSH_STATE_DIR = before;
    }
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
