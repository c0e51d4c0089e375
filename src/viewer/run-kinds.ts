/**
 * Which kind each task of a run is, and through its SectionViewer which stages are answers, judgements or score
 * examples, and under which scorer ids their scores are stored. The viewer never names a kind: everything here
 * comes from the registry.
 */
import type { Results } from "../results/types.js";
import { registeredTaskKinds, sectionKindFor } from "../task-kinds/registry.js";
import type { SectionViewer, StageRole, StoredVerdicts } from "../task-kinds/section-viewer.js";
import type { StoreSource } from "./source.js";
import { parseJson } from "./types.js";

/** A task of a kind without a viewer part (or of no registered kind): a stage named as its task is its answers. */
const PLAIN: SectionViewer = { stageRole: (stage, taskId) => (stage === taskId ? "subject" : "other") };

export interface RunLayout {
  /** Each task's viewer part. */
  viewers: Map<string, SectionViewer>;
  /** Each stage's task and role. */
  stages: Map<string, { task: string; role: StageRole }>;
}

/** The stages of a role in a run, as a JSON array (bound to `json_each` so one statement serves every run). */
export function stagesJson(layout: RunLayout, role: StageRole, task?: string): string {
  const stages: string[] = [];
  for (const [stage, s] of layout.stages)
    if (s.role === role && (task === undefined || s.task === task)) stages.push(stage);
  return JSON.stringify(stages);
}

export class RunKinds {
  private readonly layouts = new Map<string, { layout: RunLayout; version: number }>();

  constructor(
    private readonly source: StoreSource,
    private readonly results: (runId: string) => Results | null,
  ) {}

  /** The run's tasks and stages, re-read when the store changed (a run added stages). */
  layout(runId: string): RunLayout {
    const version = this.source.dataVersion();
    const cached = this.layouts.get(runId);
    if (cached && cached.version === version) return cached.layout;
    const viewers = new Map<string, SectionViewer>();
    const stages = new Map<string, { task: string; role: StageRole }>();
    if (this.source.hasMembers) {
      const kinds = this.taskKinds(runId);
      for (const task of this.source.distinct(runId, "task_id"))
        viewers.set(task, sectionKindFor(kinds.get(task) ?? "")?.viewer ?? PLAIN);
      const taskOf = this.source.prepared(
        "SELECT task_id FROM run_members WHERE run_id = ? AND stage = ? LIMIT 1",
      );
      for (const stage of this.source.distinct(runId, "stage")) {
        const { task_id: task } = taskOf.get(runId, stage) as { task_id: string };
        stages.set(stage, { task, role: (viewers.get(task) ?? PLAIN).stageRole(stage, task) });
      }
    }
    const layout = { viewers, stages };
    this.layouts.set(runId, { layout, version });
    return layout;
  }

  /**
   * A task's viewer part from the run's layout as last read, without touching the store: for SQL functions, which
   * run while a statement is (and no other may be) running. Every query that calls one reads the layout first.
   */
  cachedViewer(runId: string, taskId: string): SectionViewer | undefined {
    return this.layouts.get(runId)?.layout.viewers.get(taskId);
  }

  /**
   * Each task's results kind: as the run recorded it, else as its results.json says, else the kind of the task
   * name it is named after (stores whose runs recorded no kinds).
   */
  private taskKinds(runId: string): Map<string, string> {
    const kinds = new Map<string, string>();
    const row = this.source.prepared("SELECT config_json FROM runs WHERE run_id = ?").get(runId) as
      | { config_json: string }
      | undefined;
    const config = row ? (parseJson(row.config_json) as { tasks?: unknown } | null) : null;
    if (Array.isArray(config?.tasks))
      for (const t of config.tasks as { id?: unknown; kind?: unknown }[])
        if (typeof t?.id === "string" && typeof t.kind === "string") kinds.set(t.id, t.kind);
    for (const section of Object.values(this.results(runId)?.tasks ?? {}))
      if (!kinds.has(section.id)) kinds.set(section.id, section.kind);
    for (const kind of registeredTaskKinds()) if (!kinds.has(kind.task)) kinds.set(kind.task, kind.kind);
    return kinds;
  }
}

/** Every registered kind's stored verdicts, one entry per scorer id. */
export function storedVerdicts(): StoredVerdicts[] {
  const found = new Map<string, StoredVerdicts>();
  for (const kind of registeredTaskKinds()) {
    const verdicts = kind.sections.viewer?.verdicts;
    if (verdicts) found.set(verdicts.scorer, verdicts);
  }
  return [...found.values()];
}

/** Every registered kind's judge-score scorer ids. */
export function judgeScorers(): string[] {
  const found = new Set<string>();
  for (const kind of registeredTaskKinds()) {
    const scorer = kind.sections.viewer?.judges?.scorer;
    if (scorer) found.add(scorer);
  }
  return [...found];
}

/** An SQL string literal (scorer ids are ours, but quoted all the same). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A list of SQL string literals for IN (...); a list that matches nothing when empty. */
export function sqlList(values: readonly string[]): string {
  return values.length === 0 ? "(NULL)" : `(${values.map(sqlString).join(", ")})`;
}
