import type { Interval } from "../../results/types.js";
import { accuracyHeatmapSpec } from "../charts/accuracy-heatmap.js";
import { lotterySpec } from "../charts/lottery.js";
import type {
  LeaderboardChartRow,
  LeaderboardExtraColumn,
  LeaderboardGroupTask,
  LeaderboardRowFields,
  SectionLeaderboard,
} from "../section-leaderboard.js";
import type { MathSection } from "./section-types.js";

/** A math task set's figures, copied from its section's summary (never recomputed). */
export interface LeaderboardMathBlock {
  controlAccuracy: number | null;
  controlCi95: Interval | null;
  mean: number | null;
  std: number | null;
  min: number | null;
  pss: number | null;
  pssCi95: Interval | null;
  worstRetention: number | null;
  flipRate: number | null;
  consistencyRate: number | null;
  /** Per persona (the control first), for the heat map. */
  personas: { id: string; accuracy: number | null }[];
  /** Expected best accuracy over k personas, k = 1..N: the lottery subset's curve when it was run, else all. */
  lottery: { personas: string[]; expectedMaxAtK: number[] } | null;
}

declare module "../section-leaderboard.js" {
  interface LeaderboardRowFields {
    /** MATH500's figures: the section with task id math500, else the one on the math500 dataset. */
    math500: LeaderboardMathBlock | null;
    /** Every math task set of the run (math500 included), by task id. */
    mathTasks: Record<string, LeaderboardMathBlock>;
  }
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

/** Figures a math section has beyond its headline, each placed after the headline metric it explains. */
const MATH_EXTRAS: LeaderboardExtraColumn[] = [
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

/** How a math section is described, and what it adds to a leaderboard row beyond its headline. */
export const mathLeaderboard: SectionLeaderboard<MathSection> = {
  describe: (section) => {
    const decoding = Object.entries(section.decoding)
      .filter(([k]) => ["temperature", "top_p", "max_tokens"].includes(k))
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(", ");
    return `${section.problems} problems x ${section.samples} sample(s) x ${section.personas.length} conditions (control + ${section.personas.length - 1} personas), persona in the ${section.personaPlacement} message; ${decoding}`;
  },
  rowFields: (sections) => {
    const math500 =
      sections.find((s) => s.id === "math500") ?? sections.find((s) => s.dataset.name === "math500");
    return {
      math500: math500 ? mathBlock(math500) : null,
      mathTasks: Object.fromEntries(sections.map((s) => [s.id, mathBlock(s)])),
    };
  },
  extraColumns: MATH_EXTRAS,
  extraValue: (row, task, metric) => {
    const block = row.mathTasks[task];
    if (!block || !(metric in block)) return undefined;
    const value = block[metric as keyof LeaderboardMathBlock];
    return typeof value === "number" ? value : null;
  },
  plainLabelTasks: ["math500"],
  charts: (rows, tasks) => {
    const shown = chartedRows(rows, tasks);
    const lottery = shown[0]?.block.lottery;
    return [
      {
        title: "Accuracy by persona and model",
        caption:
          "Each cell is a model's accuracy under one persona; the first column is the control (no persona). Rows that change colour across are models a persona moves.",
        spec: accuracyHeatmapSpec(
          shown.map(({ label, block }) => ({ model: label, personas: block.personas })),
        ),
      },
      {
        title: "Persona lottery",
        caption:
          "Expected best accuracy when k personas are tried and the best kept, one line per model: a steep curve means a lucky prompt flatters the model.",
        spec: lotterySpec(
          shown.flatMap(({ label, block }) =>
            block.lottery ? [{ model: label, expectedMaxAtK: block.lottery.expectedMaxAtK }] : [],
          ),
          lottery ? `over ${lottery.personas.length} personas` : "",
        ),
      },
    ];
  },
  personaFigureValue: (row, tasks) => {
    const block = chartedBlock(row, tasks);
    return block?.pss == null ? null : { value: block.pss, ci95: block.pssCi95 };
  },
};

/** The math block a group's charts show: MATH500 when present, else the group's first math task. */
function chartedBlock(
  row: LeaderboardRowFields,
  tasks: readonly LeaderboardGroupTask[],
): LeaderboardMathBlock | null {
  if (row.math500) return row.math500;
  const id = tasks.some((t) => t.id === "math500") ? "math500" : tasks.find((t) => t.kind === "math")?.id;
  return id ? (row.mathTasks[id] ?? null) : null;
}

function chartedRows(rows: readonly LeaderboardChartRow[], tasks: readonly LeaderboardGroupTask[]) {
  return rows.flatMap(({ label, fields }) => {
    const block = chartedBlock(fields, tasks);
    return block ? [{ label, block }] : [];
  });
}
