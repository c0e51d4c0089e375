/** The store cannot be opened or used (bad path, newer schema, disk error). Light on purpose: the CLI imports it. */
export class StoreError extends Error {
  override readonly name = "StoreError";
}

/**
 * A failed write as a StoreError naming the store, when the environment refused it (a full disk, a read-only or
 * unwritable file, an I/O error, a lock held too long); undefined for anything else, which is a bug.
 */
export function storeWriteError(path: string, error: unknown): StoreError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string") return undefined;
  const detail = `${code}: ${error instanceof Error ? error.message : String(error)}`;
  const kept = "every generation committed before is kept";
  if (code === "SQLITE_FULL") {
    return new StoreError(
      `store ${path}: the disk is full (${detail}); ${kept}: free space and run the same command again to continue`,
    );
  }
  if (code.startsWith("SQLITE_READONLY")) {
    return new StoreError(
      `store ${path}: cannot write (${detail}); ${kept}: make the file and its folder writable, or pass another --store`,
    );
  }
  if (code.startsWith("SQLITE_IOERR")) {
    return new StoreError(`store ${path}: the disk refused a write (${detail}); ${kept}`);
  }
  if (code === "SQLITE_BUSY") {
    return new StoreError(`store ${path}: locked by another process for too long (${detail}); ${kept}`);
  }
  return undefined;
}
