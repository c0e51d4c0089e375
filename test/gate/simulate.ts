/**
 * Synthetic paired runs with known truth, for the gate's calibration: a population of problems with a latent
 * difficulty, personas with their own effects, and two runs drawn independently (different seeds at temperature
 * > 0: the noise the gate must tolerate).
 */
import { join } from "node:path";
import { evaluatePolicy, loadPolicy } from "../../src/gate/index.js";
import { createRng, type Rng, type RunScores } from "../../src/metrics/index.js";
import { estimateMathScores } from "../../src/task-kinds/math/gate.js";
import { repoRoot } from "../helpers/paths.js";

export interface Scenario {
  problems: number;
  personas: number;
  /** Mean accuracy around which the model sits (logit intercept). */
  accuracy: number;
  /** SD of the per-problem latent difficulty on the logit scale. */
  difficultySd: number;
  /** SD of the persona effects on the logit scale. */
  personaSd: number;
  /** Candidate change: a drop of mean accuracy (all conditions scaled), or one persona's drop. */
  change:
    | { kind: "none" }
    | { kind: "all"; drop: number }
    | { kind: "persona"; persona: number; drop: number };
}

export const DEFAULT_SCENARIO: Scenario = {
  problems: 500,
  personas: 8,
  accuracy: 0.65,
  difficultySd: 2,
  personaSd: 0.3,
  change: { kind: "none" },
};

function normal(rng: Rng): number {
  const u = 1 - rng.nextFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const logit = (p: number) => Math.log(p / (1 - p));
const expit = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * One comparison: fresh problems and persona effects, the baseline's and the candidate's probabilities of a
 * correct answer per (condition, problem), and one Bernoulli draw per run. A change scales the candidate's
 * probabilities so that its expected accuracy (over these problems) drops by exactly `drop`.
 */
export function simulatePair(
  scenario: Scenario,
  seed: number,
): { baseline: RunScores; candidate: RunScores } {
  const rng = createRng(seed);
  const { problems, personas } = scenario;
  const conditions = personas + 1;
  const theta = Float64Array.from({ length: problems }, () => normal(rng) * scenario.difficultySd);
  const phi = Float64Array.from({ length: conditions }, () => normal(rng) * scenario.personaSd);
  const a = logit(scenario.accuracy);
  const base: Float64Array[] = [];
  const cand: Float64Array[] = [];
  for (let j = 0; j < conditions; j++) {
    const p = Float64Array.from(theta, (t) => expit(a + t + phi[j]!));
    let mean = 0;
    for (const x of p) mean += x / problems;
    const change = scenario.change;
    const drop =
      change.kind === "all"
        ? change.drop
        : change.kind === "persona" && change.persona === j
          ? change.drop
          : 0;
    const scale = drop === 0 ? 1 : Math.max(0, 1 - drop / mean);
    base.push(Float64Array.from(p, (x) => (rng.nextFloat() < x ? 1 : 0)));
    cand.push(Float64Array.from(p, (x) => (rng.nextFloat() < x * scale ? 1 : 0)));
  }
  return {
    baseline: { control: base[0]!, personas: base.slice(1) },
    candidate: { control: cand[0]!, personas: cand.slice(1) },
  };
}

export type Tally = { pass: number; fail: number; inconclusive: number; comparisons: number };

/**
 * Runs `comparisons` simulated comparisons through the gate's own estimation and rule code with the shipped
 * default policy (except the resample count, see calibration tests) and counts the verdicts.
 */
export function calibrate(
  scenario: Scenario,
  comparisons: number,
  resamples: number,
  firstSeed: number,
): Tally {
  const policy = loadPolicy(join(repoRoot, "benchmarks/gate-default.yaml"));
  policy.bootstrap.resamples = resamples;
  const tally: Tally = { pass: 0, fail: 0, inconclusive: 0, comparisons };
  const conditions = Array.from({ length: scenario.personas + 1 }, (_, i) => (i === 0 ? "none" : `p${i}`));
  for (let s = 0; s < comparisons; s++) {
    const { baseline, candidate } = simulatePair(scenario, firstSeed + s);
    const estimates = estimateMathScores(
      { task: "sim", conditions, totalProblems: scenario.problems, samples: 1 },
      baseline,
      candidate,
      policy,
      0.7,
    );
    tally[evaluatePolicy(policy, [estimates]).verdict]++;
  }
  return tally;
}

export function rates(t: Tally): string {
  const pct = (k: number) => `${((100 * k) / t.comparisons).toFixed(1)}%`;
  return `pass ${pct(t.pass)}, fail ${pct(t.fail)}, inconclusive ${pct(t.inconclusive)} of ${t.comparisons}`;
}
