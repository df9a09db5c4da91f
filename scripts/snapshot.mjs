// node scripts/snapshot.mjs [DIR]: makes DIR/lvsh.blob (default: dist/, or
// the directory of this file when it is dist/snapshot.mjs), the
// V8 startup snapshot of DIR/lvsh-snapshot.cjs, and DIR/lvsh.node, which
// says what it was made with: node's path (the file's modification time is
// node's) and this CPU's flags. V8 refuses a snapshot made with another node
// or on another CPU, so the launcher (DIR/lvsh) uses it only when both agree,
// and otherwise starts the plain bundle. `npm run build` runs this; run it
// again (`node dist/snapshot.mjs`) on a machine that got dist/ from elsewhere.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? (existsSync(join(here, "lvsh-snapshot.cjs")) ? here : "dist");
const blob = join(dir, "lvsh.blob");
const stamp = join(dir, "lvsh.node");
rmSync(stamp, { force: true });

/** The first `flags` line of /proc/cpuinfo, as the launcher reads it. */
function cpuFlags() {
  try {
    return readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("flags")) ?? "";
  } catch {
    return "";
  }
}

// V8 options change the snapshot's checksum: none here (NODE_OPTIONS of the
// caller, e.g. a test runner's), and the launcher uses it only without any
const env = { ...process.env };
delete env.NODE_OPTIONS;
const snap = spawnSync(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", join(dir, "lvsh-snapshot.cjs")], { encoding: "utf8", env });
if (snap.status !== 0) {
  rmSync(blob, { force: true });
  process.stderr.write(`snapshot: none made (lvsh starts from ${join(dir, "lvsh.mjs")}, slower): ${(snap.stderr || snap.stdout || String(snap.error)).trim().split("\n").slice(0, 5).join("\n")}\n`);
  process.exit(0);
}
writeFileSync(stamp, `${process.execPath}\n${cpuFlags()}\n`);
const st = statSync(process.execPath);
utimesSync(stamp, st.atime, st.mtime);
