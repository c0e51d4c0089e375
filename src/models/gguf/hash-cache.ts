/**
 * The sha256 of a model file, computed once: a small JSON file in the cache remembers it by real path, size and
 * modification time, so a 5 GB model is hashed on its first run only. Any change of size or mtime rehashes.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../core/atomic-write.js";
import { hashFile } from "../../datasets/datasets.js";

interface Entry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export function hashCachePath(cacheDir: string): string {
  return join(cacheDir, "models", "sha256.json");
}

function readCache(file: string): Record<string, Entry> {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, Entry>) : {};
  } catch {
    return {};
  }
}

/** The file's sha256, from the cache when its size and mtime still match. `known` skips hashing (just verified). */
export async function modelSha256(path: string, cacheDir: string, known?: string): Promise<string> {
  const real = realpathSync(path);
  const { size, mtimeMs } = statSync(real);
  const file = hashCachePath(cacheDir);
  const cached = readCache(file)[real];
  if (cached && cached.size === size && cached.mtimeMs === mtimeMs && known === undefined)
    return cached.sha256;
  const sha256 = known ?? (await hashFile(real)).sha256;
  // Re-read before writing: another process may have added entries meanwhile. Last writer wins per entry.
  const entries = { ...readCache(file), [real]: { size, mtimeMs, sha256 } };
  await writeFileAtomic(file, `${JSON.stringify(entries, null, 1)}\n`);
  return sha256;
}
