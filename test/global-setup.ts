/** Builds the bundle once, so end-to-end tests run what users run. */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  // no test may touch this machine's own state directory (/var/lib/lvsh as root)
  process.env.LVSH_STATE_DIR ??= mkdtempSync(join(tmpdir(), "lvsh-tests-"));
}
