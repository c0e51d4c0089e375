/**
 * Vitest global setup: the whole run writes its temporary files under one folder of its own, and fails if any
 * test left something there. Test runs of other checkouts on the same machine share the system temp directory,
 * so counting its entries could not tell their files from ours.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "persona-bench-tests-"));
  // Workers (forks) and the CLI processes they start inherit it; os.tmpdir() reads TMPDIR on every call.
  process.env.TMPDIR = root;
  return () => {
    const leftovers = readdirSync(root, { recursive: true, encoding: "utf8" });
    rmSync(root, { recursive: true, force: true });
    if (leftovers.length > 0) {
      // Vitest only logs an error thrown here ("error during close") and would still exit 0.
      process.exitCode = 1;
      const shown = leftovers.slice(0, 20).join("\n  ");
      const more = leftovers.length > 20 ? `\n  ... and ${leftovers.length - 20} more` : "";
      throw new Error(
        `the tests left ${leftovers.length} temporary file(s) or folder(s) behind (removed now):\n  ${shown}${more}`,
      );
    }
  };
}
