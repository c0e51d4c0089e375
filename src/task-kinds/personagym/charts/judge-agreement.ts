import type { ChartSpec } from "../../../core/html/chart.js";
import type { PersonaGymSection } from "../section-types.js";

/** Inter-judge agreement per task (Krippendorff's alpha and Spearman's rho); null with a single judge. */
export function judgeAgreementSpec(section: PersonaGymSection): ChartSpec | null {
  if (!section.agreement) return null;
  const values = section.agreement.flatMap((a) => [
    ...(a.alpha === null ? [] : [{ task: a.task, measure: "Krippendorff's alpha", value: a.alpha }]),
    ...(a.spearman === null ? [] : [{ task: a.task, measure: "Spearman's rho", value: a.spearman }]),
  ]);
  if (values.length === 0) return null;
  return {
    width: 360,
    height: { step: 14 },
    data: { values },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          y: { field: "task", type: "nominal", title: null },
          yOffset: { field: "measure", type: "nominal" },
          x: {
            field: "value",
            type: "quantitative",
            title: "Agreement between judges",
            scale: { domain: [-1, 1] },
          },
          color: {
            field: "measure",
            type: "nominal",
            title: "Measure",
            scale: { range: ["#0891b2", "#9333ea"] },
          },
        },
      },
      {
        data: { values: [{ x: 0.667 }] },
        mark: { type: "rule", strokeDash: [4, 4], color: "#6b7280" },
        encoding: { x: { field: "x", type: "quantitative" } },
      },
    ],
  };
}
