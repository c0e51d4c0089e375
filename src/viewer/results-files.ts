import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Results } from "../results/types.js";

/** Runs' results.json files beside the reports, each re-read when it changes on disk. */
export class ResultsFiles {
  private readonly cache = new Map<string, { mtime: number; results: Results | null }>();

  constructor(
    readonly reportsDir: string,
    private readonly load: (file: string) => Results,
  ) {}

  /** The run's results, or null when it has none (or an unreadable one, or one of another run). */
  results(runId: string): Results | null {
    const file = this.file(runId);
    if (!file) return null;
    const mtime = mtimeOf(file);
    const cached = this.cache.get(runId);
    if (cached && cached.mtime === mtime) return cached.results;
    let results: Results | null = null;
    try {
      results = this.load(file);
      if (results.runId !== runId) results = null;
    } catch {
      results = null;
    }
    this.cache.set(runId, { mtime, results });
    return results;
  }

  /** The path of a run's results.json; null for a run id that is not a plain name or a file that is not there. */
  file(runId: string): string | null {
    if (!/^[\w.:-]+$/.test(runId) || runId.startsWith(".")) return null;
    const file = join(this.reportsDir, runId, "results.json");
    return existsSync(file) ? file : null;
  }
}

/** The control first, then the order of the run's results (the catalog order), then the rest by name. */
export function orderPersonas(ids: string[], results: Results | null): string[] {
  const order = new Map<string, number>();
  order.set("none", -1);
  if (results) {
    let i = 0;
    for (const section of Object.values(results.tasks)) {
      for (const p of (section as { personas?: { id: string }[] }).personas ?? [])
        if (!order.has(p.id)) order.set(p.id, i++);
    }
  }
  return [...ids].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b));
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
