import type { ChartSpec } from "../../../core/html/chart.js";

export interface TaskScores {
  model: string;
  tasks: Record<string, number>;
}

/** PersonaGym score (1-5) per task: one bar per task, grouped by model when there are several. */
export function personaGymTasksSpec(scores: TaskScores[]): ChartSpec | null {
  const values = scores.flatMap((s) =>
    Object.entries(s.tasks).map(([task, score]) => ({ model: s.model, task, score })),
  );
  if (values.length === 0) return null;
  const single = scores.length === 1;
  return {
    width: 360,
    height: { step: single ? 26 : 14 },
    data: { values },
    layer: [
      {
        mark: { type: "bar", cornerRadiusEnd: 2 },
        encoding: {
          y: { field: "task", type: "nominal", title: null },
          ...(single ? {} : { yOffset: { field: "model", type: "nominal" } }),
          x: {
            field: "score",
            type: "quantitative",
            title: "Mean judge score (1-5)",
            scale: { domain: [1, 5] },
            axis: { values: [1, 2, 3, 4, 5] },
          },
          x2: { datum: 1 },
          color: single
            ? { value: "#059669" }
            : { field: "model", type: "nominal", title: "Model", legend: { columns: 1 } },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 3, fontSize: 10, color: "#374151" },
        encoding: {
          y: { field: "task", type: "nominal" },
          ...(single ? {} : { yOffset: { field: "model", type: "nominal" } }),
          x: { field: "score", type: "quantitative" },
          text: { field: "score", type: "quantitative", format: ".2f" },
        },
      },
    ],
  };
}
