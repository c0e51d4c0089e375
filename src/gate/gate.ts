import { canonicalJson, sha256Hex } from "../core/canonical.js";
import { InputError } from "../core/input-error.js";
import type { Results } from "../results/types.js";
import { isMathSection } from "../task-kinds/math/section-types.js";
import { isPersonaGymSection } from "../task-kinds/personagym/section-types.js";
import { compareRuns, requirePairable, type Side } from "./compare.js";
import { requireConsistent } from "./consistency.js";
import { estimateMath, estimatePersonaGym, type TaskEstimates } from "./estimate.js";
import { evaluateRule, kindOfMetric, pairedUnits, tasksOfRule } from "./rules.js";
import { GATE_REPORT_VERSION, type GatePolicy, type GateReport, type RunReference } from "./types.js";
import { combineVerdict } from "./verdict.js";

/**
 * The release gate: checks that the two runs can be paired (InputError naming every difference when not),
 * estimates candidate - baseline per task, applies the policy's rules and combines them into one verdict.
 */
export function gate(baseline: Side, candidate: Side, policy: GatePolicy): GateReport {
  requireTwoRuns(baseline, candidate);
  requirePairable(baseline);
  requirePairable(candidate);
  requireConsistent(baseline);
  requireConsistent(candidate);
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
  const coverage = estimates.map((e) => ({ task: e.task, ...pairedUnits(e, policy) }));
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
      minPaired: policy.minPaired,
    },
    coverage,
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
  policy: Pick<GatePolicy, "rules" | "confidence" | "alpha" | "minPaired" | "source">,
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
    ...(side.sha256 ? { sha256: side.sha256 } : {}),
  };
}

/**
 * A run gated against itself passes whatever it holds, so the pair must be two runs: two run ids, and not the same
 * model with identical task sections (a copy under another run id, or a re-run read entirely from the cache).
 */
export function requireTwoRuns(baseline: Side, candidate: Side): void {
  const b = baseline.results;
  const c = candidate.results;
  if (b.runId === c.runId) {
    throw new InputError(
      `the baseline (${baseline.source}) and the candidate (${candidate.source}) are one run, ${b.runId}: gate a candidate run against another run`,
    );
  }
  const digest = (r: Results) => sha256Hex(canonicalJson({ model: r.model, tasks: r.tasks }));
  const same = digest(b);
  if (same === digest(c)) {
    throw new InputError(
      `the baseline (${baseline.source}, run ${b.runId}) and the candidate (${candidate.source}, run ${c.runId}) hold the same model and identical task sections (sha256 ${same.slice(0, 12)}): one run's answers under two run ids; gate a candidate run against another run`,
    );
  }
}

function runNotes(side: Side): string[] {
  const r = side.results;
  return r.status === "complete"
    ? []
    : [`the ${side.label} run is ${r.status}: only what it finished is compared`];
}
