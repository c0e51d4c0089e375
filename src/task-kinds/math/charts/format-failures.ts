import type { ChartSpec } from "../../../core/html/chart.js";
import type { MathSection } from "../section-types.js";

/** Format failures per persona (control included): answers with no extractable final answer, truncations apart. */
export function formatFailuresSpec(section: MathSection): ChartSpec | null {
  const values = section.personas.flatMap((p) => {
    const graded = p.n;
    if (graded === 0) return [];
    const truncated = Math.min(p.truncated, p.extractionFailures);
    return [
      { persona: p.id, kind: "no answer, cut at token limit", share: truncated / graded, count: truncated },
      {
        persona: p.id,
        kind: "no answer extracted",
        share: (p.extractionFailures - truncated) / graded,
        count: p.extractionFailures - truncated,
      },
    ];
  });
  if (values.length === 0) return null;
  return {
    width: 360,
    height: { step: 24 },
    data: { values },
    transform: [{ joinaggregate: [{ op: "sum", field: "share", as: "total" }], groupby: ["persona"] }],
    mark: { type: "bar" },
    encoding: {
      y: { field: "persona", type: "nominal", sort: { field: "total", order: "descending" }, title: null },
      x: {
        field: "share",
        type: "quantitative",
        stack: "zero",
        title: "Share of graded answers with no extractable final answer",
        axis: { format: ".0%" },
      },
      color: {
        field: "kind",
        type: "nominal",
        title: "Format failure",
        scale: {
          domain: ["no answer extracted", "no answer, cut at token limit"],
          range: ["#f59e0b", "#7c2d12"],
        },
      },
    },
  };
}
