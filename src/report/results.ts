import type { BenchmarkDefinition } from "../config/benchmark.js";
import { getValidator } from "../config/schemas.js";
import type { AdapterErrorKind, ModelIdentity } from "../models/types.js";
import type { FailureRecord, RunRecord, RunStatus } from "../store/types.js";
import { HARNESS_VERSION } from "../version.js";
import { ResultsValidationError } from "./errors.js";
import { RESULTS_SCHEMA_VERSION, type Results } from "./types.js";

export { ResultsValidationError };

const ERROR_EXAMPLES = 5;

/** Choices the paper leaves open, recorded with every result so nobody mistakes them for the paper's. */
export const SUITE_CHOICES: Record<string, string> = {
  pss: "PSS = mean - population std of persona accuracies (control excluded); our reconstruction, the paper publishes no formula",
  std: "population standard deviation (divide by N)",
  expectedMaxAtK: "exact expectation of the best of k personas drawn uniformly without replacement",
  pairedTest: "exact two-sided McNemar on per-problem majority verdicts, Holm-adjusted across personas",
  deltaInterval: "paired percentile bootstrap over problems (2000 resamples, fixed seed)",
  accuracyInterval: "Wilson score interval with one sample per problem; bootstrap over problems with several",
  seeds:
    "per-request seed derived from the benchmark seed, problem id and sample index; the same for every persona",
  flipRate:
    "share of problems on which the catalog personas (control excluded) do not all reach the same verdict",
  grading: "last \\boxed{} (or explicit answer phrase), exact structural equivalence; see docs/grading.md",
  personaScore:
    "PersonaGym aggregation: item = mean over judges that parsed, task = mean over items, persona = mean of its 5 tasks, model = mean over personas; 95% percentile bootstrap over personas",
  judging:
    "our own rubric wording and judge prompt (answers fenced and neutralised), temperature 0; an unparseable verdict is retried once then counted as unparsed and excluded",
};

export interface AssembleInput {
  run: RunRecord;
  status: RunStatus;
  modelSpec: string;
  identity: ModelIdentity;
  benchmark: BenchmarkDefinition;
  tasks: Results["tasks"];
  skipped: Results["skipped"];
  failures: FailureRecord[];
  usage: Results["usage"];
}

/** Builds results.json and checks it against the versioned schema before anyone can write it. */
export function assembleResults(input: AssembleInput): Results {
  const byKind: Partial<Record<AdapterErrorKind, number>> = {};
  for (const failure of input.failures) byKind[failure.kind] = (byKind[failure.kind] ?? 0) + 1;
  const { identity } = input;
  const results: Results = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: input.run.runId,
    createdAt: input.run.createdAt,
    finishedAt: new Date().toISOString(),
    status: input.status === "running" ? "interrupted" : input.status,
    harness: { name: "persona-bench", version: HARNESS_VERSION, node: process.version },
    model: {
      spec: input.modelSpec,
      provider: identity.provider,
      name: identity.name,
      ...(identity.digest ? { digest: identity.digest } : {}),
      endpoint: identity.endpoint,
      ...(identity.serverVersion ? { serverVersion: identity.serverVersion } : {}),
      details: identity.details,
    },
    benchmark: {
      id: input.benchmark.id,
      hash: input.benchmark.hash,
      ...(input.benchmark.description ? { description: input.benchmark.description } : {}),
    },
    suiteChoices: SUITE_CHOICES,
    tasks: input.tasks,
    skipped: input.skipped,
    errors: {
      total: input.failures.length,
      byKind,
      examples: errorExamples(input.failures).map((f) => ({ key: f.key, kind: f.kind, message: f.message })),
    },
    usage: input.usage,
  };
  validateResults(results);
  return results;
}

/** The first failure of each kind, then more in store order, so every kind in the report has a reason shown. */
function errorExamples(failures: FailureRecord[]): FailureRecord[] {
  const firstOfKind = failures.filter((f, i) => failures.findIndex((g) => g.kind === f.kind) === i);
  const rest = failures.filter((f) => !firstOfKind.includes(f));
  return [...firstOfKind, ...rest].slice(0, Math.max(ERROR_EXAMPLES, firstOfKind.length));
}

export function validateResults(results: unknown): asserts results is Results {
  const validate = getValidator("results");
  if (!validate(results)) {
    const error = validate.errors?.[0];
    throw new ResultsValidationError(
      `results do not match schemas/results.schema.json: ${error?.instancePath || "/"} ${error?.message ?? ""}`.trim(),
    );
  }
}
