/**
 * lvsh's own files (revisions, the journal, the lock, simulated hosts), read
 * and written so that a crash, a full disk or someone else's file cannot
 * turn into a wrong plan:
 *
 * - writes go to a temporary file with a random name, created exclusively
 *   (O_EXCL: a planted file or symbolic link there is never followed or
 *   overwritten), fsync'ed, renamed over the target, and the directory
 *   fsync'ed: the target holds the old content or the new, whole;
 * - reads never follow a symbolic link (O_NOFOLLOW), and a file that is not
 *   a regular file, is empty or is not valid JSON is a StateFileError that
 *   names it, never a silent `undefined` or a stack trace.
 *
 * Named points (`point`) mark the moments between the steps of a write, so
 * that a test can stop lvsh there (LVSH_TEST_INJECT=kill-at:POINT): nothing
 * happens at them otherwise.
 */
import { closeSync, constants, fsyncSync, linkSync, lstatSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";

/** A file of lvsh's state that cannot be used as it is: where, what, and what to do. */
export class StateFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly hint?: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "StateFileError";
  }
}

let pointHook: ((name: string) => void) | undefined;

/** Installs what happens at the named points (a test's fault injection); none by default. */
export function setPointHook(hook: ((name: string) => void) | undefined): void {
  pointHook = hook;
}

/** A named moment of a transaction or a write (`revision:synced`, `journal:removed` ...). */
export function point(name: string): void {
  pointHook?.(name);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // some file systems cannot fsync a directory; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface WriteOptions {
  /** Names the points passed on the way: `LABEL:synced` (the temporary file is on disk, the target unchanged) and `LABEL:renamed` (the target holds the new content). */
  readonly label?: string;
  /** Never replace an existing file: EEXIST instead (a hard link, not a rename). */
  readonly exclusive?: boolean;
  /**
   * false: atomic (readers see the old content or the new) but not synced to
   * disk -- for a simulated host's file, a model that a power cut may take
   * back one change of (a process kill loses nothing). Default true.
   */
  readonly durable?: boolean;
}

/** Writes text to path atomically and durably. */
export function writeFileAtomic(path: string, text: string, opts: WriteOptions | string = {}): void {
  const { label, exclusive, durable = true } = typeof opts === "string" ? { label: opts, exclusive: false } : opts;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    try {
      writeSync(fd, text);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (label) point(`${label}:synced`);
    if (exclusive) {
      linkSync(tmp, path);
      unlinkSync(tmp);
    } else renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never made, or renamed */
    }
    throw e;
  }
  if (durable) fsyncDir(dir);
  if (label) point(`${label}:renamed`);
}

/** Writes a value as JSON (indented for people; `compact`: on one line, for large files only lvsh reads, as a journal of 10,000 steps). */
export function writeJsonAtomic(path: string, value: unknown, opts: WriteOptions | string = {}, compact = false): void {
  writeFileAtomic(path, (compact ? JSON.stringify(value) : JSON.stringify(value, null, 1)) + "\n", opts);
}

/** Removes a file and makes the removal durable; a missing file is fine. */
export function removeFile(path: string, label?: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    return;
  }
  fsyncDir(dirname(path));
  if (label) point(`${label}:removed`);
}

/** A state file's text, or undefined when there is none; never through a symbolic link. */
export function readStateFile(path: string): string | undefined {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StateFileError(path, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (st.isSymbolicLink()) {
    throw new StateFileError(path, "is a symbolic link; lvsh does not follow links in its state directory", "someone else made it: look at where it points, then remove it");
  }
  if (st.isDirectory()) throw new StateFileError(path, "is a directory where lvsh keeps a file", "move it away; lvsh writes this file itself");
  if (!st.isFile()) throw new StateFileError(path, "is not a regular file", "move it away; lvsh writes this file itself");
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StateFileError(path, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** A JSON state file, parsed; undefined when there is none. Empty or broken JSON is a StateFileError. */
export function readJson<T>(path: string): T | undefined {
  const text = readStateFile(path);
  if (text === undefined) return undefined;
  if (text.trim() === "") throw new StateFileError(path, "is empty (a write cut short, or a full disk?)");
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new StateFileError(path, `is not valid JSON (${(e as Error).message}); it may have been cut short`);
  }
}
