import { type DatasetOptions, hashFile, resolveDataset } from "../../datasets/datasets.js";
import { modelCacheKey } from "../../plan/keys.js";
import { countCached } from "../../runner/stage.js";
import type { DatasetHandle, PreparedTask, TaskKind, TaskModels } from "../types.js";
import { applyMathOverrides, type MathTaskConfig, mathHashView, resolveMathTask } from "./config.js";
import { pinnedFileDataset } from "./datasets.js";
import { planMath } from "./plan.js";
import { selectProblems } from "./problems.js";
import { MATH_SCORER, type MathVerdict, mathScorer, mathTargets } from "./score.js";
import {
  buildMathSection,
  type MathDatasetRecord,
  mathGenerationStates,
  mathStatesFromMembers,
} from "./section.js";
import { mathSectionKind } from "./section-kind.js";
import {
  findMathDataset,
  loadMathProblems,
  type MathProblem,
  mappedRowReader,
  mathDatasets,
} from "./sources.js";

const SUITE_CHOICES = {
  pss: "PSS = mean - population std of persona accuracies (control excluded); our reconstruction, the paper publishes no formula",
  std: "population standard deviation (divide by N)",
  expectedMaxAtK: "exact expectation of the best of k personas drawn uniformly without replacement",
  pairedTest:
    "one sample: exact two-sided McNemar on per-problem verdicts; several: sign-flip permutation test on per-problem differences of mean@S; Holm-adjusted across personas",
  deltaInterval: "paired percentile bootstrap over problems (2000 resamples, fixed seed)",
  accuracyInterval: "Wilson score interval with one sample per problem; bootstrap over problems with several",
  passAtK: "with several samples, unbiased pass@k (Chen et al. 2021) averaged over problems answered in full",
  seeds:
    "per-request seed derived from the benchmark seed, problem id and sample index; the same for every persona",
  flipRate:
    "share of problems (with several samples: of problem-sample pairs, which share their seed) on which the catalog personas (control excluded) do not all reach the same verdict",
  grading: "last \\boxed{} (or explicit answer phrase), exact structural equivalence; see docs/grading.md",
};

/**
 * Persona stability on a math task set: every persona (and the no-persona control) on the same problems, graded by
 * the math grader. `task: math` takes any registered dataset or a user's JSONL; `task: math500` is the version-1
 * spelling of `task: math` on MATH500.
 */
function mathKind(
  task: "math" | "math500",
  datasets: () => readonly DatasetHandle[],
): TaskKind<MathTaskConfig> {
  return {
    task,
    kind: "math",
    sections: mathSectionKind,
    blockSchema: { $ref: task === "math" ? "#/definitions/mathTask" : "#/definitions/math500Task" },
    roles: [],
    suiteChoices: SUITE_CHOICES,
    get datasets() {
      return datasets();
    },
    resolve: resolveMathTask,
    hashView: mathHashView,
    applyOverrides: applyMathOverrides,
    judgeSpecs: () => [],
    async prepare(config, data): Promise<PreparedTask> {
      const { problems: all, dataset } = await loadDataset(config, data);
      const problems = selectProblems(all, config.limit);
      const planFor = ({ subject }: TaskModels) =>
        planMath(config, problems, modelCacheKey(subject.identity));
      return {
        config,
        describe: () => {
          const personas = config.personas.length;
          return `${config.id}: ${problems.length} problems${config.id === dataset.name ? "" : ` of ${dataset.name}`} x ${personas + 1} conditions (control + ${personas} personas) x ${config.samples} sample(s)`;
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
          await ctx.score(mathScorer(), mathTargets(plan), {
            taskId: config.id,
            stage: config.id,
            size: plan.size,
          });
        },
        section(ctx, models, settings) {
          const plan = planFor(models);
          const failedKeys = new Set(ctx.store.failures(ctx.runId).map((f) => f.key));
          const stage = { runId: ctx.runId, taskId: config.id, stage: config.id };
          const { states, graded } =
            mathStatesFromMembers(
              plan,
              ctx.store.memberScores<MathVerdict>(stage, MATH_SCORER),
              failedKeys,
            ) ?? mathGenerationStates(plan, ctx.store, failedKeys);
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
}

/** A registered dataset from the data dir, the cache or its pinned source; or the user's own file as it is. */
async function loadDataset(
  config: MathTaskConfig,
  data: DatasetOptions,
): Promise<{ problems: MathProblem[]; dataset: MathDatasetRecord }> {
  const ref = config.dataset;
  if ("file" in ref) {
    const { sha256 } = await hashFile(ref.file);
    return {
      problems: loadMathProblems(ref.file, mappedRowReader(ref.name, ref.fields), ref.fields.id),
      dataset: { name: ref.name, sha256, pinned: false, origin: "file" },
    };
  }
  const entry = findMathDataset(ref.name)!;
  const resolved = await resolveDataset(entry.source, data);
  return {
    problems: loadMathProblems(resolved.path, entry.readRow, entry.idField),
    dataset: { name: entry.name, sha256: resolved.sha256, pinned: resolved.pinned, origin: resolved.origin },
  };
}

/** MATH500 under its version-1 name. */
export const math500Kind = mathKind("math500", () => [pinnedFileDataset(findMathDataset("math500")!.source)]);
/** Every registered math dataset. */
export const mathTaskKind = mathKind("math", () => mathDatasets().map((d) => pinnedFileDataset(d.source)));
