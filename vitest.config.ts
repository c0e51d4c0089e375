import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fake servers and SQLite files are per test file; two cores on CI machines.
    pool: "forks",
  },
});
