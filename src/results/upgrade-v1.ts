import { type ControlFigures, mathHeadline, personaGymHeadline, type SpreadFigures } from "./headline.js";
import type { Interval, Results, TaskSection } from "./types.js";

/** What version 1 used, for the statistics block of an upgraded file (it did not record them). */
const V1_BOOTSTRAP = { resamples: 2000, level: 0.95, method: "percentile" } as const;
const V1_ALPHA = 0.05;

/**
 * A version-1 results.json in the version-2 shape, for readers that only know version 2. Nothing is recomputed:
 * the figures are the file's own; what version 1 did not record stays absent (per-item verdicts: such a file can be
 * shown but not paired) or says it is unknown (the math grader's version). `schemaVersion` keeps "1.x.y", so a
 * consumer can tell.
 *
 * Version 1 is a closed format with exactly two sections (math500 and personagym, see schemas/results-v1.schema.json),
 * so this upgrade names them: it runs below the task-kind registry (results sits below task-kinds), and what it
 * builds is the frame plus the file's own fields, typed here by the few it reads.
 */
export function upgradeV1(v1: Record<string, unknown>): Results {
  const tasks: Record<string, TaskSection> = {};
  const old = v1.tasks as { math500?: Record<string, unknown>; personagym?: Record<string, unknown> };
  if (old.math500) tasks.math500 = upgradeMath(old.math500);
  if (old.personagym) tasks.personagym = upgradePersonaGym(old.personagym);
  return { ...(v1 as unknown as Results), tasks };
}

/** The fields of a version-1 math500 section the upgrade reads. */
interface V1Math {
  dataset: { sha256: string; pinned: boolean; origin: string };
  samples: number;
  personas: ControlFigures[];
  summary: SpreadFigures | null;
}

function upgradeMath(section: Record<string, unknown>): TaskSection {
  const math = section as unknown as V1Math;
  return {
    ...math,
    id: "math500",
    kind: "math",
    dataset: { name: "math500", hash: math.dataset.sha256, ...math.dataset },
    scorer: { name: "math-grader", version: "unknown (results version 1)" },
    headline: mathHeadline(math.personas[0], math.summary),
    statistics: {
      alpha: V1_ALPHA,
      bootstrap: { ...V1_BOOTSTRAP, seed: 20_260_410 },
      intervals: {
        accuracy:
          math.samples === 1
            ? "Wilson score interval over generations"
            : "percentile bootstrap over problems of mean@S",
        deltaVsControl: "paired percentile bootstrap over problems of the per-problem difference of mean@S",
      },
      pairedTest: "exact two-sided McNemar on per-problem majority verdicts (mean@S > 0.5 is right)",
      multipleComparisons: "Holm across the task's personas",
    },
  };
}

/** The fields of a version-1 personagym section the upgrade reads. */
interface V1PersonaGym {
  dataset: { digest: string };
  settings: { judgePromptVersion: string };
  personaScore: number | null;
  ci95: Interval | null;
}

function upgradePersonaGym(section: Record<string, unknown>): TaskSection {
  const pg = section as unknown as V1PersonaGym;
  return {
    ...pg,
    id: "personagym",
    kind: "personagym",
    dataset: { name: "personagym", hash: pg.dataset.digest, ...pg.dataset },
    scorer: { name: "personagym-judge", version: pg.settings.judgePromptVersion },
    headline: personaGymHeadline(pg),
    statistics: {
      alpha: V1_ALPHA,
      bootstrap: { ...V1_BOOTSTRAP, seed: 20_240_726 },
      intervals: { personaScore: "percentile bootstrap over personas of their PersonaScore" },
    },
  };
}
