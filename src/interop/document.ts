/**
 * What an export produces: one or more documents (a keepalived.conf per
 * director, a script per host ...). One document goes to stdout or to a
 * file; several go to a directory, one file each, or to stdout one after
 * the other under `# ==> NAME <==` lines (like `head` with many files).
 */
export interface Document {
  /** The file name it is written under. */
  readonly name: string;
  readonly text: string;
  /** The host it is for, when it is for one. */
  readonly host?: string;
}

export function concatDocuments(docs: readonly Document[]): string {
  if (docs.length === 1) return docs[0]!.text;
  return docs.map((d) => `# ==> ${d.name} <==\n${d.text}`).join("\n");
}
