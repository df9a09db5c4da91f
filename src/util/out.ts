/**
 * Output written at once to fd 1 or 2, without making process.stdout: that
 * stream costs node about 6 ms to set up when stdout is a pipe (measured on
 * a Tab, whose answer bash reads through one: a fifth of `node -e 0`).
 * What the fd will not take now (a non-blocking pipe that is full) goes
 * through the stream, after what was written; a reader that has gone
 * (EPIPE) gets nothing more, as with the stream.
 */
import { writeSync } from "node:fs";

export function writeNow(fd: 1 | 2, text: string): void {
  const buf = Buffer.from(text, "utf8");
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(fd, buf, off);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EPIPE") return;
    if (code !== "EAGAIN") throw e;
    (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(off));
  }
}
