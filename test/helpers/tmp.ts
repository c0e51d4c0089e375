import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished, type TestContext } from "vitest";

/**
 * A fresh temporary directory, removed when the current test has finished, passed or failed. Call it inside a
 * test or a beforeEach hook. Concurrent tests must pass their own context: the "current test" is ambiguous while
 * several run at once.
 */
export function tempDir(context: Pick<TestContext, "onTestFinished"> = { onTestFinished }): string {
  const dir = newTempDir();
  context.onTestFinished(() => removeTempDir(dir));
  return dir;
}

/**
 * A fresh temporary directory for a beforeAll hook, where no test is running yet; remove it with
 * `removeTempDir` in the matching afterAll (the suite fails if it is left behind: test/setup/temp-root.ts).
 */
export function newTempDir(): string {
  return mkdtempSync(join(tmpdir(), "persona-bench-"));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
