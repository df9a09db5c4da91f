/** Prints the grammar table for content assist (src/lang/assist-table.ts) as JSON: the build writes it into dist/lvsh-words.cjs. */
import { assistTable } from "../src/lang/assist-table.js";

process.stdout.write(JSON.stringify(assistTable()));
