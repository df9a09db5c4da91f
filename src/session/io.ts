/** What a front end (the command line, the shell) gives a session: its output streams, files, a terminal. */
import { readFile } from "node:fs/promises";
import { isatty } from "node:tty";
import { writeNow } from "../util/index.js";

export interface FrontIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
  /** A terminal to ask on, when there is one. */
  readonly tty: boolean;
  /** The terminal's width, read when asked (it changes when the window does). */
  readonly columns?: number;
  /** The terminal's height, read when asked. */
  readonly rows?: number;
  /** How a live view (`watch`) is left: see SessionIO.live. */
  readonly live?: (stop: () => void) => () => void;
}

/** This process's standard output and error (written at once: util/out.ts). */
export const processIO: FrontIO = {
  stdout: (t) => writeNow(1, t),
  stderr: (t) => writeNow(2, t),
  readFile: (p) => readFile(p, "utf8"),
  // getters: read when asked, not when the module loads (the startup snapshot loads it at build time)
  get tty() {
    // what process.stdin.isTTY says, without making process.stdin (a stream) where no prompt may come
    return isatty(0) && isatty(1);
  },
  // process.stdout (a stream, slow to make) only on a terminal
  get columns() {
    return isatty(1) ? process.stdout.columns : undefined;
  },
  get rows() {
    return isatty(1) ? process.stdout.rows : undefined;
  },
};
