import { InputError } from "../core/input-error.js";
import { encodeGeneration } from "../results/verdicts.js";
import { type MathVerdict, mathScorerId } from "../task-kinds/math/score.js";
import { isMathSection, type MathSection } from "../task-kinds/math/section-types.js";
import { isPersonaGymSection } from "../task-kinds/personagym/section-types.js";
import type { Side } from "./compare.js";
import { member } from "./recompute.js";
import type { GateStoreReader } from "./store-reader.js";

/**
 * Checks a side's per-item outcomes against what the store holds for its run: for every generation the store
 * records as the run's (its persona, problem and sample), the verdict stored under the section's grader version
 * (or a recorded failure, or nothing yet) must be what the file says. The first difference, in file order, is
 * refused with its JSON path. Returns notes on what could not be checked.
 */
export function checkAgainstStore(side: Side, store: GateStoreReader): string[] {
  const { results } = side;
  const notes: string[] = [];
  const members = store.runMembers(results.runId);
  const failed = new Set(store.failures(results.runId).map((f) => f.key));
  for (const section of Object.values(results.tasks)) {
    if (isPersonaGymSection(section)) {
      notes.push(
        `task ${section.id} of run ${results.runId}: its judge verdicts are checked against its own scores, not against the store`,
      );
    }
    if (!isMathSection(section) || !section.items) continue;
    const known = members.filter(
      (m) =>
        m.taskId === section.id &&
        m.personaId !== undefined &&
        m.itemId !== undefined &&
        m.sample !== undefined,
    );
    if (known.length === 0) {
      notes.push(
        `task ${section.id} of run ${results.runId}: not checked against the store, which does not say which persona and problem each of its generations was (runs made before store version 3: run the same command again, everything is cached)`,
      );
      continue;
    }
    const unchecked = compareSection(side, section, known, failed, store);
    if (unchecked > 0) {
      notes.push(
        `task ${section.id} of run ${results.runId}: ${unchecked} verdicts of the file are not among the run's generations in the store, so they were not checked`,
      );
    }
  }
  return notes;
}

/** Throws on the first difference; returns how many graded verdicts of the file the store does not record. */
function compareSection(
  side: Side,
  section: MathSection,
  members: readonly { key: string; personaId?: string; itemId?: string; sample?: number }[],
  failed: ReadonlySet<string>,
  store: GateStoreReader,
): number {
  const items = section.items!;
  const file = side.file ?? side.source;
  const runId = side.results.runId;
  const personaIndex = new Map(section.personas.map((p, i) => [p.id, i]));
  const itemIndex = new Map(items.map((id, i) => [id, i]));
  const verdicts = store.getScores<MathVerdict>(
    members.map((m) => m.key),
    mathScorerId(section.scorer.version),
  );
  // Per persona and outcome position: what the store says, or undefined where it records nothing.
  const expected = section.personas.map(() => new Array<string | undefined>(items.length * section.samples));
  for (const m of members) {
    const p = personaIndex.get(m.personaId!);
    const i = itemIndex.get(m.itemId!);
    if (p === undefined || i === undefined || m.sample! >= section.samples) {
      throw new InputError(
        `the store's run ${runId} answered persona ${m.personaId}, problem ${m.itemId}, sample ${m.sample}, which the ${side.label}'s file does not have: the file is not this run's results`,
        { file, field: `tasks${member(section.id)}` },
      );
    }
    const verdict = verdicts.get(m.key);
    expected[p]![i * section.samples + m.sample!] = verdict
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
        `"${found}" in the file, "${want}" in the store for run ${runId} (persona ${persona.id}, problem ${item}, sample ${sample}): the ${side.label}'s file is not what the store holds for its run (edited, or written before the run was resumed); gate the run id, or re-run its \`persona-bench run\` command to rewrite the file`,
        { file, field: `tasks${member(section.id)}.personas[${p}].outcomes[${position}]` },
      );
    }
  });
  return unchecked;
}
