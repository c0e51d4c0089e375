import { InputError } from "../config/errors.js";
import { isMathSection, isPersonaGymSection, type Results } from "../results/types.js";
import { compareRuns, requirePairable, type Side } from "./compare.js";
import { estimateMath, estimatePersonaGym, type TaskEstimates } from "./estimate.js";
import { evaluateRule, kindOfMetric, tasksOfRule } from "./rules.js";
import { GATE_REPORT_VERSION, type GatePolicy, type GateReport, type RunReference } from "./types.js";
import { combineVerdict } from "./verdict.js";

/**
 * The release gate: checks that the two runs can be paired (InputError naming every difference when not),
 * estimates candidate - baseline per task, applies the policy's rules and combines them into one verdict.
 */
export function gate(baseline: Side, candidate: Side, policy: GatePolicy): GateReport {
  requirePairable(baseline);
  requirePairable(candidate);
  const differences = compareRuns(baseline.results, candidate.results);
  if (differences.length > 0) {
    throw new InputError(
      `the baseline and the candidate cannot be paired (${differences.length} difference${differences.length === 1 ? "" : "s"}): ${differences.join("; ")}`,
    );
  }
  const sources = { baseline: baseline.source, candidate: candidate.source };
  const estimates: TaskEstimates[] = [];
  for (const [id, b] of Object.entries(baseline.results.tasks)) {
    const c = candidate.results.tasks[id]!;
    if (isMathSection(b) && isMathSection(c)) estimates.push(estimateMath(b, c, policy, sources));
    if (isPersonaGymSection(b) && isPersonaGymSection(c))
      estimates.push(estimatePersonaGym(b, c, policy, sources));
  }
  const report = evaluatePolicy(policy, estimates);
  const notes = [...runNotes(baseline), ...runNotes(candidate)];
  for (const e of estimates) {
    if (e.kind === "math" && e.problems < e.totalProblems) {
      notes.push(
        `task ${e.task}: ${e.problems} of ${e.totalProblems} problems were answered in full by every persona in both runs; only those are paired`,
      );
    }
    if (e.kind === "personagym" && e.personas < e.totalPersonas) {
      notes.push(
        `task ${e.task}: ${e.personas} of ${e.totalPersonas} personas have a PersonaScore in both runs`,
      );
    }
  }
  return {
    schemaVersion: GATE_REPORT_VERSION,
    verdict: report.verdict,
    baseline: reference(baseline),
    candidate: reference(candidate),
    policy: {
      source: policy.source,
      sha256: policy.sha256,
      confidence: policy.confidence,
      alpha: policy.alpha,
      bootstrap: policy.bootstrap,
    },
    rules: report.rules,
    notApplicable: report.notApplicable,
    notes,
  };
}

/**
 * Applies every rule to every task it covers. A rule that names a task the runs do not have is bad input; a rule
 * whose kind the runs do not have (a PersonaGym rule on a MATH-only benchmark) is listed as not applicable.
 */
export function evaluatePolicy(
  policy: Pick<GatePolicy, "rules" | "confidence" | "alpha" | "source">,
  estimates: readonly TaskEstimates[],
): Pick<GateReport, "verdict" | "rules" | "notApplicable"> {
  const rules: GateReport["rules"] = [];
  const notApplicable: GateReport["notApplicable"] = [];
  for (const rule of policy.rules) {
    const kind = rule.type === "persona-drop" ? "math" : kindOfMetric(rule.metric);
    if (rule.task !== undefined && !estimates.some((e) => e.task === rule.task)) {
      throw new InputError(
        `rule ${rule.id} names task ${rule.task}, which the runs do not have (tasks: ${estimates.map((e) => e.task).join(", ")})`,
        { file: policy.source },
      );
    }
    const tasks = tasksOfRule(rule, estimates);
    if (tasks.length === 0 && rule.task !== undefined) {
      throw new InputError(`rule ${rule.id} applies to ${kind} tasks, and task ${rule.task} is not one`, {
        file: policy.source,
      });
    }
    if (tasks.length === 0) {
      notApplicable.push({ rule: rule.id, reason: `the runs have no ${kind} task` });
      continue;
    }
    for (const task of tasks) rules.push(evaluateRule(rule, task, policy));
  }
  if (rules.length === 0) {
    throw new InputError(
      `no rule of the policy applies to these runs (${notApplicable.map((n) => `${n.rule}: ${n.reason}`).join("; ")})`,
      { file: policy.source },
    );
  }
  return { verdict: combineVerdict(rules), rules, notApplicable };
}

function reference(side: Side): RunReference {
  const r: Results = side.results;
  return {
    source: side.source,
    runId: r.runId,
    model: r.model.spec,
    benchmark: r.benchmark.id,
    status: r.status,
  };
}

function runNotes(side: Side): string[] {
  const r = side.results;
  return r.status === "complete"
    ? []
    : [`the ${side.label} run is ${r.status}: only what it finished is compared`];
}
