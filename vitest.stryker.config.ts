/**
 * The unit tests a mutation run (stryker.config.mjs) runs against each
 * mutant of the core: those that run in-process (no built bundle, no
 * terminal, no child lvsh), so that a mutant costs milliseconds.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/lang/**/*.test.ts", "test/model/**/*.test.ts", "test/plan/**/*.test.ts", "test/state/**/*.test.ts", "test/txn/{apply,commit,faults,property,drain}.test.ts", "test/session/session.test.ts"],
    // generated files are compared byte for byte: the instrumented sandbox is not the tree they come from
    exclude: ["test/lang/grammar-docs.test.ts"],
    testTimeout: 20000,
    pool: "forks",
  },
});
