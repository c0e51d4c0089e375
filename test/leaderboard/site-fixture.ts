import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLES_SYSTEM_PROMPT } from "../../src/task-kinds/personagym/judge/index.js";
import { SimulatedModel } from "../e2e/simulated-model.js";
import { type FakeOllama, type RespondContext, type RespondResult, startFakeOllama } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";

/** Persona texts that try to run script in an HTML report. */
export const HOSTILE_IMG = "<img src=x onerror=\"document.title='pwned-img'\">";
export const HOSTILE_SCRIPT = "</script><script>document.title='pwned-script'</script>";

export const LIMIT = 20;

const h = (text: string) => createHash("sha256").update(text).digest().readUInt32BE(0) / 2 ** 32;

/** Known per-persona accuracy for each simulated model: strong loses little under personas, weak loses a lot. */
export const MODELS = {
  "sim-strong:7b": (system: string) => {
    if (system === "") return { correct: 0.8, noAnswer: 0.02 };
    if (/toddler/.test(system)) return { correct: 0.6, noAnswer: 0.1 };
    return { correct: 0.7 + 0.1 * h(system), noAnswer: 0.02 };
  },
  "sim-weak:3b": (system: string) => {
    if (system === "") return { correct: 0.55, noAnswer: 0.05 };
    if (/toddler/.test(system)) return { correct: 0.1, noAnswer: 0.5 };
    return { correct: 0.25 + 0.3 * h(system), noAnswer: 0.15 };
  },
} as const;

export type SimName = keyof typeof MODELS;

const CATALOG = `id: leaderboard-test
version: "1"
default_template: "You are {persona}."
personas:
  - { id: math-expert, text: a mathematical expert, category: in-domain-expert, lottery: true }
  - { id: toddler, text: a toddler who has just learned to count, category: low-knowledge, lottery: true }
  - { id: blue, text: someone whose favourite colour is blue, category: irrelevant, lottery: true }
  - { id: chef, text: a chef in a busy restaurant, category: off-domain-expert, lottery: true }
  - id: hostile-img
    text: ${JSON.stringify(HOSTILE_IMG)}
    category: hostile
  - id: hostile-script
    text: ${JSON.stringify(HOSTILE_SCRIPT)}
    category: hostile
`;

const BENCHMARK = `id: leaderboard-e2e
description: "Leaderboard test: 20 MATH500 problems, 6 personas, and 2 PersonaGym personas."
tasks:
  - task: math500
    catalog: ./catalog.yaml
    limit: ${LIMIT}
    samples: 1
    prompt: "{problem}\\n\\nPlease reason step by step, and put your final answer within \\\\boxed{}."
    decoding: { temperature: 0, top_p: 1, max_tokens: 1024, seed: 7 }
  - task: personagym
    limit: 2
    seed: 7
    decoding: { temperature: 0.9, top_p: 0.9, max_tokens: 256, seed: 7 }
    judge_decoding: { temperature: 0, top_p: 1, max_tokens: 256, seed: 7 }
    score_examples: false
`;

/** A fake Ollama serving both simulated subjects and a judge whose scores favour the strong model's answers. */
export async function startSimulatedServer(): Promise<{
  fake: FakeOllama;
  sims: Record<SimName, SimulatedModel>;
}> {
  const sims = {
    "sim-strong:7b": new SimulatedModel(LIMIT, MODELS["sim-strong:7b"]),
    "sim-weak:3b": new SimulatedModel(LIMIT, MODELS["sim-weak:3b"]),
  };
  const respond = (ctx: RespondContext): RespondResult => {
    const system = ctx.messages.find((m) => m.role === "system")?.content ?? "";
    const user = ctx.messages.find((m) => m.role === "user")?.content ?? "";
    if (ctx.model === "judge:70b") {
      if (system === EXAMPLES_SYSTEM_PROMPT) return "Score 1: no.\nScore 3: maybe.\nScore 5: yes.";
      const strong = user.includes("[in character, strong]");
      const score = strong ? 4 + Math.floor(h(user) * 2) : 2 + Math.floor(h(user) * 2);
      return `It fits the persona.\nTherefore, the final score is ${score}`;
    }
    const sim = sims[ctx.model as SimName];
    if (!sim) throw new Error(`unknown model ${ctx.model}`);
    if (user.includes("Please reason step by step")) return sim.respond(ctx);
    return `[in character, ${ctx.model.startsWith("sim-strong") ? "strong" : "weak"}] My answer is ${Math.floor(h(user) * 97)}.`;
  };
  const fake = await startFakeOllama({
    respond,
    models: [
      { name: "sim-strong:7b" },
      { name: "sim-weak:3b", family: "llama" },
      { name: "judge:70b", family: "mistral" },
    ],
  });
  return { fake, sims };
}

/** Writes the benchmark and its catalog (with the hostile personas) into `dir`; returns the benchmark path. */
export function writeBenchmark(dir: string): string {
  writeFileSync(join(dir, "catalog.yaml"), CATALOG);
  writeFileSync(join(dir, "bench.yaml"), BENCHMARK);
  return join(dir, "bench.yaml");
}

/** One run of a simulated model through the built CLI; reports go to <dir>/reports. */
export async function runModel(dir: string, fake: FakeOllama, model: SimName, extra: string[] = []) {
  return runCli(
    runArgs(join(dir, "bench.yaml"), `ollama:${model}@${fake.url}`, dir, [
      "--judge",
      `ollama:judge:70b@${fake.url}`,
      ...extra,
    ]),
  );
}
