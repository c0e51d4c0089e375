/** persona-bench as a library: the same pipeline the CLI runs. */
export { applyOverrides, type BenchmarkDefinition, loadBenchmark } from "./benchmark/benchmark.js";
export { InputError } from "./core/input-error.js";
export {
  type GatePolicy,
  type GateReport,
  gate,
  loadPolicy,
  loadSide,
  renderJunit,
  renderMarkdown,
  renderTerminal,
} from "./gate/index.js";
export * from "./metrics/index.js";
export { createAdapter, listProviders } from "./models/registry.js";
export { ModelSpecError, parseModelSpec } from "./models/spec.js";
export * from "./models/types.js";
export { loadCatalog, type Persona, type PersonaCatalog, selectPersonas } from "./personas/catalog.js";
export {
  DEFAULT_TIMEOUTS,
  type EvaluateEvent,
  type EvaluateOptions,
  type EvaluationPreview,
  evaluate,
  previewEvaluation,
} from "./pipeline/evaluate.js";
export { type BenchmarkOutcome, dryRun, prepareBenchmark, runBenchmark, runIdFor } from "./pipeline/run.js";
export { writeReports } from "./report/write.js";
export { validateResults } from "./results/assemble.js";
export { loadResults, parseResults } from "./results/load.js";
export {
  type HeadlineMetric,
  RESULTS_SCHEMA_VERSION,
  type Results,
  type StatisticalSettings,
  type TaskSection,
  type TaskSectionFrame,
} from "./results/types.js";
export { decodeJudgements, decodeMathOutcomes } from "./results/verdicts.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./runner/retry.js";
export type { Endpoint } from "./runner/stage.js";
export { GRADER_VERSION, grade, isEquivalent } from "./scoring/math/index.js";
export { Store } from "./store/store.js";
export {
  isMathSection,
  type Math500PersonaResult,
  type Math500Results,
  type Math500Summary,
  type MathPersonaResult,
  type MathSection,
  type MathSummary,
  mathSections,
} from "./task-kinds/math/section-types.js";
export {
  isPersonaGymSection,
  type PersonaGymSection,
  personaGymSections,
} from "./task-kinds/personagym/section-types.js";
export { registeredTaskKinds, registerTaskKind, unregisterTaskKind } from "./task-kinds/registry.js";
export type { PreparedTask, TaskKind, TaskModels } from "./task-kinds/types.js";
export { HARNESS_VERSION } from "./version.js";
