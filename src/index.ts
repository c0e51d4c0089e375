/** persona-bench as a library: the same pipeline the CLI runs. */
export { applyOverrides, type BenchmarkDefinition, loadBenchmark } from "./config/benchmark.js";
export { InputError } from "./config/errors.js";
export * from "./metrics/index.js";
export { createAdapter, listProviders } from "./models/registry.js";
export { ModelSpecError, parseModelSpec } from "./models/spec.js";
export * from "./models/types.js";
export { loadCatalog, type Persona, type PersonaCatalog, selectPersonas } from "./personas/catalog.js";
export { type BenchmarkOutcome, dryRun, prepareBenchmark, runBenchmark, runIdFor } from "./pipeline/run.js";
export type { Endpoint } from "./pipeline/stage.js";
export { loadResults } from "./report/load.js";
export { validateResults } from "./report/results.js";
export type { Math500PersonaResult, Math500Results, Math500Summary, Results } from "./report/types.js";
export { writeReports } from "./report/write.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./runner/retry.js";
export { GRADER_VERSION, grade, isEquivalent } from "./scoring/math/index.js";
export { Store } from "./store/store.js";
export { HARNESS_VERSION } from "./version.js";
