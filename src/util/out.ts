/**
 * Output written at once to fd 1 or 2, without making process.stdout: that
 * stream costs node 3-7 ms to set up (measured on a Tab, whose answer bash
 * reads through a pipe, and on `lvsh --dry-run -c`), and, once a pipe is
 * full, queues what follows, so that stdout and stderr going to one pipe
 * (`2>&1`) came out spliced mid-line. Here every write is whole and in
 * order: an fd that will not take more now (a non-blocking pipe that is
 * full) is waited for. A reader that has gone (EPIPE) gets nothing more,
 * quietly; another error (ENOSPC: `>/dev/full`) is said once on stderr, and
 * that fd gets nothing more. Neither changes lvsh's exit status: what it
 * did (a commit) is done.
 */
import { writeSync } from "node:fs";

const broken = new Set<number>();

/** A pause of MS without a busy loop (Atomics.wait), made when first needed: a startup snapshot is built without SharedArrayBuffer. */
let cell: Int32Array | undefined;
function sleep(ms: number): void {
  if (typeof SharedArrayBuffer === "undefined") {
    const end = Date.now() + ms;
    while (Date.now() < end);
    return;
  }
  cell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(cell, 0, 0, ms);
}

export function writeNow(fd: 1 | 2, text: string | Uint8Array): void {
  if (broken.has(fd)) return;
  const buf = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  let off = 0;
  let waits = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
      waits = 0;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      if (code === "EAGAIN") {
        // the reader is behind: 1 ms, then up to 50 ms at a time
        sleep(Math.min(50, ++waits));
        continue;
      }
      broken.add(fd);
      if (code !== "EPIPE" && fd === 1) writeNow(2, `lvsh: cannot write to standard output (${code}): the rest of it is lost\n`);
      return;
    }
  }
}
