import type { Math500TaskConfig } from "../config/benchmark.js";
import { modelCacheKey } from "../plan/keys.js";
import { type Math500Plan, planMath500 } from "../plan/math500.js";
import { buildMath500Results, type DatasetRecord } from "../report/math500.js";
import type { Math500Results } from "../report/types.js";
import { scoreMath500 } from "../scoring/math500.js";
import { type DatasetOptions, resolveDataset } from "../tasks/datasets.js";
import { loadMath500, type MathProblem, selectProblems } from "../tasks/math500.js";
import type { Endpoint, StageContext } from "./stage.js";

export interface PreparedMath500 {
  config: Math500TaskConfig;
  problems: MathProblem[];
  dataset: DatasetRecord;
}

export async function prepareMath500(
  config: Math500TaskConfig,
  data: DatasetOptions,
): Promise<PreparedMath500> {
  const resolved = await resolveDataset("math500", data);
  return {
    config,
    problems: selectProblems(loadMath500(resolved.path), config.limit),
    dataset: { sha256: resolved.sha256, pinned: resolved.pinned, origin: resolved.origin },
  };
}

export function planPrepared(prepared: PreparedMath500, subject: Endpoint): Math500Plan {
  return planMath500(prepared.config, prepared.problems, modelCacheKey(subject.identity));
}

export async function executeMath500(
  ctx: StageContext,
  prepared: PreparedMath500,
  subject: Endpoint,
): Promise<void> {
  const plan = planPrepared(prepared, subject);
  await ctx.execute("math500", subject, modelCacheKey(subject.identity), plan.items(), plan.size);
}

/** Grades what the store holds for the plan and computes the section; undefined when nothing is graded yet. */
export function buildMath500Section(
  ctx: StageContext,
  prepared: PreparedMath500,
  subject: Endpoint,
  failedKeys: ReadonlySet<string>,
): { section: Math500Results; keys: string[] } | undefined {
  const plan = planPrepared(prepared, subject);
  const verdicts = scoreMath500(plan, ctx.store);
  if (verdicts.size === 0) return undefined;
  return {
    section: buildMath500Results(prepared.config, plan, verdicts, failedKeys, prepared.dataset),
    keys: [...plan.items()].map((item) => item.key),
  };
}
