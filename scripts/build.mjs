// Bundles lvsh into dist/ with esbuild: one file to start fast (chevrotain
// unbundled costs ~250 ms at start-up, bundled a few ms), then V8 startup
// snapshots of it (dist/lvsh.blob, and dist/lvsh-complete.blob for Tab;
// scripts/snapshot.mjs), which the launcher dist/lvsh starts from: no module
// to load and the parser already built (~3x faster to start natively, ~15x
// under the lab's emulated CPU).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

/**
 * Edits of dependencies' code in the bundles (not in the tests, which run
 * the packages as published), each checked to apply: a new version of the
 * package fails the build until the edit is looked at again.
 */
const edits = {
  name: "lvsh-edits",
  setup(b) {
    const edit = (filter, change) =>
      b.onLoad({ filter }, async ({ path }) => ({ contents: change(await readFile(path, "utf8"), path), loader: "js" }));
    const replace = (src, path, from, to) => {
      if (!src.includes(from)) throw new Error(`${path}: the build's edit no longer applies (${JSON.stringify(from)} not found)`);
      return src.replace(from, to);
    };
    // Chevrotain's lexer maps a character code of 256 and up to its bucket
    // (255 + code / 255) through an array of all 65,536 codes, filled when
    // the first lexer is made: 512 kB of heap in every startup snapshot.
    // The same number, computed (an index past the array is still undefined).
    edit(/chevrotain[\\/]lib[\\/]src[\\/]scan[\\/]lexer\.js$/, (src, path) =>
      replace(
        replace(src, path, ": charCodeToOptimizedIdxMap[charCode];", ": charCode < 65536 ? 255 + ~~(charCode / 255) : undefined;"),
        path,
        "if (isEmpty(charCodeToOptimizedIdxMap)) {",
        "if (false) {",
      ),
    );
    // @inquirer/prompts: only the prompts lvsh asks with (src/repl/prompts.ts
    // names them). esbuild keeps a CommonJS package that an unused module
    // imports: the editor prompt's code pages (iconv-lite, chardet) were
    // half of the bundle.
    edit(/@inquirer[\\/]prompts[\\/]dist[\\/]esm[\\/]index\.js$/, (src, path) => {
      const unused = ["checkbox", "editor", "expand", "rawlist", "password", "search"];
      const lines = src.split("\n");
      const kept = lines.filter((l) => !unused.some((name) => l.startsWith("export ") && l.endsWith(` from '@inquirer/${name}';`)));
      if (lines.length - kept.length !== unused.length) throw new Error(`${path}: the build's edit no longer applies (the prompts it leaves out)`);
      return kept.join("\n");
    });
  },
};

rmSync("dist", { recursive: true, force: true });
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // LVSH_BUNDLED: Chevrotain skips its grammar self-checks in the bundle (the tests run them)
  define: { __LVSH_VERSION__: JSON.stringify(pkg.version), "process.env.LVSH_BUNDLED": '"1"' },
  // some bundled CommonJS code calls require(); give ESM output one
  banner: { js: "import { createRequire as __lvshCreateRequire } from 'node:module'; const require = __lvshCreateRequire(import.meta.url);" },
  logLevel: "warning",
  legalComments: "none",
  plugins: [edits],
};

// split: `lvsh __complete` (every Tab in bash/zsh) loads a few kB, not the parser
await build({
  ...common,
  entryPoints: { lvsh: "src/cli/entry.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  minify: true,
});
chmodSync("dist/lvsh.mjs", 0o755);

await build({
  ...common,
  entryPoints: { bench: "bench/run.ts", "gen-grammar": "scripts/gen-grammar.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
});

// The grammar as data for Tab's light completer (src/lang/assist-table.ts):
// printed by a throwaway bundle of the parser, written into lvsh-words.cjs
await build({ ...common, entryPoints: { "assist-table": "scripts/assist-table.ts" }, outdir: "dist", outExtension: { ".js": ".mjs" } });
const assist = spawnSync(process.execPath, ["dist/assist-table.mjs"], { encoding: "utf8", maxBuffer: 1 << 26 });
rmSync("dist/assist-table.mjs");
if (assist.status !== 0) throw new Error(`the grammar table for Tab could not be made: ${assist.stderr || assist.error}`);
JSON.parse(assist.stdout);

// The startup snapshots: node --build-snapshot takes one CommonJS file that
// requires only node's own modules. lvsh-complete is `lvsh __complete`'s
// alone (every Tab in bash and zsh): a smaller heap to start from.
await build({
  ...common,
  format: "cjs",
  banner: {},
  // a string JSON.parse reads: faster for V8 than the same object as a literal
  define: { ...common.define, __LVSH_ASSIST_JSON__: JSON.stringify(assist.stdout) },
  // lvsh-words: a Tab on command-line words, run by plain node (src/cli/complete-words.ts)
  entryPoints: { "lvsh-snapshot": "src/cli/snapshot.ts", "lvsh-complete": "src/cli/snapshot-complete.ts", "lvsh-words": "src/cli/complete-words.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  minify: true,
});
copyFileSync("scripts/snapshot.mjs", "dist/snapshot.mjs");
spawnSync(process.execPath, ["dist/snapshot.mjs", "dist"], { stdio: "inherit" });
writeFileSync("dist/lvsh", readFileSync("scripts/launcher.sh", "utf8"));
chmodSync("dist/lvsh", 0o755);
