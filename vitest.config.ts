import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Build dist/ when it is older than src/ (the CLI tests run it), then give the run its own temp folder and
    // fail it if a test leaves anything there.
    globalSetup: ["test/setup/build.ts", "test/setup/temp-root.ts"],
    // Budgets that only catch hangs (twice test/helpers/hang.ts): a CI machine at load 20 on 2 cores runs a test
    // ten times slower than a quiet one, and no test may fail for being slow.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Fake servers and SQLite files are per test file; two cores on CI machines.
    pool: "forks",
  },
});
