import { parseVerdict } from "../../scoring/judge/verdict.js";
import type { SectionViewer } from "../section-viewer.js";
import { PERSONAGYM_JUDGE_SCORER } from "./score.js";

/**
 * A PersonaGym task's stages (see stages.ts): "<task> subject" (the answers), "<task> examples" (score examples
 * written by the first judge) and "<task> judge <model>" with its "(retry)" stage (the judgements). Its item groups
 * are PersonaGym's own tasks (Action Justification, ...).
 */
export const personaGymViewer: SectionViewer = {
  stageRole(stage, taskId) {
    if (stage === `${taskId} subject`) return "subject";
    if (stage.startsWith(`${taskId} judge `)) return "judge";
    if (stage.startsWith(`${taskId} examples`)) return "examples";
    return "other";
  },
  judges: {
    scorer: PERSONAGYM_JUDGE_SCORER,
    scale: [1, 2, 3, 4, 5],
    score(reply, stored) {
      const kept = (stored as { score?: unknown } | null)?.score;
      if (typeof kept === "number" && Number.isInteger(kept)) return kept;
      const verdict = parseVerdict(reply);
      return "score" in verdict ? verdict.score : null;
    },
  },
  groupLabel: "PersonaGym task",
};
