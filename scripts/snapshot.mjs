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
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
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

/**
 * Where the code cache of node's own modules starts in a snapshot blob, or
 * -1. Node ends a blob with it (SnapshotData::ToBlob: ..., env_info,
 * code_cache): a count, then for each module its id and its cache, each a
 * length and bytes, up to the end of the file. It is about 2.6 MB of every
 * blob, which node reads and copies at every start, and uses only to
 * compile one of its modules that the snapshot does not hold already: lvsh's
 * warmed paths load none (a module loaded later compiles from its source).
 */
function codeCacheStart(buf) {
  const n = buf.length;
  const u64 = (at) => (at + 8 <= n ? Number(buf.readBigUInt64LE(at)) : -1);
  const cacheToTheEnd = (p) => {
    const count = u64(p);
    if (count < 1 || count > 4096) return false;
    let at = p + 8;
    for (let i = 0; i < count; i++) {
      const id = u64(at);
      if (id < 1 || id > 128 || at + 8 + id > n) return false;
      at += 8;
      for (let k = at; k < at + id; k++) if (buf[k] < 0x21 || buf[k] > 0x7e) return false;
      at += id;
      const size = u64(at);
      if (size < 0 || at + 8 + size > n) return false;
      at += 8 + size;
    }
    return at === n;
  };
  for (let p = 0; p + 8 <= n; p++) {
    if (buf[p + 7] === 0 && buf[p + 6] === 0 && buf[p + 5] === 0 && buf[p + 4] === 0 && cacheToTheEnd(p)) return p;
  }
  return -1;
}

/**
 * Drops node's code cache from BLOB (an empty one in its place), kept only
 * when node still starts from it and answers CHECK as before; else the blob
 * stays whole. Undefined, or why not.
 */
function dropCodeCache(blob, check) {
  const whole = readFileSync(blob);
  const at = codeCacheStart(whole);
  if (at < 0) return "no code cache found where node 20 puts it";
  // a state directory of none: Tab reads one, and the machine's is not for a build to read
  const state = mkdtempSync(join(tmpdir(), "lvsh-snapshot-"));
  const answer = (file) =>
    spawnSync(process.execPath, ["--snapshot-blob", file, "--", ...check], { env: { ...env, LVSH_STATE_DIR: join(state, "none") }, encoding: "utf8", timeout: 60_000 });
  const before = answer(blob);
  writeFileSync(blob, Buffer.concat([whole.subarray(0, at), Buffer.alloc(8)]));
  const after = answer(blob);
  rmSync(state, { recursive: true, force: true });
  if (before.status === 0 && after.status === 0 && after.stdout === before.stdout && after.stdout) return undefined;
  writeFileSync(blob, whole);
  return `without it, \`lvsh ${check.join(" ")}\` answers ${JSON.stringify(after.stdout || after.stderr)}`;
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
for (const [file, check] of [
  [blob, ["--version"]],
  ...(completeFailed ? [] : [[completeBlob, ["__complete", "lvsh -c 'service :80 w", "'service :80 w"]]]),
]) {
  const kept = dropCodeCache(file, check);
  if (kept) process.stderr.write(`snapshot: ${file} keeps node's code cache (it starts slower): ${kept}\n`);
}
writeFileSync(stamp, `${process.execPath}\n${cpuFlags()}\n`);
const st = statSync(process.execPath);
utimesSync(stamp, st.atime, st.mtime);
