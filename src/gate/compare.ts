import { canonicalJson } from "../core/canonical.js";
import { InputError } from "../core/input-error.js";
import type { Results } from "../results/types.js";
import { isMathSection, type MathSection } from "../task-kinds/math/section-types.js";
import { isPersonaGymSection, type PersonaGymSection } from "../task-kinds/personagym/section-types.js";

/** How a side of the comparison was given: its label ("baseline", "candidate") and the file or run id read. */
export interface Side {
  label: "baseline" | "candidate";
  source: string;
  results: Results;
  /** The results.json read, for messages: the source itself, or a run id's file in its report folder. */
  file?: string;
  /** sha256 of the bytes of that file, so a CI job can record and check which baseline it gated against. */
  sha256?: string;
  /** Set when the side is a run of the store (given by run id), which the gate may then re-grade. */
  storeRun?: boolean;
}

const RERUN_ADVICE =
  "re-run the same `persona-bench run` command with this persona-bench to write a version-2 file: every model call is cached, so it makes no new call";

/**
 * A file can be paired only when it carries per-item verdicts (results version 2). A version-1 file, or a section
 * without them, is refused with how to produce one.
 */
export function requirePairable(side: Side): void {
  const { results, label, source } = side;
  if (!results.schemaVersion.startsWith("2.")) {
    throw new InputError(
      `the ${label} is a version-${results.schemaVersion.split(".")[0]} results file (schemaVersion ${results.schemaVersion}): it has no per-item verdicts, so it cannot be paired; ${RERUN_ADVICE}`,
      { file: source },
    );
  }
  for (const section of Object.values(results.tasks)) {
    if (
      isMathSection(section) &&
      (!section.items || section.personas.some((p) => p.outcomes === undefined))
    ) {
      throw new InputError(
        `the ${label}'s task ${section.id} has no per-item outcomes, so it cannot be paired; ${RERUN_ADVICE}`,
        { file: source },
      );
    }
    if (
      isPersonaGymSection(section) &&
      section.personas.some((p) => p.personaScore !== null && p.verdicts === undefined)
    ) {
      throw new InputError(
        `the ${label}'s task ${section.id} has no per-question judge verdicts, so its PersonaScores cannot be checked; ${RERUN_ADVICE}`,
        { file: source },
      );
    }
  }
}

/**
 * Everything that must be equal for the two runs to be paired, as one sentence per difference: the tasks, and per
 * task the items, personas (ids and texts), prompt, persona placement, samples, decoding apart from the seed,
 * dataset, catalog and scorer version. Different seeds are expected: that is the noise the gate accounts for.
 */
export function compareRuns(baseline: Results, candidate: Results): string[] {
  const differences: string[] = [];
  const baseIds = Object.keys(baseline.tasks);
  const candIds = Object.keys(candidate.tasks);
  for (const id of baseIds) if (!candIds.includes(id)) differences.push(`task ${id} is in the baseline only`);
  for (const id of candIds)
    if (!baseIds.includes(id)) differences.push(`task ${id} is in the candidate only`);
  for (const id of baseIds.filter((i) => candIds.includes(i))) {
    const b = baseline.tasks[id]!;
    const c = candidate.tasks[id]!;
    if (b.kind !== c.kind) {
      differences.push(`task ${id}: kind ${b.kind} vs ${c.kind}`);
    } else if (isMathSection(b) && isMathSection(c)) {
      differences.push(...compareMath(b, c).map((d) => `task ${id}: ${d}`));
    } else if (isPersonaGymSection(b) && isPersonaGymSection(c)) {
      differences.push(...comparePersonaGym(b, c).map((d) => `task ${id}: ${d}`));
    } else {
      differences.push(`task ${id}: the gate does not know task kind ${b.kind}`);
    }
  }
  return differences;
}

function compareMath(b: MathSection, c: MathSection): string[] {
  const out: string[] = [];
  out.push(...compareScorer(b, c));
  if (b.dataset.hash !== c.dataset.hash)
    out.push(
      `dataset ${b.dataset.name} ${short(b.dataset.hash)} vs ${c.dataset.name} ${short(c.dataset.hash)}`,
    );
  out.push(...compareItems(b.items ?? [], c.items ?? []));
  out.push(...comparePersonas(b.personas, c.personas));
  if (b.prompt !== c.prompt) out.push("prompt template differs");
  if (b.personaPlacement !== c.personaPlacement)
    out.push(`persona placement ${b.personaPlacement} vs ${c.personaPlacement}`);
  if (b.samples !== c.samples) out.push(`samples per problem ${b.samples} vs ${c.samples}`);
  out.push(...compareDecoding("decoding", b.decoding, c.decoding));
  if (canonicalJson(b.catalog) !== canonicalJson(c.catalog)) {
    out.push(
      `persona catalog ${b.catalog.id} version ${b.catalog.version} (${short(b.catalog.sha256)}) vs ${c.catalog.id} version ${c.catalog.version} (${short(c.catalog.sha256)})`,
    );
  }
  return out;
}

function comparePersonaGym(b: PersonaGymSection, c: PersonaGymSection): string[] {
  const out: string[] = [];
  out.push(...compareScorer(b, c));
  if (b.dataset.hash !== c.dataset.hash)
    out.push(`dataset ${short(b.dataset.hash)} vs ${short(c.dataset.hash)}`);
  out.push(...comparePersonas(b.personas, c.personas));
  const bs = b.settings;
  const cs = c.settings;
  if (bs.systemPrompt !== cs.systemPrompt) out.push("system prompt template differs");
  out.push(...compareDecoding("decoding", bs.decoding, cs.decoding));
  out.push(...compareDecoding("judge decoding", bs.judgeDecoding, cs.judgeDecoding));
  if (bs.scoreExamples !== cs.scoreExamples)
    out.push(`score examples ${onOff(bs.scoreExamples)} vs ${onOff(cs.scoreExamples)}`);
  if (bs.rubrics !== cs.rubrics) out.push(`rubrics ${bs.rubrics} vs ${cs.rubrics}`);
  if (bs.judgePromptVersion !== cs.judgePromptVersion)
    out.push(`judge prompt ${bs.judgePromptVersion} vs ${cs.judgePromptVersion}`);
  const judges = (s: PersonaGymSection) =>
    s.judges.map((j) => `${j.provider}:${j.name}${j.digest ? ` (${short(j.digest)})` : ""}`).join(", ");
  if (judges(b) !== judges(c)) out.push(`judges ${judges(b) || "none"} vs ${judges(c) || "none"}`);
  return out;
}

function compareScorer(b: MathSection | PersonaGymSection, c: MathSection | PersonaGymSection): string[] {
  if (b.scorer.name === c.scorer.name && b.scorer.version === c.scorer.version) return [];
  return [
    `scored by ${b.scorer.name} ${b.scorer.version} vs ${c.scorer.name} ${c.scorer.version}: the same answer may be judged differently; re-run \`persona-bench run\` for the side scored by the older version with this persona-bench (its model calls are cached, so it only re-scores), then gate the new results.json; two runs given by run id from one store are re-graded by the gate itself`,
  ];
}

function compareItems(b: readonly string[], c: readonly string[]): string[] {
  if (b.length === c.length && b.every((id, i) => id === c[i])) return [];
  const inC = new Set(c);
  const inB = new Set(b);
  const onlyB = b.filter((id) => !inC.has(id));
  const onlyC = c.filter((id) => !inB.has(id));
  if (onlyB.length === 0 && onlyC.length === 0) return ["the same problems in a different order"];
  return [
    `problems differ: ${b.length} vs ${c.length}; ${onlyB.length} only in the baseline${examples(onlyB)}, ${onlyC.length} only in the candidate${examples(onlyC)}`,
  ];
}

function comparePersonas(
  b: readonly { id: string; text: string }[],
  c: readonly { id: string; text: string }[],
): string[] {
  const out: string[] = [];
  const cById = new Map(c.map((p) => [p.id, p]));
  const bIds = new Set(b.map((p) => p.id));
  const onlyB = b.filter((p) => !cById.has(p.id)).map((p) => p.id);
  const onlyC = c.filter((p) => !bIds.has(p.id)).map((p) => p.id);
  if (onlyB.length > 0) out.push(`personas only in the baseline: ${onlyB.join(", ")}`);
  if (onlyC.length > 0) out.push(`personas only in the candidate: ${onlyC.join(", ")}`);
  const changed = b.filter((p) => cById.has(p.id) && cById.get(p.id)!.text !== p.text).map((p) => p.id);
  if (changed.length > 0) out.push(`persona texts differ: ${changed.join(", ")}`);
  return out;
}

function compareDecoding(what: string, b: Record<string, unknown>, c: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(b), ...Object.keys(c)])].filter((k) => k !== "seed").sort();
  const differing = keys.filter((k) => canonicalJson(b[k] ?? null) !== canonicalJson(c[k] ?? null));
  return differing.map(
    (k) => `${what} ${k} ${JSON.stringify(b[k] ?? null)} vs ${JSON.stringify(c[k] ?? null)}`,
  );
}

function examples(ids: readonly string[]): string {
  return ids.length === 0 ? "" : ` (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", ..." : ""})`;
}

function short(hash: string): string {
  return hash.length > 12 ? hash.slice(0, 12) : hash;
}

function onOff(value: boolean): string {
  return value ? "on" : "off";
}
