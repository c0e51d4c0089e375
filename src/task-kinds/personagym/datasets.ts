import { InputError } from "../../core/input-error.js";
import type { DatasetHandle } from "../types.js";
import {
  PERSONAGYM_DIGEST,
  type PersonaGymSourceOptions,
  resolvePersonaGym,
  resolveUpstreamRubrics,
} from "./source.js";

interface Located {
  dir: string;
  pinned: boolean;
  origin: string;
  digest?: string;
}

/**
 * A pinned folder of files from the PersonaGym repository (the static benchmark, or the rubrics that only the
 * exact-protocol mode reads). `verify` looks at the copy a run would use without downloading anything.
 */
function pinnedFolderDataset(
  id: string,
  locate: (options: PersonaGymSourceOptions) => Promise<Located>,
  expected: string,
): DatasetHandle {
  return {
    id,
    async fetch(options) {
      const { dataDir: _ignored, ...cacheOptions } = options;
      const found = await locate({ ...cacheOptions, allowDownload: true });
      return `${id}: ${found.dir} (${found.origin}${found.digest ? `, digest ${found.digest}` : ""})`;
    },
    async verify(options) {
      try {
        const found = await locate({ ...options, allowDownload: false });
        const state = found.pinned
          ? `ok${found.digest ? ` (digest ${found.digest})` : ""}`
          : `DIFFERS from the pinned files (${found.digest ? `digest ${found.digest}, ` : ""}expected ${expected})`;
        return { lines: [`${id} [${found.origin}] ${found.dir}: ${state} <- used`], ok: found.pinned };
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return { lines: [`${id}: no usable local copy: ${error.message}`], ok: false };
      }
    },
  };
}

export const PERSONAGYM_DATASETS: readonly DatasetHandle[] = [
  pinnedFolderDataset("personagym", resolvePersonaGym, PERSONAGYM_DIGEST),
  pinnedFolderDataset("personagym-rubrics", resolveUpstreamRubrics, "the pinned sha256 of each rubric file"),
];
