/** The keepalived export: the rendering is the model's (a commit with `engine keepalived` writes the same files). */
export { keepalivedDocs, type KeepalivedExport } from "../model/index.js";
