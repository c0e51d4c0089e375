import type { Interval } from "../../results/types.js";
import type { SectionLeaderboard } from "../section-leaderboard.js";
import { personaGymTasksSpec } from "./charts/task-scores.js";
import type { PersonaGymSection } from "./section-types.js";

export interface LeaderboardPersonaGymBlock {
  personaScore: number | null;
  ci95: Interval | null;
  /** Mean score per PersonaGym task label. */
  tasks: Record<string, number>;
}

declare module "../section-leaderboard.js" {
  interface LeaderboardRowFields {
    /** The run's (first) PersonaGym section's scores. */
    personagym: LeaderboardPersonaGymBlock | null;
  }
}

/** How a PersonaGym section is described, and the scores it adds to a leaderboard row. */
export const personaGymLeaderboard: SectionLeaderboard<PersonaGymSection> = {
  describe: (section) =>
    `${section.personasEvaluated} personas, ${section.questions} questions, ${section.judges.length} judge(s): ${section.judges.map((j) => j.spec).join(", ")}`,
  rowFields: (sections) => {
    const gym = sections[0];
    return {
      personagym: gym ? { personaScore: gym.personaScore, ci95: gym.ci95, tasks: { ...gym.tasks } } : null,
    };
  },
  plainLabelTasks: ["personagym"],
  charts: (rows) => [
    {
      title: "PersonaGym score per task",
      caption: "Mean judge score (1-5) on each PersonaGym task, per model.",
      spec: personaGymTasksSpec(
        rows.flatMap(({ label, fields }) =>
          fields.personagym && Object.keys(fields.personagym.tasks).length > 0
            ? [{ model: label, tasks: fields.personagym.tasks }]
            : [],
        ),
      ),
    },
  ],
  personaFigureValue: (row) =>
    row.personagym?.personaScore == null
      ? null
      : { value: row.personagym.personaScore, ci95: row.personagym.ci95 },
};
