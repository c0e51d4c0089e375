import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Build dist/ when it is older than src/ (the CLI tests run it), then give the run its own temp folder and
    // fail it if a test leaves anything there.
    globalSetup: ["test/setup/build.ts", "test/setup/temp-root.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fake servers and SQLite files are per test file; two cores on CI machines.
    pool: "forks",
  },
});
