import {
  type DatasetOptions,
  type DatasetSource,
  resolveDataset,
  verifyDataset,
} from "../../datasets/datasets.js";
import type { DatasetHandle } from "../types.js";

/** A single pinned file (MATH500 and the like), for `persona-bench data fetch|verify`. */
export function pinnedFileDataset(source: DatasetSource): DatasetHandle {
  const { id } = source;
  return {
    id,
    async fetch(options: DatasetOptions) {
      const { dataDir: _ignored, ...cacheOptions } = options;
      const resolved = await resolveDataset(source, { ...cacheOptions, allowDownload: true });
      return `${id}: ${resolved.path} (${resolved.origin}, sha256 ${resolved.sha256})`;
    },
    async verify(options: DatasetOptions) {
      const expected = source.sha256;
      const { checks } = await verifyDataset(source, options);
      // The first copy found is the one a run would use.
      const used = checks.find((check) => check.found);
      const lines = checks.map((check) => {
        const state = !check.found
          ? "missing"
          : check.pinned
            ? `ok (sha256 ${check.sha256})`
            : `DIFFERS from the pinned file (sha256 ${check.sha256}, expected ${expected})`;
        return `${id} [${check.origin}] ${check.path}: ${state}${check === used ? " <- used" : ""}`;
      });
      if (!used) lines.push(`${id}: no local copy; persona-bench data fetch downloads it`);
      return { lines, ok: used?.pinned === true };
    },
  };
}
