import { type BootstrapInterval, unitsToDecide } from "../metrics/index.js";
import type { FigureScale, PairedFigure, PairedUnit, SectionGate } from "../task-kinds/section-gate.js";
import type { TaskEstimates } from "./estimate.js";
import { gatedKinds, gateOf, gateOfEstimates } from "./kinds.js";
import type {
  FloorRule,
  GateMetric,
  GatePolicy,
  GateRule,
  NonInferiorityRule,
  PersonaDropRule,
  RuleOutcome,
  RuleResult,
} from "./types.js";

/** Beyond this many times the data we have, advice says "far more" instead of a number. */
const ADVICE_CAP = 100;

/** A persona-drop rule applies where a kind has per-condition paired tests; the others where it offers the metric. */
function takes(gate: SectionGate, rule: GateRule): boolean {
  return rule.type === "persona-drop"
    ? gate.drops !== undefined
    : gate.metrics.some((m) => m.name === rule.metric);
}

/** The registered results kinds a rule applies to. */
export function kindsOfRule(rule: GateRule): string[] {
  return gatedKinds()
    .filter(({ gate }) => takes(gate, rule))
    .map(({ kind }) => kind);
}

/** The tasks a rule applies to: the one it names, or every task of a kind it applies to. */
export function tasksOfRule(rule: GateRule, estimates: readonly TaskEstimates[]): TaskEstimates[] {
  return estimates.filter((e) => {
    const gate = gateOf(e.kind);
    return gate !== undefined && takes(gate, rule) && (rule.task === undefined || e.task === rule.task);
  });
}

/** Applies one rule to one task's estimates; below the policy's minimum of paired units it cannot pass or fail. */
export function evaluateRule(
  rule: GateRule,
  estimates: TaskEstimates,
  policy: Pick<GatePolicy, "confidence" | "alpha" | "minPaired">,
): RuleResult {
  const gate = gateOfEstimates(estimates);
  let result: RuleResult;
  if (rule.type === "persona-drop") {
    result = personaDrop(rule, estimates, gate, policy.alpha);
  } else {
    const figure = figureOf(rule.metric, estimates, gate);
    result =
      rule.type === "non-inferiority"
        ? nonInferiority(rule, estimates, figure, policy.confidence)
        : floor(rule, estimates, figure, policy.confidence);
  }
  return tooFewUnits(result, pairedUnits(estimates, policy));
}

/** The paired units of a task's estimates and the policy's minimum for them. */
export function pairedUnits(
  estimates: TaskEstimates,
  policy: Pick<GatePolicy, "minPaired">,
): { unit: PairedUnit; paired: number; total: number; minimum: number } {
  const gate = gateOfEstimates(estimates);
  return { unit: gate.unit, ...gate.coverage(estimates), minimum: policy.minPaired[gate.unit] };
}

/**
 * Below the minimum the bootstrap bounds are too narrow to trust (with one paired problem they have zero width), so
 * a rule is inconclusive whatever they say. A persona-drop failure stands: its exact McNemar test holds its error
 * rate at any size.
 */
function tooFewUnits(
  result: RuleResult,
  { unit, paired, minimum }: ReturnType<typeof pairedUnits>,
): RuleResult {
  if (paired >= minimum || (result.type === "persona-drop" && result.result === "fail")) return result;
  return {
    ...result,
    result: "inconclusive",
    reason: `${paired} paired ${paired === 1 ? unit.slice(0, -1) : unit}; at least ${minimum} needed (the policy's minPaired.${unit}): too few to trust the bounds, which say: ${result.reason}`,
    advice: {
      units: minimum,
      samplesPerProblem: null,
      text: `at least ${minimum} paired ${unit} (now ${paired}): finish an incomplete run (its \`persona-bench run\` command resumes it), or run more ${unit}`,
    },
  };
}

interface Figure extends PairedFigure {
  units: number;
  unit: PairedUnit;
  scale: FigureScale;
  /** Samples per unit and temperature, when the kind can take more samples. */
  sampling: { samples: number; temperature: number | null } | undefined;
}

function figureOf(metric: GateMetric, estimates: TaskEstimates, gate: SectionGate): Figure {
  const spec = gate.metrics.find((m) => m.name === metric);
  if (!spec) throw new Error(`${metric} is not a metric of ${estimates.kind} tasks`);
  const { baseline, candidate, difference } = gate.figure(metric, estimates);
  return {
    baseline,
    candidate,
    difference,
    units: gate.coverage(estimates).paired,
    unit: gate.unit,
    scale: spec.scale,
    sampling: gate.sampling?.(estimates),
  };
}

/** pass when the lower bound is above -margin, fail when the upper bound is below it, inconclusive otherwise. */
function nonInferiority(
  rule: NonInferiorityRule,
  estimates: TaskEstimates,
  figure: Figure,
  confidence: number,
): RuleResult {
  const d = figure.difference;
  const threshold = -rule.margin;
  const result: RuleOutcome = d.lo > threshold ? "pass" : d.hi < threshold ? "fail" : "inconclusive";
  const bound = `${pct(confidence)} one-sided`;
  const what = `candidate - baseline ${show(d.estimate, figure.scale, true)}`;
  const reason =
    result === "pass"
      ? `${what}: its ${bound} lower bound ${show(d.lo, figure.scale, true)} is above ${show(threshold, figure.scale, true)}`
      : result === "fail"
        ? `${what}: its ${bound} upper bound ${show(d.hi, figure.scale, true)} is below ${show(threshold, figure.scale, true)}, a regression beyond the margin`
        : `${what}: the ${bound} bounds [${show(d.lo, figure.scale, true)}, ${show(d.hi, figure.scale, true)}] contain ${show(threshold, figure.scale, true)}, so the data cannot tell a loss beyond the margin from none`;
  return {
    ...frame(rule, rule.metric, estimates, figure),
    result,
    estimate: d.estimate,
    bounds: [d.lo, d.hi],
    threshold,
    reason,
    ...(result === "inconclusive" ? { advice: advice(d, threshold, figure) } : {}),
  };
}

/** pass when the lower bound is at least the floor, fail when the upper bound is below it. */
function floor(rule: FloorRule, estimates: TaskEstimates, figure: Figure, confidence: number): RuleResult {
  const c = figure.candidate;
  const result: RuleOutcome = c.lo >= rule.min ? "pass" : c.hi < rule.min ? "fail" : "inconclusive";
  const bound = `${pct(confidence)} one-sided`;
  const what = `candidate ${show(c.estimate, figure.scale)}`;
  const reason =
    result === "pass"
      ? `${what}: its ${bound} lower bound ${show(c.lo, figure.scale)} is at least the floor ${show(rule.min, figure.scale)}`
      : result === "fail"
        ? `${what}: its ${bound} upper bound ${show(c.hi, figure.scale)} is below the floor ${show(rule.min, figure.scale)}`
        : `${what}: the ${bound} bounds [${show(c.lo, figure.scale)}, ${show(c.hi, figure.scale)}] contain the floor ${show(rule.min, figure.scale)}`;
  return {
    ...frame(rule, rule.metric, estimates, figure),
    result,
    estimate: c.estimate,
    bounds: [c.lo, c.hi],
    threshold: rule.min,
    reason,
    ...(result === "inconclusive" ? { advice: advice(c, rule.min, figure) } : {}),
  };
}

/** fail when some condition drops by more than `drop` and the drop is significant after Holm; pass otherwise. */
function personaDrop(
  rule: PersonaDropRule,
  estimates: TaskEstimates,
  gate: SectionGate,
  alpha: number,
): RuleResult {
  if (!gate.drops) throw new Error(`persona-drop does not apply to ${estimates.kind} tasks`);
  const personas = gate.drops(estimates).map((d) => ({
    id: d.id,
    delta: d.delta,
    candidateOnly: d.candidateOnly,
    baselineOnly: d.baselineOnly,
    pValue: d.pValue,
    pValueHolm: d.pValueHolm,
    failing: d.delta < -rule.drop && d.baselineOnly > d.candidateOnly && d.pValueHolm <= alpha,
  }));
  const failing = personas.filter((p) => p.failing);
  const worst = personas.reduce((a, b) => (b.delta < a.delta ? b : a));
  const result: RuleOutcome = failing.length > 0 ? "fail" : "pass";
  const reason =
    result === "fail"
      ? `${failing.map((p) => `${p.id} ${show(p.delta, "proportion", true)} (Holm p = ${p3(p.pValueHolm)})`).join(", ")}: a significant drop larger than ${points(rule.drop)}`
      : `no persona drops by more than ${points(rule.drop)} with Holm-adjusted McNemar p <= ${alpha} (largest drop: ${worst.id} ${show(worst.delta, "proportion", true)}, Holm p = ${p3(worst.pValueHolm)})`;
  return {
    rule: rule.id,
    type: rule.type,
    metric: "persona-accuracy",
    task: estimates.task,
    kind: estimates.kind,
    result,
    estimate: worst.delta,
    bounds: null,
    threshold: -rule.drop,
    baseline: null,
    candidate: null,
    units: gate.coverage(estimates).paired,
    unit: gate.unit,
    scale: "proportion",
    reason,
    personas,
  };
}

function frame(rule: GateRule, metric: GateMetric, estimates: TaskEstimates, figure: Figure) {
  return {
    rule: rule.id,
    type: rule.type,
    metric,
    task: estimates.task,
    kind: estimates.kind,
    baseline: figure.baseline,
    candidate: figure.candidate.estimate,
    units: figure.units,
    unit: figure.unit,
    scale: figure.scale,
  };
}

/**
 * How much data would decide at this effect size: the bound's distance from the estimate shrinks like
 * 1/sqrt(units), so units' = units * (distance / |estimate - threshold|)^2. More samples per problem shrink only
 * the sampling part of the noise, so that figure is a lower bound on what they would take, and at temperature 0
 * they do not help at all.
 */
function advice(
  interval: BootstrapInterval,
  threshold: number,
  figure: Figure,
): NonNullable<RuleResult["advice"]> {
  const needed = unitsToDecide(figure.units, interval, threshold);
  if (needed.atThreshold || needed.units === null) {
    return {
      units: null,
      samplesPerProblem: null,
      text: "the estimate sits on the threshold: no amount of data decides it at this effect size",
    };
  }
  if (needed.units > ADVICE_CAP * figure.units) {
    return {
      units: null,
      samplesPerProblem: null,
      text: `the estimate is too close to the threshold for this much noise: more than ${ADVICE_CAP} times the ${figure.units} ${figure.unit} would be needed`,
    };
  }
  const units = Math.max(needed.units, figure.units + 1);
  let samplesPerProblem: number | null = null;
  let samplesText = "";
  const sampling = figure.sampling;
  if (sampling) {
    if (sampling.temperature === 0) {
      samplesText = "; more samples per problem do not help at temperature 0";
    } else {
      samplesPerProblem = Math.ceil((sampling.samples * units) / figure.units);
      samplesText = `; or, on the same problems, at least ${samplesPerProblem} samples per problem instead of ${sampling.samples} if sampling noise dominates`;
    }
  }
  return {
    units,
    samplesPerProblem,
    text: `about ${units} ${figure.unit} would decide it at this effect size (now ${figure.units})${samplesText}`,
  };
}

/** A figure for a sentence: shares as percentage points (signed for differences), scores with two decimals. */
export function show(value: number, scale: FigureScale, signed = false): string {
  const sign = signed && value > 0 ? "+" : "";
  if (scale === "score") return `${sign}${value.toFixed(2)}`;
  return signed ? `${sign}${(value * 100).toFixed(1)} pts` : `${(value * 100).toFixed(1)}%`;
}

/** An unsigned difference of shares, in percentage points. */
export function points(value: number): string {
  return `${(value * 100).toFixed(1)} pts`;
}

function pct(confidence: number): string {
  return `${Number((confidence * 100).toFixed(2))}%`;
}

function p3(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
