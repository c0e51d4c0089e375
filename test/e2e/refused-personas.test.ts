import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Results } from "../../src/report/types.js";
import { faults, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { math500Section } from "../helpers/results.js";
import { tempDir } from "../helpers/tmp.js";
import { SimulatedModel } from "./simulated-model.js";

describe("a server that refuses every system message (a chat template without a system role)", () => {
  it("reports the control, marks every persona as failed with no accuracy, and exits 3 without crashing", async () => {
    const model = new SimulatedModel(6, () => ({ correct: 0.5, noAnswer: 0 }));
    const fake = await startFakeOpenAI({
      respond: (ctx) =>
        ctx.messages.some((m) => m.role === "system")
          ? faults.http(400, {
              error: { message: "System role not supported", type: "invalid_request_error" },
            })
          : model.respond(ctx),
    });
    try {
      const dir = tempDir();
      const run = await runCli(
        runArgs("benchmarks/math500-quick.yaml", `openai:sim@${fake.baseUrl}`, dir, [
          "--limit",
          "6",
          "--json",
        ]),
      );
      expect(run.stderr).not.toMatch(/internal error/);
      expect(run.code).toBe(3);
      const results = JSON.parse(run.stdout) as Results;
      const math = math500Section(results);
      expect(math.summary).toBeNull();
      expect(math.personas[0]).toMatchObject({ id: "none", n: 6, errors: 0 });
      for (const persona of math.personas.slice(1)) {
        expect(persona).toMatchObject({ n: 0, accuracy: null, ci95: null, errors: 6, pValue: null });
      }
      expect(results.errors).toMatchObject({ total: 48, byKind: { bad_request: 48 } });
      const summary = readFileSync(join(dir, "reports", results.runId, "summary.md"), "utf8");
      expect(summary).toMatch(/No catalog persona has a graded answer/);
      expect(summary).toMatch(/System role not supported/);
    } finally {
      await fake.close();
    }
  });
});
