import type { Results } from "../results/types.js";
import { isMathSection, type MathSection } from "../task-kinds/math/section-types.js";
import { isPersonaGymSection, type PersonaGymSection } from "../task-kinds/personagym/section-types.js";
import type { LoadedRun } from "./collect.js";
import {
  LEADERBOARD_SCHEMA_VERSION,
  type Leaderboard,
  type LeaderboardColumn,
  type LeaderboardGroup,
  type LeaderboardMathBlock,
  type LeaderboardPersonaGymBlock,
  type LeaderboardRow,
  type LeaderboardTaskInfo,
} from "./types.js";

export interface BuildOptions {
  /** Keep every run instead of the latest complete one per model. */
  allRuns?: boolean;
  /** A column id (`math500.pss`), a metric (`pss`), a label, `model` or `rank`; default `pss`. */
  sort?: string;
  createdAt?: string;
  skipped?: { file: string; problem: string }[];
}

/** Sort keys the leaderboard knows without looking at the data. */
export const DEFAULT_SORT = "pss";

/**
 * The leaderboard: runs grouped by what they measured (benchmark hash and dataset hashes), one row per model in
 * each group (the latest complete run; without one, the latest run, marked and unranked), ranked by `sort`.
 * Every figure is copied from the runs' results.
 */
export function buildLeaderboard(runs: LoadedRun[], options: BuildOptions = {}): Leaderboard {
  const byGroup = new Map<string, LoadedRun[]>();
  for (const run of runs) {
    const key = comparabilityKey(run.results);
    byGroup.set(key, [...(byGroup.get(key) ?? []), run]);
  }
  const groups: LeaderboardGroup[] = [];
  for (const members of byGroup.values()) {
    const chosen = options.allRuns ? members : latestPerModel(members);
    groups.push(buildGroup(chosen, options.sort ?? DEFAULT_SORT));
  }
  groups.sort(
    (a, b) =>
      a.benchmark.id.localeCompare(b.benchmark.id) ||
      b.rows.length - a.rows.length ||
      a.benchmark.hash.localeCompare(b.benchmark.hash),
  );
  return {
    schemaVersion: LEADERBOARD_SCHEMA_VERSION,
    createdAt: options.createdAt ?? new Date().toISOString(),
    groups,
    skipped: options.skipped ?? [],
  };
}

/**
 * Two runs are ranked together only when they ran the same benchmark (the hash covers personas, --limit, samples,
 * decoding and seeds) on the same datasets (content hashes).
 */
export function comparabilityKey(results: Results): string {
  const datasets = Object.values(results.tasks)
    .map((s) => `${s.id}=${s.dataset.hash}`)
    .sort();
  return [results.benchmark.hash, ...datasets].join("\u0000");
}

/** Model identity: the weights digest when the server reported one, else the spec. */
export function modelKey(results: Results): string {
  return results.model.digest ? `digest:${results.model.digest}` : `spec:${results.model.spec}`;
}

function latestPerModel(runs: LoadedRun[]): LoadedRun[] {
  const best = new Map<string, LoadedRun>();
  for (const run of runs) {
    const key = modelKey(run.results);
    const current = best.get(key);
    if (!current || preferred(run.results, current.results)) best.set(key, run);
  }
  return [...best.values()];
}

/** A complete run beats any other; among equals, the later finishedAt wins (then the run id, for determinism). */
function preferred(a: Results, b: Results): boolean {
  const ac = a.status === "complete";
  const bc = b.status === "complete";
  if (ac !== bc) return ac;
  if (a.finishedAt !== b.finishedAt) return a.finishedAt > b.finishedAt;
  return a.runId > b.runId;
}

function buildGroup(runs: LoadedRun[], sort: string): LeaderboardGroup {
  const first = [...runs].sort((a, b) => (a.results.finishedAt < b.results.finishedAt ? 1 : -1))[0]!.results;
  const rows = runs.map(rowOf);
  const columns = groupColumns(rows);
  const sortColumn = resolveSortColumn(columns, sort);
  rankRows(rows, sortColumn);
  return {
    benchmark: {
      id: first.benchmark.id,
      hash: first.benchmark.hash,
      description: first.benchmark.description ?? null,
    },
    tasks: Object.values(first.tasks).map(taskInfo),
    columns,
    sortedBy: sortColumn.id,
    rows,
  };
}

function taskInfo(section: Results["tasks"][string]): LeaderboardTaskInfo {
  const base = { id: section.id, kind: section.kind, dataset: { ...section.dataset } };
  if (isMathSection(section)) {
    const decoding = Object.entries(section.decoding)
      .filter(([k]) => ["temperature", "top_p", "max_tokens"].includes(k))
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(", ");
    return {
      id: section.id,
      kind: section.kind,
      dataset: { name: section.dataset.name, hash: section.dataset.hash },
      description: `${section.problems} problems x ${section.samples} sample(s) x ${section.personas.length} conditions (control + ${section.personas.length - 1} personas), persona in the ${section.personaPlacement} message; ${decoding}`,
    };
  }
  if (isPersonaGymSection(section)) {
    return {
      id: section.id,
      kind: section.kind,
      dataset: { name: section.dataset.name, hash: section.dataset.hash },
      description: `${section.personasEvaluated} personas, ${section.questions} questions, ${section.judges.length} judge(s): ${section.judges.map((j) => j.spec).join(", ")}`,
    };
  }
  return {
    ...base,
    dataset: { name: section.dataset.name, hash: section.dataset.hash },
    description: `${section.kind} scored by ${section.scorer.name} ${section.scorer.version}`,
  };
}

function rowOf(run: LoadedRun): LeaderboardRow {
  const r = run.results;
  const sections = Object.values(r.tasks);
  const mathTasks: Record<string, LeaderboardMathBlock> = {};
  for (const section of sections.filter(isMathSection)) mathTasks[section.id] = mathBlock(section);
  const math500Section =
    sections.filter(isMathSection).find((s) => s.id === "math500") ??
    sections.filter(isMathSection).find((s) => s.dataset.name === "math500");
  const gym = sections.find(isPersonaGymSection);
  return {
    rank: null,
    runId: r.runId,
    status: r.status,
    finishedAt: r.finishedAt,
    source: run.file,
    model: { spec: r.model.spec, name: r.model.name, digest: r.model.digest ?? null },
    math500: math500Section ? mathBlock(math500Section) : null,
    personagym: gym ? personaGymBlock(gym) : null,
    mathTasks,
    headline: sections.flatMap((section) =>
      section.headline.map((m) => ({ task: section.id, kind: section.kind, ...m })),
    ),
  };
}

function mathBlock(section: MathSection): LeaderboardMathBlock {
  const s = section.summary;
  const control = section.personas.find((p) => p.id === "none");
  return {
    controlAccuracy: control?.accuracy ?? s?.controlAccuracy ?? null,
    controlCi95: control?.ci95 ?? null,
    mean: s?.mean ?? null,
    std: s?.std ?? null,
    min: s?.min ?? null,
    pss: s?.pss ?? null,
    pssCi95: s?.intervals?.pss ?? null,
    worstRetention: s?.worstRetention ?? null,
    flipRate: s?.flipRate ?? null,
    consistencyRate: s?.consistencyRate ?? null,
    personas: section.personas.map((p) => ({ id: p.id, accuracy: p.accuracy })),
    lottery: s
      ? (s.lottery ?? {
          personas: section.personas.slice(1).flatMap((p) => (p.accuracy === null ? [] : [p.id])),
          expectedMaxAtK: s.expectedMaxAtK,
        })
      : null,
  };
}

function personaGymBlock(section: PersonaGymSection): LeaderboardPersonaGymBlock {
  return { personaScore: section.personaScore, ci95: section.ci95, tasks: { ...section.tasks } };
}

/** Figures a math section has beyond its headline, each placed after the headline metric it explains. */
const MATH_EXTRAS: { after: string; column: Omit<LeaderboardColumn, "id" | "task"> }[] = [
  {
    after: "meanAccuracy",
    column: {
      metric: "std",
      label: "Std",
      description:
        "Population standard deviation of the persona accuracies, in points: the spread PSS* subtracts.",
      unit: "points",
      higherIsBetter: false,
    },
  },
  {
    after: "worstAccuracy",
    column: {
      metric: "worstRetention",
      label: "Worst retention",
      description: "Worst persona accuracy divided by control accuracy: 1 means no persona costs anything.",
      unit: "ratio",
      higherIsBetter: true,
    },
  },
  {
    after: "consistencyRate",
    column: {
      metric: "flipRate",
      label: "Flip rate",
      description:
        "Share of problems where at least one persona changes the verdict; saturates near 100% with many personas, so read it beside consistency.",
      unit: "proportion",
      higherIsBetter: false,
    },
  },
];

export const FIXED_COLUMNS: LeaderboardColumn[] = [
  {
    id: "rank",
    task: null,
    metric: "rank",
    label: "#",
    description: "Rank within this group; runs that did not complete are shown but not ranked.",
    unit: "rank",
    higherIsBetter: null,
  },
  {
    id: "model",
    task: null,
    metric: "model",
    label: "Model",
    description: "The model under test: name, and weights digest when the server reported one.",
    unit: "text",
    higherIsBetter: null,
  },
];

/** The group's columns: every section's headline metrics (any task kind), plus the math figures beyond them. */
function groupColumns(rows: LeaderboardRow[]): LeaderboardColumn[] {
  const columns: LeaderboardColumn[] = [...FIXED_COLUMNS];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const h of row.headline) {
      const id = `${h.task}.${h.metric}`;
      if (seen.has(id)) continue;
      seen.add(id);
      columns.push({
        id,
        task: h.task,
        metric: h.metric,
        label: h.label,
        description: h.description,
        unit: h.unit,
        higherIsBetter: h.higherIsBetter,
      });
      if (h.kind !== "math") continue;
      for (const extra of MATH_EXTRAS.filter((e) => e.after === h.metric)) {
        const extraId = `${h.task}.${extra.column.metric}`;
        if (seen.has(extraId)) continue;
        seen.add(extraId);
        columns.push({ id: extraId, task: h.task, ...extra.column });
      }
    }
  }
  return columns;
}

/** A column's value in a row: headline figures as stated, math extras from the task's block. */
export function cellValue(row: LeaderboardRow, column: LeaderboardColumn): number | string | null {
  if (column.id === "rank") return row.rank;
  if (column.id === "model") return row.model.name;
  const headline = row.headline.find((h) => h.task === column.task && h.metric === column.metric);
  if (headline) return headline.value;
  const block = column.task ? row.mathTasks[column.task] : undefined;
  if (block && column.metric in block) {
    const value = block[column.metric as keyof LeaderboardMathBlock];
    return typeof value === "number" ? value : null;
  }
  return null;
}

export function cellInterval(row: LeaderboardRow, column: LeaderboardColumn): [number, number] | null {
  return row.headline.find((h) => h.task === column.task && h.metric === column.metric)?.ci95 ?? null;
}

/** Every name `--sort` accepts for a group's columns. */
export function sortNames(columns: LeaderboardColumn[]): string[] {
  return [...new Set(columns.flatMap((c) => [c.id, c.metric]))];
}

export class UnknownSortError extends Error {
  override readonly name = "UnknownSortError";
}

/**
 * `--sort`: an exact column id, else the first column with that metric or label (case-insensitive). The default
 * (PSS*) falls back to the group's first headline figure when the group has none (e.g. PersonaGym only).
 */
export function resolveSortColumn(columns: LeaderboardColumn[], sort: string): LeaderboardColumn {
  const wanted = sort.toLowerCase();
  const found =
    columns.find((c) => c.id.toLowerCase() === wanted) ??
    columns.find((c) => c.metric.toLowerCase() === wanted) ??
    columns.find((c) => c.label.toLowerCase() === wanted);
  if (found && found.id !== "rank") return found;
  if (sort === DEFAULT_SORT || found?.id === "rank")
    return columns.find((c) => c.task !== null) ?? columns[1]!;
  throw new UnknownSortError(`unknown column "${sort}" (columns: ${sortNames(columns).join(", ")})`);
}

/**
 * Complete runs with a value come first, ordered by the column (its better direction; names A-Z), and get ranks
 * 1..n (ties share a rank); the rest follow unranked: runs without a value, then runs that did not complete.
 */
function rankRows(rows: LeaderboardRow[], column: LeaderboardColumn): void {
  const descending = column.higherIsBetter !== false && column.unit !== "text";
  const value = (row: LeaderboardRow) => cellValue(row, column);
  const tier = (row: LeaderboardRow) => (row.status !== "complete" ? 2 : value(row) === null ? 1 : 0);
  rows.sort((a, b) => {
    const t = tier(a) - tier(b);
    if (t !== 0) return t;
    const va = value(a);
    const vb = value(b);
    if (typeof va === "number" && typeof vb === "number" && va !== vb) return descending ? vb - va : va - vb;
    if (typeof va === "string" && typeof vb === "string" && va !== vb) return va.localeCompare(vb);
    return a.model.name.localeCompare(b.model.name) || (a.finishedAt < b.finishedAt ? 1 : -1);
  });
  let rank = 0;
  let previous: number | string | null | undefined;
  rows.forEach((row, i) => {
    if (tier(row) !== 0) return;
    const v = value(row);
    if (i === 0 || v !== previous || typeof v === "string") rank = i + 1;
    previous = v;
    row.rank = rank;
  });
}
