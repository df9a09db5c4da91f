/**
 * The layering of lvsh, checked in `npm test` (README: How it works;
 * CONTRIBUTING.md). lang -> model -> plan are pure; state reads; exec runs
 * commands; sim is a target; txn transacts; session stands on them all;
 * cli and repl are the front ends.
 */
const PURE = "^src/(lang|model|plan)/";
module.exports = {
  forbidden: [
    {
      name: "pure-core",
      comment: "lang, model and plan are pure: they run nothing, read no file, know no target or transaction",
      severity: "error",
      from: { path: PURE },
      to: { path: "^src/(exec|sim|target|txn|session|repl|cli|state|interop|complete)/" },
    },
    {
      name: "pure-core-no-io",
      comment: "lang, model and plan use no process, file or network module",
      severity: "error",
      from: { path: PURE },
      to: { path: "^(node:)?(child_process|fs|fs/promises|net|os|readline|readline/promises)$", dependencyTypes: ["core"] },
    },
    {
      name: "front-ends-only-from-the-entry",
      comment: "nothing but the entry (and the front ends among themselves) imports cli or repl",
      severity: "error",
      from: { pathNot: "^src/(cli|repl)/" },
      to: { path: "^src/(cli|repl)/" },
    },
    {
      name: "repl-not-cli",
      comment: "the shell is a front end beside the command line, not above it",
      severity: "error",
      from: { path: "^src/repl/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "exec-is-transports",
      comment: "exec is the real transports: no transaction, no session, no simulator, no target choice",
      severity: "error",
      from: { path: "^src/exec/" },
      to: { path: "^src/(txn|session|sim|target|interop|repl|cli|complete)/" },
    },
    {
      name: "util-is-a-leaf",
      comment: "util is imported by every layer and imports none",
      severity: "error",
      from: { path: "^src/util/" },
      to: { path: "^src/(?!util/)" },
    },
    {
      name: "no-circular",
      comment: "no cycle between modules",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)cst\\.d\\.ts$" },
    // type-only imports vanish when compiled: they are no dependency at run time
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
