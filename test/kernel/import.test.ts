/**
 * lvsh import against the real kernel (guest/scenario-import.sh): each
 * director script of the corpus from the wild that builds rules on its own
 * is run in a namespace; `lvsh import` of that live director and `lvsh
 * import --from` of the script, each exported by lvsh as ipvsadm rules and
 * restored by the kernel's own `ipvsadm -R` into a fresh namespace, give the
 * script's own `ipvsadm -Sn`.
 */
import { describe, expect, inject, it } from "vitest";
import { ran, scenario, titled } from "./lab.js";

const lab = inject("lab");

interface ImportRun {
  exit: number;
  stdout: string;
  stderr: string;
  ms: number;
}

interface ExportRun extends ImportRun {
  restore_exit: number;
  restore_stderr: string;
}

interface FileResult {
  id: string;
  run: { exit: number; stderr: string; ms: number };
  /** How many rules the script left in the kernel (0: it does not run on its own). */
  rules: number;
  src?: string;
  import_live?: ImportRun;
  import_file?: ImportRun;
  export_live?: ExportRun;
  export_file?: ExportRun;
  /** The two imports are the same statements (comments aside): one export made both tables. */
  same_text?: boolean;
  live?: string;
  file?: string;
}

interface ImportResult {
  skipped?: string;
  corpus?: string;
  files?: FileResult[];
}

/**
 * Scripts whose rules `import --from` does not take, on purpose (as in
 * test/interop/wild.test.ts's KNOWN): their --from import must differ from
 * the kernel, so that a fix takes them off the list.
 */
const KNOWN_FROM: ReadonlyMap<string, string> = new Map([["sh/07-13242084001-nat-init.sh", "its rules run inside `if [ ! -e LOCK ]`: noted, not guessed"]]);

const result = (): ImportResult => scenario<ImportResult>(lab, "import");
const applicable = (): FileResult[] => (result().files ?? []).filter((f) => f.rules > 0);

describe.skipIf(!ran(lab, "import"))(titled(lab, "lab: import of the corpus' director scripts, proven on the kernel"), () => {
  it("ran over the corpus (or says why not)", () => {
    const r = result();
    if (r.skipped) {
      console.log(`lab: import: skipped: ${r.skipped}`);
      return;
    }
    const files = r.files ?? [];
    const lines = files.map((f) => `  ${f.id.padEnd(40)} ${f.rules ? `${f.rules} rules: live ${f.live === f.src ? "same" : "DIFFERS"}, --from ${f.file === f.src ? "same" : "DIFFERS"}${f.same_text ? " (the two imports are the same statements)" : ""}` : `no rule of its own (exit ${f.run.exit}${f.run.stderr ? `: ${f.run.stderr.split("\n")[0]}` : ""})`}`);
    console.log(`lab: import: ${applicable().length} of ${files.length} director scripts build rules on their own:\n${lines.join("\n")}`);
    // the corpus holds a dozen director scripts that run alone (DR, NAT, TUN, UDP, combined options, sudo, service names)
    expect(applicable().length).toBeGreaterThanOrEqual(8);
  });

  it("imports each live director and each script, exit 0", () => {
    const problems: string[] = [];
    for (const f of applicable()) {
      if (f.import_live!.exit !== 0) problems.push(`${f.id}: lvsh import (live) exited ${f.import_live!.exit}: ${f.import_live!.stderr}`);
      if (f.import_file!.exit !== 0 && !KNOWN_FROM.has(f.id)) problems.push(`${f.id}: lvsh import --from exited ${f.import_file!.exit}: ${f.import_file!.stderr}`);
    }
    expect(problems).toEqual([]);
  });

  it("exports each import as rules the kernel's ipvsadm -R takes, silently", () => {
    const problems: string[] = [];
    for (const f of applicable()) {
      for (const [what, e] of [["live", f.export_live!], ...(KNOWN_FROM.has(f.id) ? [] : [["--from", f.export_file!] as const])] as const) {
        if (e.exit !== 0) problems.push(`${f.id}: export of the ${what} import exited ${e.exit}: ${e.stderr}`);
        if (e.restore_exit !== 0 || e.restore_stderr.trim()) problems.push(`${f.id}: ipvsadm -R of the ${what} import's export: exit ${e.restore_exit}: ${e.restore_stderr}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("gives the script's own ipvsadm -Sn, from the live director and from the file", () => {
    const problems: string[] = [];
    for (const f of applicable()) {
      if (f.live !== f.src) problems.push(`${f.id}: live import\n--- script\n${f.src}\n--- lvsh\n${f.live}`);
      const known = KNOWN_FROM.get(f.id);
      if (known && f.file === f.src) problems.push(`${f.id}: import --from now gives the script's table: take it off KNOWN_FROM (${known})`);
      if (!known && f.file !== f.src) problems.push(`${f.id}: import --from\n--- script\n${f.src}\n--- lvsh\n${f.file}`);
    }
    expect(problems).toEqual([]);
  });
});
