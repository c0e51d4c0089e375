import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapMeanInterval, comparePaired } from "../../src/metrics/index.js";
import type { Results } from "../../src/results/types.js";
import { MATH_BOOTSTRAP } from "../../src/task-kinds/math/section.js";
import {
  findMathDataset,
  loadMathProblems,
  type MathProblem,
  registerMathDataset,
  requiredString,
  unregisterMathDataset,
} from "../../src/task-kinds/math/sources.js";
import { type FakeOllama, type RespondContext, startFakeOllama } from "../fakes/index.js";
import { runCli } from "../helpers/cli.js";
import { runInProcess } from "../helpers/in-process.js";
import { fixturesDir, requireSharedData } from "../helpers/paths.js";
import {
  binomial,
  holmAdjusted,
  mean,
  populationStd,
  signFlipExact,
} from "../helpers/reference-statistics.js";
import { mathSection } from "../helpers/sections.js";
import { newTempDir, removeTempDir } from "../helpers/tmp.js";

const catalog = join(fixturesDir, "config", "catalog-good.yaml");
/** `run` with the store and reports in `dir`, results on stdout. */
const cliArgs = (bench: string, model: string, dir: string, extra: string[] = []) => [
  "run",
  bench,
  "--model",
  model,
  "--store",
  join(dir, "store.sqlite"),
  "--out",
  join(dir, "reports"),
  "--json",
  ...extra,
];
const h = (text: string) => createHash("sha256").update(text).digest().readUInt32BE(0) / 2 ** 32;
const ACCURACY: Record<string, number> = {
  "": 0.45,
  "You are an expert in arithmetic.": 0.6,
  "You are a sailor.": 0.15,
};

/**
 * A model that answers each (persona, problem, sample seed) right with a known chance, else boxes a wrong number,
 * and remembers every answer so the test can compute each figure itself.
 */
function simulated(problems: readonly MathProblem[]) {
  const byText = new Map(problems.map((p) => [p.problem, p]));
  const answered = new Map<string, boolean>();
  const respond = (ctx: RespondContext): string => {
    const system = ctx.messages.find((m) => m.role === "system")?.content ?? "";
    const user = ctx.messages.find((m) => m.role === "user")!.content;
    const problem = byText.get(user.split("\n\nBox it.")[0]!);
    if (!problem) throw new Error(`unknown problem: ${user.slice(0, 60)}`);
    const right = h(`${system}\u0000${problem.id}\u0000${ctx.sampling.seed}`) < ACCURACY[system]!;
    answered.set(`${system}\u0000${problem.id}\u0000${ctx.sampling.seed}`, right);
    return right ? `So it is $\\boxed{${problem.answer}}$.` : "So it is $\\boxed{1000}$.";
  };
  return { respond, answered };
}

describe("AIME 2024 with several samples per problem, end to end", () => {
  const LIMIT = 10;
  const SAMPLES = 4;
  let dir: string;
  let fake: FakeOllama;
  let results: Results;
  let sim: ReturnType<typeof simulated>;

  beforeAll(async () => {
    dir = newTempDir();
    const aime = findMathDataset("aime24")!;
    sim = simulated(
      loadMathProblems(join(requireSharedData(), "aime24", "test.jsonl"), aime.readRow).slice(0, LIMIT),
    );
    fake = await startFakeOllama({ models: [{ name: "sim:7b" }], respond: sim.respond });
    const bench = join(dir, "aime.yaml");
    writeFileSync(
      bench,
      `id: aime-e2e
tasks:
  - task: math
    dataset: aime24
    catalog: ${catalog}
    personas: { ids: [arithmetic-expert, sailor] }
    limit: ${LIMIT}
    samples: ${SAMPLES}
    prompt: "{problem}\\n\\nBox it."
    decoding: { temperature: 0.6, top_p: 0.95, max_tokens: 512, seed: 5 }
`,
    );
    const run = await runCli(
      cliArgs(bench, `ollama:sim:7b@${fake.url}`, dir, ["--data-dir", requireSharedData(), "--no-download"]),
    );
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    results = JSON.parse(run.stdout) as Results;
  });
  afterAll(async () => {
    await fake.close();
    removeTempDir(dir);
  });

  it("reports mean@S, pass@k, intervals and paired statistics exactly as computed from the answers", () => {
    const math = mathSection(results, "aime24");
    expect(math.dataset).toMatchObject({ name: "aime24", pinned: true, origin: "data-dir" });
    expect(fake.stats.generations).toBe(3 * LIMIT * SAMPLES);
    // Per condition and problem: how many of the samples were right, read back from the model's own record.
    const requests = fake.requests.filter((r) => r.path === "/api/chat");
    const seeds = new Map<string, number[]>();
    for (const r of requests) {
      const body = r.body as { messages: { role: string; content: string }[]; options: { seed: number } };
      const problem = body.messages.at(-1)!.content.split("\n\nBox it.")[0]!;
      seeds.set(problem, [...new Set([...(seeds.get(problem) ?? []), body.options.seed])]);
    }
    const systems = ["", "You are an expert in arithmetic.", "You are a sailor."];
    const correctCounts = systems.map((system) =>
      math.items!.map((id) => {
        const keys = [...sim.answered.keys()].filter((k) => k.startsWith(`${system}\u0000${id}\u0000`));
        expect(keys).toHaveLength(SAMPLES);
        return keys.filter((k) => sim.answered.get(k)).length;
      }),
    );
    const meanAtS = correctCounts.map((counts) => counts.map((c) => c / SAMPLES));
    const passAt = (counts: number[], k: number) =>
      mean(counts.map((c) => 1 - binomial(SAMPLES - c, k) / binomial(SAMPLES, k)));
    const raw = [1, 2].map((p) => {
      const b = meanAtS[p]!.filter((x, i) => x > 0.5 && !(meanAtS[0]![i]! > 0.5)).length;
      const c = meanAtS[p]!.filter((x, i) => !(x > 0.5) && meanAtS[0]![i]! > 0.5).length;
      return { b, c, p: signFlipExact(meanAtS[p]!.map((x, i) => x - meanAtS[0]![i]!)) };
    });
    const holm = holmAdjusted(raw.map((r) => r.p));
    math.personas.forEach((persona, index) => {
      const counts = correctCounts[index]!;
      const correct = counts.reduce((a, b) => a + b, 0);
      expect(persona.n).toBe(LIMIT * SAMPLES);
      expect(persona.correct).toBe(correct);
      expect(persona.accuracy).toBeCloseTo(correct / (LIMIT * SAMPLES), 12);
      const interval = bootstrapMeanInterval(meanAtS[index]!, { seed: MATH_BOOTSTRAP.seed });
      expect(persona.ci95).toEqual([interval.lo, interval.hi]);
      expect(Object.keys(persona.passAtK!)).toEqual(["1", "2", "4"]);
      for (const k of [1, 2, 4]) expect(persona.passAtK![String(k)]).toBeCloseTo(passAt(counts, k), 12);
      if (index === 0) return;
      expect(persona.deltaVsControl).toBeCloseTo(mean(meanAtS[index]!) - mean(meanAtS[0]!), 12);
      const paired = comparePaired(meanAtS[index]!, meanAtS[0]!, { seed: MATH_BOOTSTRAP.seed });
      expect(persona.deltaCi95).toEqual([paired.deltaInterval.lo, paired.deltaInterval.hi]);
      expect(persona.discordant).toEqual({ personaOnly: raw[index - 1]!.b, controlOnly: raw[index - 1]!.c });
      expect(persona.pValue).toBeCloseTo(raw[index - 1]!.p, 12);
      expect(persona.pValueHolm).toBeCloseTo(holm[index - 1]!, 12);
    });
    const accuracies = [1, 2].map((i) => mean(meanAtS[i]!));
    expect(math.summary!.mean).toBeCloseTo(mean(accuracies), 12);
    expect(math.summary!.pss).toBeCloseTo(mean(accuracies) - populationStd(accuracies), 12);
    // Samples of one problem get their own seeds, shared by every persona.
    for (const problemSeeds of seeds.values()) expect(problemSeeds).toHaveLength(SAMPLES);
  });
});

describe("a user's own JSONL and a dataset added from a registry entry, end to end", () => {
  let dir: string;
  let fake: FakeOllama;
  let server: Server;
  const ownRows = [
    { qid: "q1", question: "Add 2 and 2.", final: 4 },
    { qid: "q2", question: "Double 21.", final: "42" },
    { qid: "q3", question: "Half of 10?", final: "5" },
  ];
  const right: Record<string, string> = {
    "Add 2 and 2.": "4",
    "Double 21.": "42",
    "Half of 10?": "5",
    "Triple 3.": "9",
  };
  // The sailor misses "Double 21." everywhere; everyone else is right.
  const respond = (ctx: RespondContext) => {
    const system = ctx.messages.find((m) => m.role === "system")?.content ?? "";
    const user = ctx.messages.at(-1)!.content.replace("Solve: ", "");
    return /sailor/.test(system) && user === "Double 21." ? "\\boxed{24}" : `\\boxed{${right[user]}}`;
  };

  beforeAll(async () => {
    dir = newTempDir();
    fake = await startFakeOllama({ models: [{ name: "own:1b" }], respond });
    const tiny = `${JSON.stringify({ n: 1, text: "Triple 3.", gold: "9" })}\n`;
    server = createServer((_req, res) => res.end(tiny));
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    registerMathDataset({
      name: "tiny",
      source: {
        id: "tiny",
        relPath: "tiny/test.jsonl",
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tiny.jsonl`,
        bytes: Buffer.byteLength(tiny),
        sha256: createHash("sha256").update(tiny).digest("hex"),
      },
      idField: "n",
      readRow: (row, place) => ({
        id: `tiny/${row.n}`,
        problem: requiredString(row, "text", place),
        answer: requiredString(row, "gold", place),
      }),
    });
    writeFileSync(join(dir, "own.jsonl"), ownRows.map((r) => JSON.stringify(r)).join("\n"));
  });
  afterAll(async () => {
    unregisterMathDataset("tiny");
    await fake.close();
    await new Promise((ok) => server.close(ok));
    removeTempDir(dir);
  });

  it("runs a user's JSONL through its field mapping, as a section named after the file", async () => {
    const bench = join(dir, "own.yaml");
    writeFileSync(
      bench,
      `id: own-e2e
tasks:
  - task: math
    dataset: { path: own.jsonl, problem: question, answer: final, id: qid }
    catalog: ${catalog}
    personas: { ids: [sailor] }
    samples: 1
    prompt: "Solve: {problem}"
    decoding: { temperature: 0, top_p: 1, max_tokens: 64, seed: 1 }
`,
    );
    const run = await runCli(cliArgs(bench, `ollama:own:1b@${fake.url}`, dir));
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const math = mathSection(JSON.parse(run.stdout) as Results, "own");
    expect(math.dataset).toMatchObject({
      name: "own",
      origin: "file",
      pinned: false,
      sha256: createHash("sha256")
        .update(readFileSync(join(dir, "own.jsonl")))
        .digest("hex"),
    });
    expect(math.items).toEqual(["q1", "q2", "q3"]);
    expect(math.personas.map((p) => [p.id, p.correct, p.outcomes])).toEqual([
      ["none", 3, "ccc"],
      ["sailor", 2, "cwc"],
    ]);
  });

  it("downloads, verifies and runs a dataset that is only a registry entry, with no pipeline or report code of its own", async () => {
    const bench = join(dir, "tiny.yaml");
    writeFileSync(
      bench,
      `id: tiny-e2e
tasks:
  - task: math
    dataset: tiny
    catalog: ${catalog}
    personas: { ids: [sailor] }
    samples: 1
    prompt: "Solve: {problem}"
    decoding: { temperature: 0, top_p: 1, max_tokens: 64, seed: 1 }
`,
    );
    const outcome = await runInProcess(bench, `ollama:own:1b@${fake.url}`, join(dir, "tiny.sqlite"), {
      cacheDir: join(dir, "cache"),
      env: {},
    });
    const math = mathSection(outcome.results!, "tiny");
    expect(math.dataset).toMatchObject({ name: "tiny", origin: "download", pinned: true });
    expect(math.personas.map((p) => [p.id, p.accuracy])).toEqual([
      ["none", 1],
      ["sailor", 1],
    ]);
  });
});
