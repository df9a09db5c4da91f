// node scripts/snapshot.mjs [DIR]: makes the V8 startup snapshots in DIR
// (default: dist/, or the directory of this file when it is
// dist/snapshot.mjs): DIR/lvsh.blob of DIR/lvsh-snapshot.cjs, the whole
// program, and DIR/lvsh-complete.blob of DIR/lvsh-complete.cjs, which
// answers `lvsh __complete` alone; and DIR/lvsh.node, which says what they
// were made with: node's path (the file's modification time is node's) and
// this CPU's flags. V8 refuses a snapshot made with another node or on
// another CPU, so the launcher (DIR/lvsh) uses them only when both agree,
// and otherwise starts the plain bundle. `npm run build` runs this; run it
// again (`node dist/snapshot.mjs`) on a machine that got dist/ from elsewhere.
import { spawn } from "node:child_process";
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
/** Makes the snapshot of DIR/NAME.cjs into BLOB: undefined, or why not. */
function make(name, blob) {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", join(dir, `${name}.cjs`)], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", (e) => done(String(e)));
    child.on("close", (code) => {
      if (code === 0) return done(undefined);
      rmSync(blob, { force: true });
      done(out.trim().split("\n").slice(0, 5).join("\n") || `exit ${code}`);
    });
  });
}

// both at once (each is one process, one core)
const completeBlob = join(dir, "lvsh-complete.blob");
rmSync(completeBlob, { force: true });
const [failed, completeFailed] = await Promise.all([
  make("lvsh-snapshot", blob),
  existsSync(join(dir, "lvsh-complete.cjs")) ? make("lvsh-complete", completeBlob) : "no lvsh-complete.cjs",
]);
if (failed) {
  rmSync(completeBlob, { force: true });
  process.stderr.write(`snapshot: none made (lvsh starts from ${join(dir, "lvsh.mjs")}, slower): ${failed}\n`);
  process.exit(0);
}
// without it, `lvsh __complete` starts from lvsh.blob
if (completeFailed) process.stderr.write(`snapshot: no ${completeBlob} (Tab starts from ${blob}, slower): ${completeFailed}\n`);
writeFileSync(stamp, `${process.execPath}\n${cpuFlags()}\n`);
const st = statSync(process.execPath);
utimesSync(stamp, st.atime, st.mtime);
