import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The installed package's root (where package.json, schemas/, benchmarks/ and personas/ live), found by walking up
 * from this module, so it is right from src/ (tests), dist/ (the CLI) and any other build output folder.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "persona-bench"
    ) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error("persona-bench: cannot find the package root (package.json) above the code");
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
