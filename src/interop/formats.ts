/**
 * The output formats, one row each: what `lvsh export --format` and `lvsh
 * save --format` (and the `save ... format` statement) accept, what each
 * is, for help and completion. A leaf module: the command-line tables (the
 * small chunk every Tab loads) read it too.
 */
export interface Format {
  readonly name: string;
  /** In a few words, for help and completion. */
  readonly summary: string;
  readonly export: boolean;
  readonly save: boolean;
}

export const formats = [
  { name: "lvsh", summary: "lvsh's own source, with a unit that applies it at boot", export: false, save: true },
  { name: "ipvsadm", summary: "what ipvsadm -R loads (and the distribution's ipvsadm service restores)", export: true, save: true },
  { name: "arptables", summary: "per real server, what arptables-restore loads", export: true, save: false },
  { name: "sh", summary: "per host, a POSIX script of the commands, and its undo script", export: true, save: false },
  { name: "keepalived", summary: "keepalived.conf (per director with a director pair)", export: true, save: false },
  { name: "json", summary: "the model as JSON", export: true, save: false },
] as const satisfies readonly Format[];

export type ExportFormat = Extract<(typeof formats)[number], { export: true }>["name"];
export type SaveFormat = Extract<(typeof formats)[number], { save: true }>["name"];

export const exportFormats: readonly Format[] = formats.filter((f) => f.export);
export const saveFormats: readonly Format[] = formats.filter((f) => f.save);
export const names = (fs: readonly Format[]): string[] => fs.map((f) => f.name);
