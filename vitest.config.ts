import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The run gets its own temp folder and fails if a test leaves anything there.
    globalSetup: ["test/setup/temp-root.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fake servers and SQLite files are per test file; two cores on CI machines.
    pool: "forks",
  },
});
