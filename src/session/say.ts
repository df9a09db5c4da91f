/** Prose to the user, wrapped to the terminal. */
import { wrapText } from "../util/index.js";
import type { SessionIO } from "./commands.js";

/** A line of prose (not a table, a plan or a progress line): wrapped between words to the terminal's width. */
export function say(io: Pick<SessionIO, "write" | "columns">, text: string): void {
  io.write(wrapText(text, io.columns) + "\n");
}
