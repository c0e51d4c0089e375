/**
 * Vitest global setup: the CLI and end-to-end tests run the built `dist/`, so it must match `src/`. When any
 * source file is newer than its compiled output (or has none), build once before the tests start; `npm test`
 * has just built, so there this costs one directory walk.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { repoRoot } from "../helpers/paths.js";

/** Source files whose compiled `.js` is missing or older than the source. */
export function staleOutputs(root = repoRoot): string[] {
  const src = join(root, "src");
  return readdirSync(src, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .filter((file) => {
      const output = join(root, "dist", file.replace(/\.ts$/, ".js"));
      const built = statSync(output, { throwIfNoEntry: false });
      return built === undefined || built.mtimeMs < statSync(join(src, file)).mtimeMs;
    });
}

export default function setup(): void {
  const stale = staleOutputs();
  if (stale.length === 0) return;
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  console.log(`dist/ is older than ${relative(repoRoot, join(repoRoot, "src", stale[0]!))}: building`);
  execFileSync(process.execPath, [tsc, "-p", join(repoRoot, "tsconfig.json")], { stdio: "inherit" });
  const still = staleOutputs();
  if (still.length > 0) throw new Error(`the build left dist/ stale for: ${still.join(", ")}`);
}
