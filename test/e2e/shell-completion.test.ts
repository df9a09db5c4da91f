/**
 * bash and zsh completion of the lvsh command, in real interactive shells
 * (tmux): the generated scripts, loaded as the README says, complete
 * subcommands, option values and statements inside -c '...'.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bashScript, zshScript } from "../../src/cli/completion.js";
import { freshStateDir } from "../helpers/sim.js";
import { Tmux, tmuxUnavailable } from "../helpers/tmux.js";

const has = (p: string) => spawnSync("sh", ["-c", `command -v ${p}`]).status === 0;

/** A state directory with two committed revisions of the simulated target. */
function committed(): string {
  const state = freshStateDir();
  for (const script of ["vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3; arp hide on rs; commit", "vip 172.25.254.10; service :80; set rs .2 weight 3; commit"]) {
    const r = spawnSync(resolve("dist/lvsh"), ["--sim", "-y", "-c", script], { encoding: "utf8", env: { ...process.env, LVSH_STATE_DIR: state } });
    expect(r.status, r.stderr).toBe(0);
  }
  return state;
}

function sandbox(): { dir: string; bin: string } {
  const dir = mkdtempSync(join(tmpdir(), "lvsh-shell-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(resolve("dist/lvsh"), join(bin, "lvsh"));
  writeFileSync(join(dir, "seed.lvsh"), "vip 172.25.254.10 on eth0\n");
  return { dir, bin };
}

let term: Tmux | undefined;
afterEach(() => term?.kill());

describe("the completion scripts", () => {
  it("are the generated ones (completions/ is up to date)", () => {
    expect(readFileSync("completions/lvsh.bash", "utf8")).toBe(bashScript);
    expect(readFileSync("completions/_lvsh", "utf8")).toBe(zshScript);
    const r = spawnSync(resolve("dist/lvsh"), ["completion", "bash"], { encoding: "utf8" });
    expect(r.stdout).toBe(bashScript);
  });
});

const noBash = tmuxUnavailable() ?? (has("bash") ? undefined : "bash is not installed");
describe.skipIf(noBash !== undefined)(`in bash${noBash ? ` (skipped: ${noBash})` : ""}`, () => {
  async function bash(state = freshStateDir()): Promise<Tmux> {
    const { dir, bin } = sandbox();
    writeFileSync(join(dir, ".bashrc"), `PS1='$ '\nexport PATH=${bin}:$PATH\nsource <(lvsh completion bash)\n`);
    term = new Tmux(`cd ${dir} && bash --rcfile ${dir}/.bashrc -i`, { LVSH_STATE_DIR: state });
    await term.waitFor(/^\$\s*$/m);
    return term;
  }

  it("completes `lvsh comp` to `completion`, and `lvsh completion ` to bash zsh", async () => {
    const t = await bash();
    t.type("lvsh comp", "Tab");
    expect(await t.waitFor(/\$ lvsh completion\s*$/m)).toMatch(/\$ lvsh completion\s*$/m);
    t.keys("Tab", "Tab");
    expect(await t.waitFor(/bash\s+zsh/)).toMatch(/bash\s+zsh/);
  });

  it("completes option values, .lvsh files, and statements inside -c", async () => {
    const t = await bash();
    t.type("lvsh --target ", "Tab", "Tab");
    expect(await t.waitFor(/local\s+sim/)).toMatch(/local\s+sim/);
    t.keys("C-u");
    t.type("lvsh se", "Tab");
    expect(await t.waitFor(/\$ lvsh seed\.lvsh\s*$/m)).toMatch(/lvsh seed\.lvsh/);
    t.keys("C-u");
    t.type("lvsh -c 'vip 1.2.3.4; service :80 rr persis", "Tab");
    expect(await t.waitFor(/persistent/)).toMatch(/service :80 rr persistent/);
  });

  it("inside -c '...' completes a word with its space and the quote left open; a list shows the words alone", async () => {
    const t = await bash();
    t.type("lvsh -c 'vip 172.25.254.10 on eth", "Tab");
    await t.waitFor(/on eth0/);
    t.type("X");
    expect(await t.waitFor(/\$ lvsh -c 'vip 172\.25\.254\.10 on eth0 X\s*$/m)).not.toMatch(/eth0'/);
    t.keys("C-u");
    t.type("lvsh -c 'vip 1.2.3.4; service :80 w", "Tab", "Tab");
    const list = await t.waitFor(/^wlc\s+wrr\s*$/m);
    expect(list).not.toMatch(/service :80 wlc/);
  });

  it("completes show diff with the committed revisions, show rs with the real servers, each subcommand's options", async () => {
    const t = await bash(committed());
    t.type("lvsh --sim show diff ", "Tab", "Tab");
    expect(await t.waitFor(/^1\s+2\s*$/m)).toMatch(/^1\s+2\s*$/m);
    t.keys("C-u");
    t.type("lvsh --sim show rs ", "Tab", "Tab");
    expect(await t.waitFor(/^172\.25\.254\.2\s+172\.25\.254\.3\s+json\s*$/m)).toBeTruthy();
    t.keys("C-u");
    t.type("lvsh -c 'show diff ", "Tab", "Tab");
    expect(await t.waitFor(/^1\s+2\s*$/m)).not.toMatch(/'show diff 1/);
    t.keys("C-u");
    t.type("lvsh import --", "Tab", "Tab");
    const imp = await t.waitFor(/--from/);
    expect(imp.slice(imp.lastIndexOf("$ lvsh import --"))).not.toMatch(/--command|--format/);
    t.keys("C-u");
    t.type("lvsh --", "Tab", "Tab");
    const global = await t.waitFor(/\$ lvsh --\s*\n[^$]*--command/);
    expect(global.slice(global.lastIndexOf("$ lvsh --"))).not.toMatch(/--from|--format/);
  });
});

const noZsh = tmuxUnavailable() ?? (has("zsh") ? undefined : "zsh is not installed");
describe.skipIf(noZsh !== undefined)(`in zsh${noZsh ? ` (skipped: ${noZsh})` : ""}`, () => {
  async function zsh(state = freshStateDir()): Promise<Tmux> {
    const { dir, bin } = sandbox();
    writeFileSync(join(dir, ".zshrc"), `PS1='%% '\nexport PATH=${bin}:$PATH\nautoload -Uz compinit && compinit -u\nsource <(lvsh completion zsh)\n`);
    term = new Tmux(`cd ${dir} && ZDOTDIR=${dir} zsh -i`, { LVSH_STATE_DIR: state });
    await term.waitFor(/^%\s*$/m);
    return term;
  }

  it("completes subcommands and their values", async () => {
    const t = await zsh();
    t.type("lvsh comp", "Tab");
    expect(await t.waitFor(/% lvsh completion\s*$/m)).toMatch(/lvsh completion/);
    t.keys("Tab");
    expect(await t.waitFor(/bash\s+zsh/)).toMatch(/bash\s+zsh/);
  });

  it("completes statements inside -c '...'", async () => {
    const t = await zsh();
    t.type("lvsh -c 'vip 1.2.3.4; service :80 w", "Tab");
    expect(await t.waitFor(/^wlc\s+-- weighted least-connection/m)).toMatch(/^wrr\s+-- weighted round robin/m);
    t.keys("C-u");
    t.type("lvsh -c 'vip 172.25.254.10 on eth", "Tab");
    await t.waitFor(/on eth0/);
    t.type("X");
    expect(await t.waitFor(/% lvsh -c 'vip 172\.25\.254\.10 on eth0 X\s*$/m)).not.toMatch(/eth0'/);
  });

  it("shows each candidate with its description", async () => {
    const t = await zsh(committed());
    t.type("lvsh ", "Tab");
    expect(await t.waitFor(/completion\s+-- print the bash or zsh completion script/)).toMatch(/check\s+-- validate scripts/);
    t.keys("C-u");
    t.type("lvsh -c 'vip 172.25.254.10; service :80 ", "Tab");
    expect(await t.waitFor(/persistent\s+-- /)).toMatch(/wrr\s+-- /);
    t.keys("C-u");
    t.type("lvsh --sim show diff ", "Tab");
    expect(await t.waitFor(/^(1\s+2|2\s+1)\s+-- revision/m)).toBeTruthy();
  });
});
