import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "data/**"],
    setupFiles: ["test/setup/fast-check.ts"],
    // chdb must live in one thread per process (DESIGN.md pitfalls): one process per test file.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
