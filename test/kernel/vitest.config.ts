/**
 * The real-kernel lab suite: `npm run test:kernel`. One VM boot for every
 * test here (global-setup.ts); the tests read what the guest wrote.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export default defineConfig({
  test: {
    root,
    include: ["test/kernel/**/*.test.ts"],
    globalSetup: ["test/kernel/global-setup.ts"],
    testTimeout: 20000,
    pool: "forks",
  },
});
