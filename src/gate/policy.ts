import type { ValidateFunction } from "ajv";
import { loadValidated } from "../config/load.js";
import { composedValidator } from "../config/schemas.js";
import { InputError } from "../core/input-error.js";
import { registryGeneration } from "../task-kinds/registry.js";
import { gatedKinds } from "./kinds.js";
import type { GatePolicy, GateRule } from "./types.js";

/** The policy file as written (schemas/gate-policy.schema.json). */
interface PolicyFile {
  confidence?: number;
  alpha?: number;
  bootstrap?: { resamples?: number; seed?: number };
  minPaired?: { problems?: number; personas?: number };
  rules: (Omit<GateRule, "id"> & { id?: string })[];
}

export const POLICY_DEFAULTS = {
  confidence: 0.95,
  alpha: 0.05,
  bootstrap: { resamples: 2000, seed: 20_260_410 },
  /**
   * SUITE CHOICE: 30 paired problems (personas for PersonaGym). At 30 the percentile bootstrap's one-sided bound
   * sits 5% closer to the estimate than Student's t bound (15% at 10, zero width at 1), and a sample that shows no
   * change at all bounds the rate of changed answers only at 3/n (the rule of three): 10 points at 30, the widest
   * default margin. docs/gate.md has the reasoning.
   */
  minPaired: { problems: 30, personas: 30 },
} as const;

/**
 * Reads and validates a gate policy (YAML or JSON). Every problem is an InputError naming the file, line and
 * field: schema violations, and rule ids that repeat.
 */
export function loadPolicy(file: string): GatePolicy {
  const loaded = loadValidated<PolicyFile>(file, policyValidator());
  const { value } = loaded;
  const seen = new Map<string, number>();
  const rules = value.rules.map((rule, index): GateRule => {
    const id = rule.id ?? defaultRuleId(rule);
    const first = seen.get(id);
    if (first !== undefined) {
      throw new InputError(
        `rule id "${id}" is already used by rules[${first}]; give one of them an id`,
        loaded.locate(["rules", index]),
      );
    }
    seen.set(id, index);
    return { ...rule, id } as GateRule;
  });
  return {
    source: file,
    sha256: loaded.sha256,
    confidence: value.confidence ?? POLICY_DEFAULTS.confidence,
    alpha: value.alpha ?? POLICY_DEFAULTS.alpha,
    bootstrap: {
      resamples: value.bootstrap?.resamples ?? POLICY_DEFAULTS.bootstrap.resamples,
      seed: value.bootstrap?.seed ?? POLICY_DEFAULTS.bootstrap.seed,
    },
    minPaired: {
      problems: value.minPaired?.problems ?? POLICY_DEFAULTS.minPaired.problems,
      personas: value.minPaired?.personas ?? POLICY_DEFAULTS.minPaired.personas,
    },
    rules,
  };
}

function defaultRuleId(rule: Omit<GateRule, "id">): string {
  const task = rule.task ? `-${rule.task.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}` : "";
  if (rule.type === "persona-drop") return `persona-drop${task}`;
  return `${rule.type}-${(rule as unknown as { metric: string }).metric}${task}`;
}

/**
 * schemas/gate-policy.schema.json with the metrics a rule may name taken from the registered kinds' gate parts, so
 * a kind registered by a plugin (or a test) is gated like a built-in one.
 */
function policyValidator(): ValidateFunction {
  return composedValidator("gate-policy", registryGeneration(), (schema) => {
    const definitions = schema.definitions as { metric: { enum: string[] } };
    definitions.metric.enum = [
      ...new Set(gatedKinds().flatMap(({ gate }) => gate.metrics.map((m) => m.name))),
    ];
  });
}
