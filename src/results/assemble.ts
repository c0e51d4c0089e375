import { getValidator } from "../config/schemas.js";
import type { AdapterErrorKind, ModelIdentity } from "../models/types.js";
import type { FailureRecord, RunRecord, RunStatus } from "../store/types.js";
import { HARNESS_VERSION } from "../version.js";
import { ResultsValidationError } from "./errors.js";
import { RESULTS_SCHEMA_VERSION, type Results } from "./types.js";

export { ResultsValidationError };

const ERROR_EXAMPLES = 5;

export interface AssembleInput {
  run: RunRecord;
  status: RunStatus;
  modelSpec: string;
  identity: ModelIdentity;
  /** The benchmark as results record it (a loaded BenchmarkDefinition is one). */
  benchmark: { id: string; hash: string; description?: string };
  tasks: Results["tasks"];
  skipped: Results["skipped"];
  failures: FailureRecord[];
  usage: Results["usage"];
  /** Choices of ours (not the paper's) that apply to the sections present. */
  suiteChoices: Results["suiteChoices"];
  /** The subject's replicas and how many of this run's requests each served, when it has several. */
  replicas?: { endpoint: string; served: number }[];
}

/**
 * Builds results.json. It is checked against the versioned schema where it is written (report/write.ts), which can
 * then still write every other report when a figure is refused.
 */
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
      ...(input.replicas ? { replicas: input.replicas } : {}),
    },
    benchmark: {
      id: input.benchmark.id,
      hash: input.benchmark.hash,
      ...(input.benchmark.description ? { description: input.benchmark.description } : {}),
    },
    suiteChoices: input.suiteChoices,
    tasks: input.tasks,
    skipped: input.skipped,
    errors: {
      total: input.failures.length,
      byKind,
      examples: errorExamples(input.failures).map((f) => ({ key: f.key, kind: f.kind, message: f.message })),
    },
    usage: input.usage,
  };
  return results;
}

/** The first failure of each kind, then more in store order, so every kind in the report has a reason shown. */
function errorExamples(failures: FailureRecord[]): FailureRecord[] {
  const firstOfKind = failures.filter((f, i) => failures.findIndex((g) => g.kind === f.kind) === i);
  const rest = failures.filter((f) => !firstOfKind.includes(f));
  return [...firstOfKind, ...rest].slice(0, Math.max(ERROR_EXAMPLES, firstOfKind.length));
}

/** Checks results about to be written against the current (version 2) schema; names the first figure refused. */
export function validateResults(results: unknown): asserts results is Results {
  const validate = getValidator("results");
  if (validate(results)) return;
  const error = validate.errors?.[0];
  const figure = error?.instancePath || "/";
  const value = JSON.stringify(valueAt(results, figure)) ?? "undefined";
  const detail =
    `${figure} = ${value.length > 80 ? `${value.slice(0, 80)}...` : value} ${error?.message ?? ""}`.trim();
  throw new ResultsValidationError(
    `results do not match schemas/results.schema.json: ${detail}`,
    figure,
    detail,
  );
}

/** The value a JSON pointer (RFC 6901, as ajv's instancePath) designates, or undefined. */
function valueAt(document: unknown, pointer: string): unknown {
  let value = document;
  for (const token of pointer.split("/").slice(1)) {
    if (token === "") continue;
    const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}
