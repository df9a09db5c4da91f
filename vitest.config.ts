import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/kernel/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 20000,
    pool: "forks",
  },
});
