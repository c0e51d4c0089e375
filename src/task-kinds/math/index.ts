import {
  applyMathOverrides,
  type Math500TaskConfig,
  mathHashView,
  resolveMathTask,
} from "../../config/math-task.js";
import { countCached } from "../../pipeline/stage.js";
import { modelCacheKey } from "../../plan/keys.js";
import { planMath500 } from "../../plan/math500.js";
import { resolveDataset } from "../../tasks/datasets.js";
import { loadMath500, selectProblems } from "../../tasks/math500.js";
import type { PreparedTask, TaskKind, TaskModels } from "../types.js";
import { pinnedFileDataset } from "./datasets.js";
import { buildMathSection, mathGenerationStates } from "./section.js";

const DATASET = "math500";

/** MATH500 persona stability: every persona (and the no-persona control) on the same problems. */
export const math500Kind: TaskKind<Math500TaskConfig> = {
  task: "math500",
  kind: "math",
  blockSchema: { $ref: "#/definitions/math500Task" },
  roles: [],
  suiteChoices: {
    pss: "PSS = mean - population std of persona accuracies (control excluded); our reconstruction, the paper publishes no formula",
    std: "population standard deviation (divide by N)",
    expectedMaxAtK: "exact expectation of the best of k personas drawn uniformly without replacement",
    pairedTest: "exact two-sided McNemar on per-problem majority verdicts, Holm-adjusted across personas",
    deltaInterval: "paired percentile bootstrap over problems (2000 resamples, fixed seed)",
    accuracyInterval:
      "Wilson score interval with one sample per problem; bootstrap over problems with several",
    seeds:
      "per-request seed derived from the benchmark seed, problem id and sample index; the same for every persona",
    flipRate:
      "share of problems on which the catalog personas (control excluded) do not all reach the same verdict",
    grading: "last \\boxed{} (or explicit answer phrase), exact structural equivalence; see docs/grading.md",
  },
  datasets: [pinnedFileDataset(DATASET)],
  resolve: resolveMathTask,
  hashView: mathHashView,
  applyOverrides: applyMathOverrides,
  judgeSpecs: () => [],
  async prepare(config, data): Promise<PreparedTask> {
    const resolved = await resolveDataset(DATASET, data);
    const problems = selectProblems(loadMath500(resolved.path), config.limit);
    const dataset = {
      name: DATASET,
      sha256: resolved.sha256,
      pinned: resolved.pinned,
      origin: resolved.origin,
    };
    const planFor = ({ subject }: TaskModels) =>
      planMath500(config, problems, modelCacheKey(subject.identity));
    return {
      config,
      describe: () => {
        const personas = config.personas.length;
        return `${config.id}: ${problems.length} problems x ${personas + 1} conditions (control + ${personas} personas) x ${config.samples} sample(s)`;
      },
      skipReason: () => undefined,
      dryRun(models, store) {
        const plan = planFor(models);
        return [
          { stage: config.id, requests: plan.size, cached: store ? countCached(store, plan.items()) : 0 },
        ];
      },
      async execute(ctx, models) {
        const plan = planFor(models);
        await ctx.execute(config.id, config.id, models.subject, plan.items(), plan.size);
      },
      section(ctx, models, settings) {
        const plan = planFor(models);
        const failedKeys = new Set(ctx.store.failures(ctx.runId).map((f) => f.key));
        const { states, graded } = mathGenerationStates(plan, ctx.store, failedKeys);
        if (graded === 0) return undefined;
        return {
          section: buildMathSection(config, plan, states, dataset, settings.alpha),
          // Streamed, not collected: a million-item plan's keys are read once, by the usage totals.
          keys: (function* () {
            for (const item of plan.items()) yield item.key;
          })(),
        };
      },
    };
  },
};
