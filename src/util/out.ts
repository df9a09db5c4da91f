/**
 * Output written at once to fd 1 or 2, without making process.stdout: that
 * stream costs node 3-7 ms to set up (measured on a Tab, whose answer bash
 * reads through a pipe, and on `lvsh --dry-run -c`). What the fd will not
 * take now (a non-blocking pipe that is full) goes through the stream,
 * after what was written, and so does everything after it on that fd, in
 * order; a reader that has gone (EPIPE) gets nothing more.
 */
import { writeSync } from "node:fs";

const viaStream = new Set<number>();

export function writeNow(fd: 1 | 2, text: string): void {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  if (viaStream.has(fd)) {
    stream().write(text);
    return;
  }
  const buf = Buffer.from(text, "utf8");
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(fd, buf, off);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EPIPE") return;
    if (code !== "EAGAIN") throw e;
    viaStream.add(fd);
    stream().write(buf.subarray(off));
  }
}
