/**
 * The real-kernel lab from the tests' side: whether this machine can run it,
 * what global-setup.ts hands the tests, and reading a scenario's JSON.
 * The lab itself is lab.sh (boot, run, power off); see README.md here.
 */
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

/** What global-setup.ts provides as `inject("lab")`. */
export interface LabRun {
  /** Why the lab cannot run on this machine; the tests skip and say it. */
  skip?: string;
  /** Why the lab failed although it could run; the tests fail with it. */
  error?: string;
  /** The results directory of the boot (the guest suite's JSON files). */
  dir?: string;
  /** lab.sh's exit status: the guest suite's. */
  exitCode?: number;
  /** What the suite ran (suite.json): each scenario, its exit status and time. */
  scenarios?: { name: string; exit: number | null; ms: number; lane?: number; start_ms?: number; limit_s?: number }[];
}

declare module "vitest" {
  export interface ProvidedContext {
    lab: LabRun;
  }
}

/** Host tools the lab needs: QEMU and the initramfs build here, the rest run in the guest from the shared /. */
export const LAB_TOOLS = [
  "qemu-system-x86_64",
  "busybox",
  "modprobe",
  "depmod",
  "cpio",
  "ip",
  "ipvsadm",
  "arptables-legacy",
  "arptables-nft",
  "curl",
] as const;

function onPath(tool: string): boolean {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin"];
  return dirs.some((d) => {
    try {
      accessSync(join(d, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why the lab cannot run here, or undefined when it can. */
export function labUnavailable(): string | undefined {
  if (process.platform !== "linux" || process.arch !== "x64") return "needs Linux on x86-64";
  if (process.getuid?.() !== 0) return "needs root (the VM gets this machine's / through 9p as the user running QEMU)";
  const missing = LAB_TOOLS.filter((t) => !onPath(t));
  if (missing.length > 0) return `not installed: ${missing.join(", ")} (test/kernel/ci-setup.sh installs them)`;
  return undefined;
}

/** A scenario's JSON from the results directory; throws (a failed test) when it is missing. */
export function readResult<T>(lab: LabRun, file: string): T {
  if (lab.error !== undefined) throw new Error(`the lab failed: ${lab.error}`);
  if (lab.dir === undefined) throw new Error("the lab has no results directory");
  const path = join(lab.dir, file);
  if (!existsSync(path)) {
    const stderr = join(lab.dir, "stderr");
    const tail = existsSync(stderr) ? readFileSync(stderr, "utf8").split("\n").slice(-15).join("\n") : "";
    throw new Error(`the guest wrote no ${file}; guest stderr:\n${tail}`);
  }
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** A scenario's result (guest/scenario-*.sh writes NAME.json); throws when the scenario could not run. */
export function scenario<T>(lab: LabRun, name: string): T {
  const r = readResult<T & { error?: string }>(lab, `${name}.json`);
  if (r.error !== undefined) throw new Error(`the scenario ${name} could not run: ${r.error}`);
  return r;
}

/** Reads a result at collection time (to make one test per entry); the error instead, to fail a test with. */
export function tryScenario<T>(lab: LabRun, name: string): { value?: T; error?: Error } {
  if (lab.skip !== undefined) return {};
  try {
    return { value: scenario<T>(lab, name) };
  } catch (e) {
    return { error: e as Error };
  }
}

/** Whether this run was asked to run the scenario (a run of some scenarios only skips the others' tests). */
export function ran(lab: LabRun, name: string): boolean {
  return lab.skip === undefined && (lab.scenarios === undefined || lab.scenarios.some((s) => s.name === name));
}

/** The label of a describe block: the scenario, and why it is skipped. */
export function titled(lab: LabRun, title: string): string {
  return lab.skip !== undefined ? `${title} (skipped: ${lab.skip})` : title;
}
