import type { HeadlineMetric, Interval, MathPersonaResult, MathSummary, PersonaGymSection } from "./types.js";

/**
 * The headline figures of the built-in kinds: what a leaderboard row or a gate shows without knowing the kind.
 * Shared by the writers and by the version-1 upgrade, so both produce the same list.
 */
export function mathHeadline(
  control: MathPersonaResult | undefined,
  summary: MathSummary | null,
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

export function personaGymHeadline(
  section: Pick<PersonaGymSection, "personaScore" | "ci95">,
): HeadlineMetric[] {
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
