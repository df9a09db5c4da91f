/** grammar/ and the CST typings are generated from the parser; they must not be stale. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cstDts, diagramsHtml, grammarMarkdown, helpIndex, helpTopic, parse, statementHelp, statementKeywords } from "../../src/lang/index.js";

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), "utf8");

describe("generated grammar files", () => {
  it.each([
    ["grammar/README.md", grammarMarkdown],
    ["grammar/diagrams.html", diagramsHtml],
    ["src/lang/cst.d.ts", cstDts],
  ])("%s is up to date (run `npm run grammar`)", (file, gen) => {
    expect(read(file)).toBe(gen());
  });
});

describe("help", () => {
  it("has an entry for every statement of the grammar, and nothing else", () => {
    expect(Object.keys(statementHelp).sort()).toEqual([...statementKeywords().keys()].sort());
  });

  it("has examples that parse", () => {
    for (const [word, h] of Object.entries(statementHelp)) {
      expect(h.examples.length, word).toBeGreaterThan(0);
      for (const ex of h.examples) {
        const r = parse(ex);
        expect(r.diagnostics, ex).toEqual([]);
        expect(r.statements[0]!.span.start).toBe(0);
      }
    }
  });

  it("shows syntax generated from the grammar", () => {
    const t = helpTopic("add").text!;
    expect(t).toContain("add rs RS {RS} {<rsOption>}");
    expect(t).toContain("weight WEIGHT");
    expect(t).toContain("add rs .2 .3 dr");
    expect(helpIndex()).toMatch(/^\s+vip\s+declare a virtual IP/m);
  });

  it("explains `engine` and `sync`, and their values", () => {
    expect(helpIndex()).toMatch(/^\s+engine\s+what runs the directors/m);
    expect(helpIndex()).toMatch(/^\s+sync\s+`sync daemon on IFACE`/m);
    const e = helpTopic("engine").text!;
    expect(e).toContain("engine (keepalived [config CONF_PATH] | lvsh)");
    expect(e).toContain("engine keepalived config /etc/keepalived/lvsh.conf");
    const s = helpTopic("sync").text!;
    expect(s).toContain("sync daemon (on IFACE [id SYNC_ID] | off)");
    expect(s).toContain("needs `engine keepalived` and a `director pair`");
    expect(helpTopic("conf_path").text).toMatch(/^CONF_PATH: .*absolute file path/);
    expect(helpTopic("sync_id").text).toMatch(/^SYNC_ID: .*1 to 255/);
  });

  it("suggests for unknown topics", () => {
    expect(helpTopic("servce").hint).toBe("did you mean service?");
    expect(helpTopic("rr").text).toMatch(/round robin/);
  });
});
