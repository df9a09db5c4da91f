/** Writes grammar/README.md, grammar/diagrams.html and src/lang/cst.d.ts from the parser. */
import { writeFileSync } from "node:fs";
import { cstDts, diagramsHtml, grammarMarkdown } from "../src/lang/index.js";

writeFileSync("grammar/README.md", grammarMarkdown());
writeFileSync("grammar/diagrams.html", diagramsHtml());
writeFileSync("src/lang/cst.d.ts", cstDts());
console.log("wrote grammar/README.md, grammar/diagrams.html, src/lang/cst.d.ts");
