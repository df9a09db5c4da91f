/**
 * dist/lvsh, the launcher: lvsh from its V8 startup snapshot (dist/lvsh.blob)
 * when the node on PATH made it, else the plain bundle (dist/lvsh.mjs), which
 * must behave the same.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const DIST = resolve("dist");
const SEED = "vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; arp hide on rs";

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    encoding: "utf8",
    env: { ...process.env, LVSH_STATE_DIR: mkdtempSync(join(tmpdir(), "lvsh-state-")), NO_COLOR: "1", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A copy of dist/ to spoil. */
function copyDist(): string {
  const dir = mkdtempSync(join(tmpdir(), "lvsh-dist-"));
  cpSync(DIST, dir, { recursive: true, preserveTimestamps: true });
  return dir;
}

describe("the launcher", () => {
  it("was built with a startup snapshot for this node and this CPU", () => {
    const [node, cpu] = readFileSync(join(DIST, "lvsh.node"), "utf8").split("\n");
    expect(node).toBe(process.execPath);
    expect(cpu).toBe(readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("flags")));
    expect(readFileSync(join(DIST, "lvsh.blob")).length).toBeGreaterThan(1_000_000);
    expect(readFileSync(join(DIST, "lvsh-complete.blob")).length).toBeGreaterThan(1_000_000);
  });

  it("made the snapshots without node's code cache of its own modules (it ends them: an empty one there)", () => {
    for (const blob of ["lvsh.blob", "lvsh-complete.blob"]) expect(readFileSync(join(DIST, blob)).subarray(-8)).toEqual(Buffer.alloc(8));
  });

  it("answers a Tab from the completion snapshot, the same as from the whole program's and from the bundle", () => {
    const words = ["__complete", "lvsh -c 'service :80 w", "'service :80 w"];
    // what lvsh-words.cjs cannot answer (a value) comes to the engine so
    const engine = { LVSH_COMPLETE_ENGINE: "1" };
    const dir = copyDist();
    writeFileSync(join(dir, "lvsh-complete.blob"), "not a snapshot");
    const spoiled = run([join(dir, "lvsh"), ...words], engine);
    expect(spoiled.code).not.toBe(0);
    expect(spoiled.out).toBe("");
    const tab = run([join(DIST, "lvsh"), ...words], engine);
    expect(tab).toEqual({ code: 0, out: "plain\n'service :80 wrr\n'service :80 wlc\n", err: "" });
    rmSync(join(dir, "lvsh-complete.blob"));
    expect(run([join(dir, "lvsh"), ...words], engine)).toEqual(tab);
    expect(run([process.execPath, join(DIST, "lvsh.mjs"), ...words])).toEqual(tab);
    expect(run([join(DIST, "lvsh"), ...words])).toEqual(tab);
    // the completion snapshot answers nothing else
    const other = run([process.execPath, "--snapshot-blob", join(DIST, "lvsh-complete.blob"), "--", "--version"]);
    expect(other.code).toBe(70);
    expect(other.err).toContain("answers only `lvsh __complete`");
  });

  it("holds neither the parser nor Chevrotain in lvsh-words.cjs, which runs on every Tab: the grammar is in it as data", () => {
    const words = readFileSync(join(DIST, "lvsh-words.cjs"), "utf8");
    for (const marker of ["performSelfAnalysis", "computeContentAssist", "createToken", "CstParser"]) expect(words).not.toContain(marker);
    expect(words).toContain("Kw_vip");
    expect(words.length).toBeLessThan(100_000);
  });

  it("answers a Tab on command-line words and on a statement's keywords from lvsh-words.cjs, without a snapshot or the bundle", () => {
    const dir = copyDist();
    // nothing else to start from: a word's answer can only come from lvsh-words.cjs
    for (const f of ["lvsh.blob", "lvsh-complete.blob", "lvsh.mjs"]) writeFileSync(join(dir, f), "spoiled");
    const cases = [
      ["lvsh comp", "comp"],
      ["lvsh --dr", "--dr"],
      ["lvsh ", ""],
      ["lvsh save --format ", ""],
      ["lvsh export --format k", "k"],
      ["lvsh -c 'service :80 w", "'service :80 w"],
      ["lvsh -c 'vip 10.0.0.1 on eth0; service :80 rr; add rs .2 dr ", "'vip 10.0.0.1 on eth0; service :80 rr; add rs .2 dr "],
      ["lvsh --command 'sh", "'sh"],
      ["lvsh show ", ""],
      ["lvsh -c \"commit con", "\"commit con"],
    ];
    for (const [line, cur] of cases) {
      const words = ["__complete", line!, cur!];
      const fast = run([join(dir, "lvsh"), ...words]);
      const engine = run([join(DIST, "lvsh"), ...words], { LVSH_COMPLETE_ENGINE: "1" });
      expect(engine.code).toBe(0);
      expect(engine.out.split("\n").length).toBeGreaterThan(2);
      expect(fast).toEqual(engine);
    }
    // a value comes from the engine's copy of the last revision: none yet, so the engine, spoiled here, is asked
    const state = { LVSH_STATE_DIR: mkdtempSync(join(tmpdir(), "lvsh-state-")) };
    expect(run([join(DIST, "lvsh"), "--sim", "--yes", "-c", `${SEED}; commit`], state).code).toBe(0);
    const value = ["__complete", "lvsh -c 'use service ", "'use service "];
    expect(run([join(dir, "lvsh"), ...value], state)).toMatchObject({ code: 70, out: "" });
    // the engine makes the copy; then lvsh-words.cjs answers alone, the same
    const engine = run([join(DIST, "lvsh"), ...value], { ...state, LVSH_COMPLETE_ENGINE: "1" });
    expect(engine.out).toContain("'use service 172.25.254.10:80");
    expect(run([join(dir, "lvsh"), ...value], state)).toEqual(engine);
    // help's topics are read off the grammar: the engine's
    expect(run([join(dir, "lvsh"), "__complete", "lvsh -c 'help ", "'help "]).out).toBe("");
  });

  it("answers a line for statements that the launcher took for words through the engine, the same", () => {
    // tabs, not spaces, around -c: the launcher's look (` -c `) misses it; lvsh-words.cjs finds it needs the engine
    for (const [line, cur] of [
      ["lvsh\t-c\tserv", "serv"],
      ["lvsh\tshow\trs\t", ""],
    ]) {
      const words = ["__complete", line!, cur!];
      const engine = run([join(DIST, "lvsh"), ...words], { LVSH_COMPLETE_ENGINE: "1" });
      expect(engine.code).toBe(0);
      expect(engine.out.split("\n").length).toBeGreaterThan(2);
      expect(run([process.execPath, join(DIST, "lvsh-words.cjs"), ...words])).toEqual(engine);
      expect(run([join(DIST, "lvsh"), ...words])).toEqual(engine);
    }
    // the launcher without its x bit, started as `sh lvsh`: lvsh-words.cjs asks it again the same way
    const dir = copyDist();
    chmodSync(join(dir, "lvsh"), 0o644);
    const words = ["__complete", "lvsh\tshow\trs\t", ""];
    expect(run(["sh", join(dir, "lvsh"), ...words])).toEqual(run([join(DIST, "lvsh"), ...words], { LVSH_COMPLETE_ENGINE: "1" }));
  });

  it("leaves a Tab under NODE_OPTIONS to the rest of lvsh (a --require there runs once, node's permission model allows it)", () => {
    const pre = join(mkdtempSync(join(tmpdir(), "lvsh-pre-")), "pre.cjs");
    writeFileSync(pre, 'process.stderr.write("pre-loaded\\n");');
    const words = ["__complete", "lvsh\tshow\trs\t", ""];
    const engine = run([join(DIST, "lvsh"), ...words], { LVSH_COMPLETE_ENGINE: "1", NODE_OPTIONS: `--require ${pre}` });
    expect(engine.err).toBe("pre-loaded\n");
    expect(run([join(DIST, "lvsh"), ...words], { NODE_OPTIONS: `--require ${pre}` })).toEqual(engine);
    const permitted = run([join(DIST, "lvsh"), ...words], { NODE_OPTIONS: "--experimental-permission --allow-fs-read=*" });
    expect(permitted.code).toBe(0);
    expect(permitted.out).toBe(engine.out);
  });

  it("starts lvsh from the snapshot: a spoiled blob is what node loads", () => {
    const dir = copyDist();
    writeFileSync(join(dir, "lvsh.blob"), "not a snapshot");
    const r = run([join(dir, "lvsh"), "--version"]);
    expect(r.code).not.toBe(0);
    expect(r.out).toBe("");
  });

  it("falls back to the bundle when node is not the one that made the snapshot", () => {
    const dir = copyDist();
    writeFileSync(join(dir, "lvsh.blob"), "not a snapshot");
    const stamp = join(dir, "lvsh.node");
    utimesSync(stamp, new Date(), new Date(Date.now() - 86_400_000)); // another build of node
    const r = run([join(dir, "lvsh"), "--version"]);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^lvsh \d+\.\d+\.\d+\n$/);
    expect(r.code).toBe(0);
  });

  it("falls back to the bundle on another CPU (V8 refuses a snapshot made on another)", () => {
    const dir = copyDist();
    writeFileSync(join(dir, "lvsh.blob"), "not a snapshot");
    const stamp = join(dir, "lvsh.node");
    const [node] = readFileSync(stamp, "utf8").split("\n");
    const { mtime, atime } = statSync(stamp);
    writeFileSync(stamp, `${node}\nflags\t\t: fpu sse sse2\n`);
    utimesSync(stamp, atime, mtime);
    const r = run([join(dir, "lvsh"), "--version"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  it("makes the snapshot again where dist/ was copied to (node dist/snapshot.mjs)", () => {
    const dir = copyDist();
    writeFileSync(join(dir, "lvsh.blob"), "not a snapshot");
    const made = spawnSync(process.execPath, [join(dir, "snapshot.mjs")], { encoding: "utf8" });
    expect(made.status).toBe(0);
    expect(readFileSync(join(dir, "lvsh.blob")).length).toBeGreaterThan(1_000_000);
    const r = run([join(dir, "lvsh"), "--version"]);
    expect(r.code).toBe(0);
  });

  it("falls back to the bundle under NODE_OPTIONS (V8 options there would not match the snapshot)", () => {
    const r = run([join(DIST, "lvsh"), "--version"], { NODE_OPTIONS: "--max-old-space-size=512" });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  it("plans the same from the snapshot, from the bundle and through a symlink", () => {
    const args = ["--dry-run", "--json", "-c", SEED];
    const snap = run([join(DIST, "lvsh"), ...args]);
    const plain = run([process.execPath, join(DIST, "lvsh.mjs"), ...args]);
    const link = join(mkdtempSync(join(tmpdir(), "lvsh-bin-")), "lvsh");
    symlinkSync(join(DIST, "lvsh"), link);
    const linked = run([link, ...args]);
    expect(snap.code).toBe(0);
    expect(snap.out).toContain('"steps"');
    expect(plain).toEqual(snap);
    expect(linked).toEqual(snap);
    // a relative link run from its own directory as `sh lvsh` ($0 has no directory)
    const rel = mkdtempSync(join(tmpdir(), "lvsh-rel-"));
    cpSync(DIST, join(rel, "dist"), { recursive: true, preserveTimestamps: true });
    symlinkSync("dist/lvsh", join(rel, "lv"));
    const r = spawnSync("sh", ["lv", ...args], { cwd: rel, encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: mkdtempSync(join(tmpdir(), "lvsh-state-")), NO_COLOR: "1" } });
    expect({ code: r.status, out: r.stdout, err: r.stderr }).toEqual(snap);
  });

  it("reads the environment and arguments of its own run, not of the build", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-state-"));
    const commit = run([join(DIST, "lvsh"), "--sim", "--yes", "-c", `${SEED}; commit comment one`], { LVSH_STATE_DIR: dir });
    expect(commit.code).toBe(0);
    const show = run([join(DIST, "lvsh"), "--sim", "show", "history"], { LVSH_STATE_DIR: dir });
    expect(show.out).toContain("one");
    // an option node itself knows (-c is node's --check) reaches lvsh
    const check = run([join(DIST, "lvsh"), "-c", "service :80 rrr"]);
    expect(check.code).toBe(1);
    expect(check.err).toContain("unknown scheduler `rrr`");
  });

  it("says so when node is missing", () => {
    const r = spawnSync("/bin/sh", [join(DIST, "lvsh"), "--version"], { encoding: "utf8", env: { PATH: "/nonexistent" } });
    expect(r.status).toBe(127);
    expect(r.stderr).toContain("node is not on PATH");
  });
});
