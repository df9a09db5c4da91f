/**
 * Tab's light completer (dist/lvsh-words.cjs: the grammar as data, the
 * plain lexer, the values from the engine's copy of the last revision; no
 * parser) answers what the engine answers, or says it needs the engine: on
 * every prefix of the examples' statements (at each token, and inside each
 * word), on random statements walked from the grammar, with a revision
 * committed; and it leaves to the engine what it cannot know.
 */
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lightStatements, NeedsEngine } from "../../src/cli/complete-light.js";
import { completeStatements } from "../../src/cli/complete-statements.js";
import { assistTable } from "../../src/lang/index.js";
import { configOf, writeRevision } from "../../src/txn/index.js";
import { cachedConfig, keepConfig } from "../../src/cli/complete-revision.js";

const table = assistTable();
const light = lightStatements(table);
let state: string;
let revisions: string;
const saved = process.env.LVSH_STATE_DIR;
const EVERY = readFileSync("test/fixtures/interop/every-option.lvsh", "utf8");
const rev = (config: string) => writeRevision(revisions, { time: new Date().toISOString(), user: "t", host: "t", config, hosts: {}, vips: [], snapshot: { hosts: {} } });
beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "lvsh-light-"));
  process.env.LVSH_STATE_DIR = state;
  revisions = join(state, "sim", "revisions");
  mkdirSync(revisions, { recursive: true });
  rev(EVERY);
  // the engine keeps its copy of the configuration for the light completer
  expect((await completeStatements("use service ")).items.map((i) => i.word)).toContain("192.0.2.10:80");
});
afterAll(() => {
  if (saved === undefined) delete process.env.LVSH_STATE_DIR;
  else process.env.LVSH_STATE_DIR = saved;
  rmSync(state, { recursive: true, force: true });
});

/** The light answer, or "engine" when it needs the engine. */
async function lightOr(text: string) {
  try {
    return await light(text, {});
  } catch (e) {
    if (e instanceof NeedsEngine) return "engine" as const;
    throw e;
  }
}

const tally = { light: 0, engine: 0 };
async function same(text: string) {
  const l = await lightOr(text);
  if (l === "engine") {
    tally.engine++;
    return;
  }
  tally.light++;
  expect(l, JSON.stringify(text)).toEqual(await completeStatements(text));
}

/** Text for a token: a keyword's word, or a value of that kind. */
function image(name: string, n: number): string {
  const kw = table.keywords.find((k) => k.name === name);
  if (kw) return kw.word;
  return { NumberLiteral: "80", StringLiteral: '"a b"', Word: ["10.0.0.1", ".2", "eth0", ":80", "5m"][n % 5]! }[name] ?? "x";
}

describe("Tab's light completer", () => {
  it("answers as the engine on every prefix of the examples' statements, or asks the engine", async () => {
    const files = readdirSync("examples").map((f) => `examples/${f}`).concat("test/fixtures/interop/every-option.lvsh");
    // and a value of every kind Tab offers
    const values = ["rollback 1", "show diff 1 1", "show rs 192.0.2.21", "show history", "use service :80", "use vip 192.0.2.10", "del rs .21", "set rs .21 weight 1", "drain rs .21 from :80", "maintenance rs .21 on", "host director via ssh root@192.0.2.21", "host rs1 via netns rs1", "save format lvsh to x.lvsh", "load x.lvsh", "commit confirmed 5m", "watch :80", "doctor 192.0.2.10", "check dns type SOA", "vip 192.0.2.10 on eth0", "arp hide on rs dev eth0", "sync daemon on eth0"];
    for (const source of [...files.map((f) => readFileSync(f, "utf8")), values.join("\n")]) {
      for (const s of source.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"))) {
        for (let i = 0; i <= s.length; i++) await same(s.slice(0, i));
        await same(s + " ");
      }
    }
    // Tabs are answered without the engine but for help's topics and what the plain lexer leaves
    expect(tally.light).toBeGreaterThan(20 * tally.engine);
  });

  it("answers as the engine on random statements and several statements on a line", async () => {
    const names = [...new Set([...table.keywords.map((k) => k.name), "NumberLiteral", "StringLiteral", "Word", "Semicolon"])];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(names.length - 1), { maxLength: 7 }), fc.boolean(), async (idx, space) => {
        const text = idx.map((i, n) => (names[i] === "Semicolon" ? ";" : image(names[i]!, n))).join(" ") + (space ? " " : "");
        await same(text);
      }),
      { numRuns: 1500 },
    );
  });

  it("keeps Tab's copy of a configuration as it is: it reads back equal, Maps and all, and only under its key", () => {
    const config = configOf(EVERY);
    const slot = { file: join(state, "copy.json"), key: "made from this" };
    keepConfig(slot, config);
    expect(cachedConfig(slot)).toEqual(config);
    expect(cachedConfig(slot)!.services).toBeInstanceOf(Map);
    expect(cachedConfig({ ...slot, key: "made from another" })).toBeUndefined();
    writeFileSync(slot.file, "null");
    expect(cachedConfig(slot)).toBeUndefined();
  });

  it("leaves to the engine a line the plain lexer cannot read, help's topics, and a value without a fresh copy of the last revision", async () => {
    for (const text of ['service "a b', "vip é ", "add rs \\x ", "help "]) expect(await lightOr(text)).toBe("engine");
    const words = async (text: string) => {
      const r = await lightOr(text);
      return r === "engine" ? r : r.items.map((i) => i.word);
    };
    expect(await words("use service ")).toContain("192.0.2.10:80");
    expect(await words("show rs ")).toContain("192.0.2.21");
    // a new revision: the copy is stale until the engine has made it again
    rev("vip 172.25.254.20 on eth0\nservice :80 rr\nadd rs .2 dr\n");
    expect(await words("use service ")).toBe("engine");
    expect(await words("service :80 w")).toEqual(["wrr", "wlc"]);
    expect((await completeStatements("use service ")).items.map((i) => i.word)).toContain("172.25.254.20:80");
    expect(await words("use service ")).toEqual(expect.arrayContaining(["172.25.254.20:80", "fwmark"]));
    // a damaged copy
    const cache = join(state, "cache");
    for (const f of readdirSync(cache)) writeFileSync(join(cache, f), "not v8");
    expect(await words("use service ")).toBe("engine");
    // no revision at all: nothing to read, nothing to ask
    rmSync(revisions, { recursive: true });
    expect(await words("use service ")).toEqual(["fwmark", "tcp", "udp", "sctp"]);
  });

  describe("on damaged or foreign state (adversarial pass): the same answer both ways, no error, nothing left behind", () => {
    const both = async (text: string) => {
      const l = await lightOr(text);
      const e = await completeStatements(text);
      if (l !== "engine") expect(l, text).toEqual(e);
      return e.items.map((i) => i.word);
    };
    const withState = async (make: (dir: string) => void, run: () => Promise<void>) => {
      const saved = process.env.LVSH_STATE_DIR;
      const dir = mkdtempSync(join(tmpdir(), "lvsh-light-bad-"));
      process.env.LVSH_STATE_DIR = dir;
      try {
        make(dir);
        await run();
      } finally {
        process.env.LVSH_STATE_DIR = saved;
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const committed = (dir: string) => {
      mkdirSync(join(dir, "sim", "revisions"), { recursive: true });
      writeRevision(join(dir, "sim", "revisions"), { time: new Date().toISOString(), user: "t", host: "t", config: EVERY, hosts: {}, vips: [], snapshot: { hosts: {} } });
    };

    it("revisions that cannot be listed (a file where the directory goes)", () =>
      withState(
        (dir) => {
          mkdirSync(join(dir, "sim"));
          writeFileSync(join(dir, "sim", "revisions"), "");
        },
        async () => {
          expect(await both("serv")).toEqual(["service"]);
          expect(await both("use service ")).toEqual(["fwmark", "tcp", "udp", "sctp"]);
          expect(await both("show diff ")).toEqual([]);
        },
      ));

    it("the newest revision a dangling symbolic link", () =>
      withState(
        (dir) => {
          committed(dir);
          symlinkSync("/nonexistent", join(dir, "sim", "revisions", "000002.json"));
        },
        async () => {
          expect(await both("use service ")).toEqual(["fwmark", "tcp", "udp", "sctp"]);
        },
      ));

    it("a copy under the right key whose configuration is not one (edited, or another lvsh's): made again", () =>
      withState(committed, async () => {
        await completeStatements("use service ");
        const cache = join(process.env.LVSH_STATE_DIR!, "cache");
        const [file] = readdirSync(cache);
        for (const config of [{}, 1, { vips: { "\u0000map": [] }, services: { "\u0000map": [[1]] }, hosts: { "\u0000map": [] } }]) {
          const kept = JSON.parse(readFileSync(join(cache, file!), "utf8")) as { key: string };
          writeFileSync(join(cache, file!), JSON.stringify({ key: kept.key, config }));
          expect(await lightOr("use service ")).toBe("engine");
          expect(await both("use service ")).toContain("192.0.2.10:80");
          expect(await both("use service ")).toContain("192.0.2.10:80");
        }
      }));

    /** The engine's copy made, then something else put in its place; its path. */
    const inPlaceOfCopy = async (put: (path: string) => void): Promise<string> => {
      await completeStatements("use service ");
      const cache = join(process.env.LVSH_STATE_DIR!, "cache");
      const path = join(cache, readdirSync(cache)[0]!);
      rmSync(path);
      put(path);
      return path;
    };

    it("something else where the copy goes: no temporary file left per Tab", () =>
      withState(committed, async () => {
        const path = await inPlaceOfCopy((p) => mkdirSync(p));
        for (let i = 0; i < 3; i++) expect(await both("use service ")).toContain("192.0.2.10:80");
        expect(readdirSync(join(path, ".."))).toEqual([basename(path)]);
      }));

    it("a FIFO or a device where the copy goes is not waited on", () =>
      withState(committed, async () => {
        const path = await inPlaceOfCopy((p) => execFileSync("mkfifo", [p]));
        expect(await both("use service ")).toContain("192.0.2.10:80");
        rmSync(path);
        symlinkSync("/dev/zero", path);
        expect(await both("use service ")).toContain("192.0.2.10:80");
      }));

    it("a cache directory that is a link, or writable by others, is neither read nor written", () =>
      withState(committed, async () => {
        const dir = process.env.LVSH_STATE_DIR!;
        const elsewhere = mkdtempSync(join(tmpdir(), "lvsh-elsewhere-"));
        symlinkSync(elsewhere, join(dir, "cache"));
        expect(await both("use service ")).toContain("192.0.2.10:80");
        expect(readdirSync(elsewhere)).toEqual([]);
        rmSync(join(dir, "cache"));
        mkdirSync(join(dir, "cache"), { mode: 0o777 });
        chmodSync(join(dir, "cache"), 0o777);
        expect(await both("use service ")).toContain("192.0.2.10:80");
        expect(readdirSync(join(dir, "cache"))).toEqual([]);
        rmSync(elsewhere, { recursive: true, force: true });
      }));

    it.skipIf(process.getuid?.() !== 0)("another user's state directory (lvsh refuses it): no value read, nothing written there", () =>
      withState(
        (dir) => {
          committed(dir);
          for (const d of [dir, join(dir, "sim"), join(dir, "sim", "revisions")]) chownSync(d, 65534, 65534);
        },
        async () => {
          expect(await both("use service ")).toEqual(["fwmark", "tcp", "udp", "sctp"]);
          expect(readdirSync(process.env.LVSH_STATE_DIR!)).not.toContain("cache");
        },
      ));
  });
});

