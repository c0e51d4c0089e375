import { generationKey, modelCacheKey } from "../../../src/plan/keys.js";
import type { WorkItem } from "../../../src/plan/types.js";
import { countCached } from "../../../src/runner/stage.js";
import type { TaskConfigBase, TaskKind, TaskModels } from "../../../src/task-kinds/types.js";
import { echoScorer } from "./score.js";
import { echoSectionKind } from "./section-kind.js";
import type { EchoSection } from "./section-types.js";

/**
 * A trivial task kind written only against the TaskKind interface, in one folder: the model is asked to repeat each
 * word, its scorer stores whether it did, and the headline is the share it repeats exactly. It brings its own
 * report views (report.ts) and gate metric (gate.ts) through its section kind. It proves a kind can be added with
 * its folder and one registration, and that the pipeline, scoring, results, reports and gate need no edit for it.
 */
export interface EchoConfig extends TaskConfigBase {
  task: "echo";
  words: string[];
}

export const echoKind: TaskKind<EchoConfig> = {
  task: "echo",
  kind: "echo",
  sections: echoSectionKind,
  blockSchema: {
    type: "object",
    additionalProperties: false,
    required: ["task", "words"],
    properties: {
      task: { const: "echo" },
      id: { $ref: "#/definitions/taskId" },
      words: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    },
  },
  roles: [],
  suiteChoices: { echo: "an answer counts when its trimmed text equals the word" },
  datasets: [],
  resolve: (block) => ({
    task: "echo",
    id: (block.id as string | undefined) ?? "echo",
    words: block.words as string[],
  }),
  hashView: (config) => ({ task: config.task, words: config.words }),
  applyOverrides: (config, overrides) => ({
    config,
    ignored: (["limit", "samples", "seed", "personas"] as const).filter(
      (name) => overrides[name] !== undefined,
    ),
  }),
  judgeSpecs: () => [],
  async prepare(config) {
    const itemsFor = ({ subject }: TaskModels): WorkItem[] =>
      config.words.map((word) => {
        const messages = [{ role: "user" as const, content: `Repeat exactly: ${word}` }];
        const sampling = { temperature: 0, maxTokens: 16, seed: 0 };
        return {
          key: generationKey(modelCacheKey(subject.identity), messages, sampling, 0),
          task: "echo",
          personaId: "none",
          itemId: word,
          sample: 0,
          request: { messages, sampling },
        };
      });
    return {
      config,
      describe: () => `${config.id}: ${config.words.length} words`,
      skipReason: () => undefined,
      dryRun: (models, store) => {
        const items = itemsFor(models);
        return [{ stage: config.id, requests: items.length, cached: store ? countCached(store, items) : 0 }];
      },
      async execute(ctx, models) {
        const items = itemsFor(models);
        await ctx.execute(config.id, "echo", models.subject, items, items.length);
        await ctx.score(
          echoScorer,
          items.map((item) => ({ key: item.key, item: item.itemId })),
        );
      },
      section(ctx, models, settings) {
        const items = itemsFor(models);
        const scores = ctx.store.getScores<{ echoed: boolean }>(
          items.map((item) => item.key),
          echoScorer.id,
        );
        if (scores.size === 0) return undefined;
        const outcomes = items.map((item) => {
          const score = scores.get(item.key);
          return score === undefined ? "-" : score.echoed ? "1" : "0";
        });
        const exact = outcomes.filter((o) => o === "1").length;
        const section: EchoSection = {
          id: config.id,
          kind: "echo",
          dataset: { name: "echo", hash: config.words.join(",") },
          scorer: { name: "echo-exact", version: "1" },
          headline: [
            {
              metric: "echoRate",
              label: "Echo rate",
              value: exact / items.length,
              ci95: null,
              higherIsBetter: true,
              unit: "proportion",
              description: "Share of words repeated exactly.",
            },
          ],
          statistics: {
            alpha: settings.alpha,
            bootstrap: { resamples: 1, seed: 0, level: 0.95, method: "percentile" },
            intervals: {},
          },
          words: config.words,
          outcomes: outcomes.join(""),
        };
        return { keys: items.map((item) => item.key), section };
      },
    };
  },
};
