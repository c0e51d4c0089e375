import type { PreparedTask, TaskKind } from "../types.js";
import {
  applyPersonaGymOverrides,
  type PersonaGymTaskConfig,
  personaGymHashView,
  resolvePersonaGymTask,
} from "./config.js";
import { PERSONAGYM_DATASETS } from "./datasets.js";
import { buildPersonaGymResults } from "./section.js";
import { personaGymSectionKind } from "./section-kind.js";
import {
  executePersonaGym,
  type PersonaGymCollected,
  planPersonaGymCounts,
  preparePersonaGym,
} from "./stages.js";

/** PersonaGym persona fidelity: a subject answers in persona, LLM judges grade the answers against rubrics. */
export const personaGymKind: TaskKind<PersonaGymTaskConfig> = {
  task: "personagym",
  kind: "personagym",
  sections: personaGymSectionKind,
  blockSchema: { $ref: "#/definitions/personagymTask" },
  roles: ["judge", "score examples (the first judge)"],
  suiteChoices: {
    personaScore:
      "PersonaGym aggregation: item = mean over judges that parsed, task = mean over items, persona = mean of its 5 tasks, model = mean over personas; 95% percentile bootstrap over personas",
    judging:
      "our own rubric wording and judge prompt (answers fenced and neutralised), temperature 0; an unparseable verdict is retried once then counted as unparsed and excluded",
  },
  datasets: PERSONAGYM_DATASETS,
  resolve: resolvePersonaGymTask,
  hashView: personaGymHashView,
  applyOverrides: applyPersonaGymOverrides,
  judgeSpecs: (config) => config.judges ?? [],
  async prepare(config, data): Promise<PreparedTask> {
    const prepared = await preparePersonaGym(config, data);
    let collected: PersonaGymCollected | undefined;
    return {
      config,
      describe: () =>
        `${config.id}: ${prepared.personas.length} of ${prepared.dataset.personasAvailable} personas x ${prepared.questions.length / Math.max(1, prepared.personas.length)} questions, score examples ${config.scoreExamples ? "on" : "off"}, rubrics ${config.rubrics}`,
      skipReason: ({ judges }) =>
        judges.length === 0
          ? "no judge: pass --judge <model spec> (or list judges in the benchmark file) to grade persona fidelity"
          : undefined,
      dryRun: ({ subject, judges }, store) => planPersonaGymCounts(prepared, subject, judges, store),
      async execute(ctx, { subject, judges }) {
        collected = await executePersonaGym(ctx, prepared, subject, judges);
      },
      section(_ctx, models, settings) {
        if (!collected) return undefined;
        const section = buildPersonaGymResults(prepared, collected, models.subject.identity, settings.alpha);
        return section && { section, keys: collected.keys };
      },
    };
  },
};
