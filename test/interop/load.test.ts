/**
 * `load FILE`: the file's configuration replaces the candidate (Junos
 * `load override`); the check pass sees it, so a script that goes on from a
 * loaded file is checked whole before anything runs; errors point into the
 * loaded file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/session/index.js";
import { sim } from "../helpers/cli.js";
import { SEED } from "../helpers/load.js";
import { freshStateDir } from "../helpers/sim.js";

function session(files: Record<string, string> = {}) {
  const out: string[] = [];
  const s = new Session({
    io: {
      write: (t) => void out.push(t),
      readFile: (p) => {
        if (!(p in files)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
        return files[p]!;
      },
    },
  });
  return { s, out };
}

describe("load", () => {
  it("replaces the candidate with the file's configuration, and resets the context", async () => {
    const { s, out } = session({ "seed.lvsh": SEED.replace(/; /g, "\n") });
    expect((await s.run("vip 192.0.2.99 on eth1; service :25 rr; add rs .1", "<1>")).ok).toBe(true);
    const r = await s.run("load seed.lvsh; show candidate", "<2>");
    expect(r.ok, s.render(r.diagnostics)).toBe(true);
    expect(out.join("")).toBe("loaded seed.lvsh: it is now the candidate; `commit` applies it.\nvip 172.25.254.10 on eth0\nservice :80 rr\nadd rs .2 .3 dr\narp hide on rs\n");
    expect(s.context).toEqual({ vip: null, service: null });
  });

  it("is seen by the check pass: what follows is checked against the loaded configuration", async () => {
    const { s, out } = session({ "seed.lvsh": SEED });
    const ok = await s.run("load seed.lvsh; use service 172.25.254.10:80; add rs .4; show candidate", "<1>");
    expect(ok.ok, s.render(ok.diagnostics)).toBe(true);
    expect(out.join("")).toContain("add rs .2 .3 .4 dr\n");
    const { s: s2, out: out2 } = session({ "seed.lvsh": SEED });
    const bad = await s2.run("show candidate; load seed.lvsh; use service :443", "<1>");
    expect(bad.diagnostics.map((d) => d.code)).toEqual(["no-vip"]);
    expect(out2).toEqual([]);
  });

  it("reports the loaded file's errors with its name and line, and runs nothing", async () => {
    const { s, out } = session({ "bad.lvsh": "vip 192.0.2.10\nservice :80 rrr\n" });
    const r = await s.run("show candidate; load bad.lvsh", "<1>");
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => `${d.code} ${d.span!.file}:${d.span!.line}:${d.span!.col}`)).toEqual(["unknown-scheduler bad.lvsh:2:13"]);
    expect(s.render(r.diagnostics)).toContain("bad.lvsh:2:13: error: unknown scheduler `rrr`\nservice :80 rrr\n");
    expect(out).toEqual([]);
  });

  it("refuses a file it cannot read, and session statements in the file", async () => {
    const { s } = session({ "run.lvsh": `${SEED}\ncommit\n` });
    expect((await s.run("load nothere.lvsh", "<1>")).diagnostics.map((d) => [d.code, d.span!.col])).toEqual([["load-failed", 6]]);
    const r = await s.run("load run.lvsh", "<2>");
    expect(r.diagnostics.map((d) => `${d.code} ${d.span!.file}:${d.span!.line}`)).toEqual(["load-not-config run.lvsh:2"]);
  });

  it("reads relative paths from the current directory, and commits what it loaded (built lvsh, simulated target)", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-load-"));
    writeFileSync(join(dir, "seed.lvsh"), `${SEED.replace(/; /g, "\n")}\n`);
    const state = freshStateDir();
    const r = sim(state, ["-y", "-c", "load seed.lvsh; commit"], { cwd: dir });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("commit complete: revision 1, 12 steps on 3 hosts");
    const again = sim(state, ["--dry-run", "-c", "clear; load seed.lvsh"], { cwd: dir });
    expect(again.out).toContain("# lvsh plan: no step;");
  });
});
