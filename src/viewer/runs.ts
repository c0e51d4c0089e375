/** The runs list and one run's facets (what its generations can be filtered by). */
import type { ResultsFiles } from "./results-files.js";
import { orderPersonas } from "./results-files.js";
import type { RunKinds } from "./run-kinds.js";
import type { StoreSource } from "./source.js";
import { parseJson, type RunFacets, type RunSummary } from "./types.js";

interface RunRow {
  run_id: string;
  created_at: string;
  updated_at: string;
  status: string;
  benchmark_id: string;
  model_spec: string;
  model_json: string;
  harness_version: string;
}

export class RunList {
  private readonly answerCounts = new Map<string, { n: number; version: number }>();

  constructor(
    private readonly source: StoreSource,
    private readonly kinds: RunKinds,
    private readonly files: ResultsFiles,
  ) {}

  runs(): RunSummary[] {
    const rows = this.source
      .prepared("SELECT * FROM runs ORDER BY updated_at DESC, run_id")
      .all() as RunRow[];
    return rows.map((row) => this.summary(row));
  }

  run(runId: string): RunSummary | undefined {
    const row = this.source.prepared("SELECT * FROM runs WHERE run_id = ?").get(runId) as RunRow | undefined;
    return row && this.summary(row);
  }

  facets(runId: string): RunFacets | undefined {
    const run = this.run(runId);
    if (!run) return undefined;
    const layout = this.kinds.layout(runId);
    const viewers = [...layout.viewers];
    const graded = viewers.filter(([, v]) => v.verdicts).map(([task]) => task);
    const judged = viewers.flatMap(([task, v]) =>
      v.judges ? [{ task, scale: [...v.judges.scale], groupLabel: v.groupLabel ?? null }] : [],
    );
    const paths = [...new Set(viewers.flatMap(([, v]) => v.verdicts?.paths ?? []))];
    const stages = [...layout.stages.keys()];
    if (!this.source.hasMemberFacts)
      return {
        run,
        tasks: run.tasks,
        personas: [],
        groups: [],
        paths: [],
        stages,
        graded,
        judged,
        legacy: true,
      };
    const personas = this.source.distinct(runId, "persona_id");
    // Only kinds that name item groups have them (scanning a million ungrouped answers would be slow).
    const grouped = stages.filter((stage) => {
      const s = layout.stages.get(stage)!;
      return s.role === "subject" && layout.viewers.get(s.task)?.groupLabel !== undefined;
    });
    return {
      run,
      tasks: run.tasks,
      personas: orderPersonas(personas, this.files.results(runId)),
      groups: this.groups(runId, grouped),
      paths,
      stages,
      graded,
      judged,
      legacy: run.members > 0 && personas.length === 0,
    };
  }

  private summary(row: RunRow): RunSummary {
    const results = this.files.results(row.run_id);
    return {
      runId: row.run_id,
      status: row.status,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      benchmarkId: row.benchmark_id,
      modelSpec: row.model_spec,
      model: parseJson(row.model_json),
      harnessVersion: row.harness_version,
      members: this.source.hasMembers ? this.answerCount(row.run_id) : 0,
      tasks: this.source.hasMembers ? this.source.distinct(row.run_id, "task_id") : [],
      headline: results
        ? Object.values(results.tasks).flatMap((section) =>
            section.headline.slice(0, 2).map((h) => ({
              task: section.id,
              kind: section.kind,
              label: h.label,
              value: h.value,
              unit: h.unit,
            })),
          )
        : [],
      hasReport: results !== null,
    };
  }

  /** How many answers (subject calls) a run lists; counted once per change of the store. */
  private answerCount(runId: string): number {
    const version = this.source.dataVersion();
    const cached = this.answerCounts.get(runId);
    if (cached && cached.version === version) return cached.n;
    const subjects = [...this.kinds.layout(runId).stages].filter(([, s]) => s.role === "subject");
    const { n } = this.source
      .prepared(
        "SELECT COUNT(*) AS n FROM run_members WHERE run_id = ? AND stage IN (SELECT value FROM json_each(?))",
      )
      .get(runId, JSON.stringify(subjects.map(([stage]) => stage))) as { n: number };
    this.answerCounts.set(runId, { n, version });
    return n;
  }

  /** Item groups (e.g. a benchmark's sub-tasks), read from the answers' members. */
  private groups(runId: string, subjectStages: readonly string[]): string[] {
    const groups = new Set<string>();
    for (const stage of subjectStages) {
      const rows = this.source
        .prepared(
          `SELECT DISTINCT item_group AS g FROM (SELECT item_group FROM run_members
             WHERE run_id = ? AND stage = ? AND item_group IS NOT NULL LIMIT 20000)`,
        )
        .all(runId, stage) as { g: string }[];
      for (const row of rows) groups.add(row.g);
    }
    return [...groups].sort();
  }
}
