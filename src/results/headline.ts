import type { HeadlineMetric, Interval } from "./types.js";

/*
 * The headline figures of the two kinds results.json version 1 knew: what a leaderboard row or a gate shows without
 * knowing the kind. The kinds' section writers and the version-1 upgrade (upgrade-v1.ts) share them so both produce
 * the same list; they live here, not in the kinds' folders, because results sits below task-kinds and the upgrade
 * cannot reach up. They read only the fields typed below, so they need none of the kinds' section types.
 */

/** What the math headline reads of the control's row. */
export interface ControlFigures {
  accuracy: number | null;
  ci95: Interval | null;
}

/** What the math headline reads of the persona summary. */
export interface SpreadFigures {
  mean: number;
  min: number;
  pss: number;
  consistencyRate: number;
  intervals?: { mean: Interval; worst: Interval; pss: Interval } | null;
}

export function mathHeadline(
  control: ControlFigures | undefined,
  summary: SpreadFigures | null,
): HeadlineMetric[] {
  const spread = summary?.intervals ?? null;
  return [
    {
      metric: "controlAccuracy",
      label: "Control accuracy",
      value: control?.accuracy ?? null,
      ci95: control?.ci95 ?? null,
      higherIsBetter: true,
      unit: "proportion",
      description: "Accuracy with no persona in the prompt: the model's plain capability on these problems.",
    },
    {
      metric: "meanAccuracy",
      label: "Mean accuracy",
      value: summary?.mean ?? null,
      ci95: interval(spread?.mean),
      higherIsBetter: true,
      unit: "proportion",
      description: "Mean accuracy over the catalog personas (the control excluded).",
    },
    {
      metric: "worstAccuracy",
      label: "Worst persona",
      value: summary?.min ?? null,
      ci95: interval(spread?.worst),
      higherIsBetter: true,
      unit: "proportion",
      description: "Accuracy under the persona that hurts most: what an unlucky system prompt costs.",
    },
    {
      metric: "pss",
      label: "PSS*",
      value: summary?.pss ?? null,
      ci95: interval(spread?.pss),
      higherIsBetter: true,
      unit: "proportion",
      description:
        "Persona stability score, our reconstruction: mean minus population standard deviation of persona accuracies.",
    },
    {
      metric: "consistencyRate",
      label: "Consistency",
      value: summary?.consistencyRate ?? null,
      ci95: null,
      higherIsBetter: true,
      unit: "proportion",
      description: "Mean share of persona pairs that reach the same verdict on a problem.",
    },
  ];
}

export function personaGymHeadline(section: {
  personaScore: number | null;
  ci95: Interval | null;
}): HeadlineMetric[] {
  return [
    {
      metric: "personaScore",
      label: "PersonaScore",
      value: section.personaScore,
      ci95: section.ci95,
      higherIsBetter: true,
      unit: "score",
      description:
        "PersonaGym persona fidelity, 1-5: judges' rubric scores averaged per task, persona and model.",
    },
  ];
}

function interval(value: Interval | undefined): Interval | null {
  return value ?? null;
}
