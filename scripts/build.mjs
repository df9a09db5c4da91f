// Bundles lvsh into dist/ with esbuild: one file to start fast (chevrotain
// unbundled costs ~250 ms at start-up, bundled a few ms), then a V8 startup
// snapshot of it (dist/lvsh.blob), which the launcher dist/lvsh starts from:
// no module to load and the parser already built (~3x faster to start
// natively, ~15x under the lab's emulated CPU).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";

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

// The startup snapshot: node --build-snapshot takes one CommonJS file that
// requires only node's own modules.
await build({
  ...common,
  format: "cjs",
  banner: {},
  entryPoints: { "lvsh-snapshot": "src/cli/snapshot.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  minify: true,
});
copyFileSync("scripts/snapshot.mjs", "dist/snapshot.mjs");
spawnSync(process.execPath, ["dist/snapshot.mjs", "dist"], { stdio: "inherit" });
writeFileSync("dist/lvsh", readFileSync("scripts/launcher.sh", "utf8"));
chmodSync("dist/lvsh", 0o755);
