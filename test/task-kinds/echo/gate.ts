import { pairedMeanDifference } from "../../../src/metrics/index.js";
import {
  bootstrapOptionsOf,
  type KindEstimates,
  type PairedFigure,
  type SectionGate,
} from "../../../src/task-kinds/section-gate.js";
import type { EchoSection } from "./section-types.js";

export interface EchoEstimates extends KindEstimates {
  words: number;
  echoRate: PairedFigure;
}

const verdicts = (section: EchoSection): number[] => [...section.outcomes].map((o) => (o === "1" ? 1 : 0));

/** The echo kind's gate metric: the echo rate, paired word by word through the shared paired bootstrap. */
export const echoGate: SectionGate<EchoSection, EchoEstimates> = {
  metrics: [{ name: "echo-rate", scale: "proportion" }],
  unit: "problems",
  unpairable: (section) => (section.outcomes.includes("-") ? "has words without an answer" : undefined),
  differences: (baseline, candidate) =>
    baseline.words.join(",") === candidate.words.join(",") ? [] : ["the words differ"],
  estimate: (baseline, candidate, statistics) => {
    const paired = pairedMeanDifference(
      verdicts(baseline),
      verdicts(candidate),
      bootstrapOptionsOf(statistics),
    );
    return {
      kind: "echo",
      task: baseline.id,
      words: paired.units,
      echoRate: { baseline: paired.baseline, candidate: paired.candidate, difference: paired.difference },
    };
  },
  figure: (_metric, estimates) => estimates.echoRate,
  coverage: (estimates) => ({ paired: estimates.words, total: estimates.words }),
  partialNote: (estimates) => `task ${estimates.task}: some words were not answered by both runs`,
  recompute: (section) => {
    const rate = verdicts(section).reduce((a, b) => a + b, 0) / section.words.length;
    return {
      checks: [{ path: ".headline[0].value", found: section.headline[0]?.value, expected: rate }],
      headline: [{ metric: "echoRate", value: rate }],
    };
  },
};
