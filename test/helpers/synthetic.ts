import { join } from "node:path";
import type { RespondContext } from "../fakes/index.js";
import { fixturesDir } from "./paths.js";

/** fixtures/datasets/synthetic as a --data-dir: our own problems, safe to store in committed fixtures. */
export const syntheticDataDir = join(fixturesDir, "datasets", "synthetic");
export const syntheticBench = join(fixturesDir, "config", "bench-synthetic.yaml");

const ANSWERS: [string, string][] = [
  ["2+3", "5"],
  ["7 times 6", "42"],
  ["frac{1}{2}", "\\frac{5}{6}"],
  ["root of 81", "9"],
  ["2x+1", "4"],
  ["10-17", "-7"],
  ["hexagon", "6"],
  ["3^4", "81"],
];

/**
 * The model behind fixtures/store (see its README): right on every synthetic problem, except that the sailor
 * persona gets three wrong and the red persona gives no answer to one. Same answers for any prompt template.
 */
export function syntheticRespond(ctx: RespondContext): string {
  const user = ctx.messages.find((m) => m.role === "user")?.content ?? "";
  const system = ctx.messages.find((m) => m.role === "system")?.content ?? "";
  if (/sailor/.test(system) && /7 times 6|square root|hexagon/.test(user)) return "Arr, it be $\\boxed{13}$.";
  if (/red/.test(system) && /Solve \$2x/.test(user)) return "No idea.";
  const hit = ANSWERS.find(([key]) => user.includes(key));
  return `The answer is $\\boxed{${hit ? hit[1] : "0"}}$.`;
}

/** Per persona of bench-synthetic.yaml: [correct, no answer] out of the 8 problems, as syntheticRespond answers. */
export const SYNTHETIC_EXPECTED: Record<string, { correct: number; noAnswer: number }> = {
  none: { correct: 8, noAnswer: 0 },
  "arithmetic-expert": { correct: 8, noAnswer: 0 },
  sailor: { correct: 5, noAnswer: 0 },
  "likes-red": { correct: 7, noAnswer: 1 },
};

/** `run` arguments over the synthetic data for the synthetic model behind a fake Ollama at `url`. */
export function syntheticRunArgs(bench: string, url: string, dir: string, extra: string[] = []): string[] {
  return [
    "run",
    bench,
    "--model",
    `ollama:synthetic:1b@${url}`,
    "--data-dir",
    syntheticDataDir,
    "--no-download",
    "--store",
    join(dir, "store.sqlite"),
    "--out",
    join(dir, "reports"),
    ...extra,
  ];
}
