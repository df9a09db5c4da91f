/** `lvsh import`, `lvsh export`, `lvsh save`: the interop and persistence commands. */
import type { SaveFormat } from "../interop/formats.js";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { emptyHost, type Config, type Desired } from "../model/index.js";
import {
  concatDocuments,
  describeNote,
  exportConfig,
  hostDefsOf,
  importFiles,
  importScript,
  importState,
  saveCommitted,
  type Document,
  type ExportFormat,
  type Note,
  type SourceFile,
} from "../interop/index.js";
import { openSite, openSession, Session, type FrontIO } from "../session/index.js";
import type { Invocation } from "./args.js";
import { selfCommand } from "../util/self.js";

type Of<K extends Invocation["kind"]> = Extract<Invocation, { kind: K }>;

async function readAll(io: FrontIO, files: readonly string[]): Promise<SourceFile[] | undefined> {
  const out: SourceFile[] = [];
  for (const name of files) {
    try {
      out.push({ name, text: await io.readFile(name) });
    } catch (e) {
      io.stderr(`lvsh: cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return undefined;
    }
  }
  return out;
}

function warnNotes(io: FrontIO, what: string, notes: readonly Note[]): void {
  for (const n of notes) io.stderr(`lvsh: ${what}: ${n.kind === "lost" ? "warning" : "note"}: ${describeNote(n)}\n`);
}

/** `lvsh import --from FILE...`: files; `lvsh import [--rs ADDR]...`: the running hosts. */
export async function importCmd(inv: Of<"import">, io: FrontIO): Promise<number> {
  if (inv.from.length) {
    const files = await readAll(io, inv.from);
    if (!files) return 2;
    const r = importFiles(files);
    if ("error" in r) {
      for (const line of r.error.split("\n")) io.stderr(`lvsh: import: ${line}\n`);
      return 1;
    }
    warnNotes(io, "import", r.notes);
    const reals = [...r.config.services.values()].reduce((n, s) => n + s.reals.size, 0);
    const summary = `lvsh: import: ${r.config.services.size} service(s), ${reals} real server(s), ${r.notes.length} note(s)\n`;
    if (r.nothing !== undefined) {
      io.stderr(`lvsh: import: nothing imported: ${r.nothing}\n${summary}`);
      return 1;
    }
    io.stdout(importScript(r, inv.from.join(", ")));
    io.stderr(summary);
    return 0;
  }
  const { session } = await openSession(io, { target: inv.target, yes: inv.yes, write: io.stderr, lvshCommand: selfCommand() });
  try {
    const site = session.site!;
    const extra: Desired = {
      state: { hosts: Object.fromEntries(inv.rs.map((h) => [h, emptyHost])) },
      origins: new Map(),
      hosts: new Map(inv.rs.map((h) => [h, { kind: "ssh", user: "root", host: h } as const])),
    };
    const view = site.hosts([extra]);
    const read = await site.read(view);
    const failed = read.errors.map((e): Note => ({ source: e.host, kind: "lost", text: `cannot read it (${site.executor(e.host).describe}): \`${e.command}\`: ${e.message}` }));
    const notes = [...failed, ...read.notes.map((n): Note => ({ source: n.host ?? "read", kind: "lost", text: n.message }))];
    warnNotes(io, "import", notes);
    if (read.errors.some((e) => e.host === "director")) return 1;
    const r = importState(read.state, hostDefsOf(Object.fromEntries(view.transports)), notes);
    const hosts = view.specs.map((s) => s.host);
    io.stdout(importScript(r, `the running state of ${hosts.join(", ")} (${session.opts.site?.target === "sim" ? "simulated" : "real hosts"})`));
    return 0;
  } finally {
    await session.close();
  }
}

/** Writes documents: one to a file or stdout; many into a directory or to stdout one after the other. */
function emit(io: FrontIO, docs: readonly Document[], to: string | undefined): number {
  if (!docs.length) return 0;
  if (to === undefined) {
    io.stdout(concatDocuments(docs));
    return 0;
  }
  const isDir = (() => {
    try {
      return statSync(to).isDirectory();
    } catch {
      return false;
    }
  })();
  try {
    if (docs.length === 1 && !isDir && !to.endsWith("/")) {
      writeFileSync(to, docs[0]!.text);
      io.stderr(`lvsh: export: wrote ${to}\n`);
      return 0;
    }
    mkdirSync(to, { recursive: true });
    for (const d of docs) {
      writeFileSync(join(to, d.name), d.text);
      io.stderr(`lvsh: export: wrote ${join(to, d.name)}\n`);
    }
    return 0;
  } catch (e) {
    io.stderr(`lvsh: export: cannot write ${to}: ${(e as Error).message}\n`);
    return 1;
  }
}

/** The configuration to export: a script's (from an empty configuration), or the target's last revision. */
async function exportSource(inv: Of<"export">, io: FrontIO): Promise<{ config: Config; source: string } | number> {
  if (inv.file) {
    const [file] = (await readAll(io, [inv.file])) ?? [];
    if (!file) return 2;
    const session = new Session({ io: { write: () => {} } });
    const r = session.evaluateSource(file.text, file.name);
    if (r.diagnostics.length) io.stderr(session.render(r.diagnostics) + "\n");
    if (r.diagnostics.some((d) => d.severity === "error")) {
      io.stderr(`lvsh: export: ${file.name} has errors; nothing was exported\n`);
      return 1;
    }
    return { config: r.candidate, source: file.name };
  }
  const { site, choice } = await openSite(inv.target);
  try {
    const rev = site.latest();
    if (!rev) {
      io.stderr(`lvsh: export: nothing has been committed on this target (${choice.target}); give a FILE.lvsh to export a script\n`);
      return 1;
    }
    return { config: site.revisionConfig(rev), source: `revision ${rev.number}` };
  } finally {
    await site.close();
  }
}

export async function exportCmd(inv: Of<"export">, io: FrontIO): Promise<number> {
  const src = await exportSource(inv, io);
  if (typeof src === "number") return src;
  const r = exportConfig(src.config, inv.format as ExportFormat, src.source);
  for (const n of r.notes) io.stderr(`lvsh: export: note: ${n}\n`);
  return emit(io, r.docs, inv.to);
}

export async function saveCmd(inv: Of<"save">, io: FrontIO): Promise<number> {
  const { session } = await openSession(io, { target: inv.target, yes: inv.yes, write: io.stderr, lvshCommand: selfCommand() });
  try {
    const ds = await saveCommitted(session.site!, {
      format: inv.format as SaveFormat,
      ...(inv.to ? { to: resolve(inv.to) } : {}),
      lvsh: session.opts.lvshCommand ?? selfCommand(),
      say: io.stdout,
    });
    if (ds.length) io.stderr(session.render(ds) + "\n");
    return ds.some((d) => d.severity === "error") ? 1 : 0;
  } finally {
    await session.close();
  }
}
