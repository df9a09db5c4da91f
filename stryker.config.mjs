// Mutation testing of the core (issue 10): `npx stryker run` (slow: not in
// npm test). Each mutant of src/lang, src/model, src/plan and src/txn is run
// against the unit tests that cover it; a mutant that survives is a change
// no test notices. Reports in reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts" },
  mutate: ["src/lang/**/*.ts", "src/model/**/*.ts", "src/plan/**/*.ts", "src/txn/**/*.ts", "!src/**/*.d.ts", "!src/lang/cst.d.ts"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  tempDirName: ".stryker-tmp",
  ignorePatterns: ["dist", "reports", "test/kernel/.cache", ".stryker-tmp"],
};
