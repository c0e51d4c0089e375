import { InputError } from "../../core/input-error.js";
import { member } from "../../core/json-path.js";
import { encodeGeneration } from "../../results/verdicts.js";
import type { StoredRun, StoredRunReader } from "../section-gate.js";
import { type MathVerdict, mathScorerId } from "./score.js";
import type { MathSection } from "./section-types.js";

type KnownMember = { key: string; personaId: string; itemId: string; sample: number };

/**
 * Checks a math section's per-item outcomes against what the store holds for its run: for every generation the
 * store records as the run's (its persona, problem and sample), the verdict stored under the section's grader
 * version (or a recorded failure, or nothing yet) must be what the file says. The first difference, in file order,
 * is refused with its JSON path. Returns notes on what could not be checked.
 */
export function checkMathAgainstStore(
  section: MathSection,
  run: StoredRun,
  store: StoredRunReader,
): string[] {
  if (!section.items) return [];
  const known = store
    .runMembers(run.runId)
    .filter(
      (m): m is typeof m & KnownMember =>
        m.taskId === section.id &&
        m.personaId !== undefined &&
        m.itemId !== undefined &&
        m.sample !== undefined,
    );
  if (known.length === 0) {
    return [
      `task ${section.id} of run ${run.runId}: not checked against the store, which does not say which persona and problem each of its generations was (runs made before store version 3: run the same command again, everything is cached)`,
    ];
  }
  const failed = new Set(store.failures(run.runId).map((f) => f.key));
  const unchecked = compareSection(section, run, known, failed, store);
  return unchecked > 0
    ? [
        `task ${section.id} of run ${run.runId}: ${unchecked} verdicts of the file are not among the run's generations in the store, so they were not checked`,
      ]
    : [];
}

/** Throws on the first difference; returns how many graded verdicts of the file the store does not record. */
function compareSection(
  section: MathSection,
  run: StoredRun,
  members: readonly KnownMember[],
  failed: ReadonlySet<string>,
  store: StoredRunReader,
): number {
  const items = section.items!;
  const personaIndex = new Map(section.personas.map((p, i) => [p.id, i]));
  const itemIndex = new Map(items.map((id, i) => [id, i]));
  const verdicts = store.getScores<MathVerdict>(
    members.map((m) => m.key),
    mathScorerId(section.scorer.version),
  );
  // Per persona and outcome position: what the store says, or undefined where it records nothing.
  const expected = section.personas.map(() => new Array<string | undefined>(items.length * section.samples));
  for (const m of members) {
    const p = personaIndex.get(m.personaId);
    const i = itemIndex.get(m.itemId);
    if (p === undefined || i === undefined || m.sample >= section.samples) {
      throw new InputError(
        `the store's run ${run.runId} answered persona ${m.personaId}, problem ${m.itemId}, sample ${m.sample}, which the ${run.label}'s file does not have: the file is not this run's results`,
        { file: run.file, field: `tasks${member(section.id)}` },
      );
    }
    const verdict = verdicts.get(m.key);
    expected[p]![i * section.samples + m.sample] = verdict
      ? encodeGeneration({ correct: verdict.correct, found: verdict.found, truncated: verdict.truncated })
      : failed.has(m.key)
        ? "f"
        : "-";
  }
  let unchecked = 0;
  section.personas.forEach((persona, p) => {
    const outcomes = persona.outcomes ?? "";
    for (let position = 0; position < outcomes.length; position++) {
      const want = expected[p]![position];
      const found = outcomes[position]!;
      if (want === undefined) {
        if (found !== "-") unchecked++;
        continue;
      }
      if (want === found) continue;
      const item = items[Math.floor(position / section.samples)];
      const sample = position % section.samples;
      throw new InputError(
        `"${found}" in the file, "${want}" in the store for run ${run.runId} (persona ${persona.id}, problem ${item}, sample ${sample}): the ${run.label}'s file is not what the store holds for its run (edited, or written before the run was resumed); gate the run id, or re-run its \`persona-bench run\` command to rewrite the file`,
        { file: run.file, field: `tasks${member(section.id)}.personas[${p}].outcomes[${position}]` },
      );
    }
  });
  return unchecked;
}
