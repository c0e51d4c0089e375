/**
 * A synthetic store for the viewer: runs of personas x problems x samples with generations, math verdicts and run
 * membership rows, written with prepared statements in one transaction so a million generations take seconds.
 * Shared by the viewer's tests and `npm run perf`.
 */
import Database from "better-sqlite3";
import { MATH_SCORER } from "../src/task-kinds/math/score.js";
import { Store } from "../src/store/store.js";

export interface SyntheticRun {
  runId: string;
  task?: string;
  personas: string[];
  problems: number;
  samples: number;
  /** Extra text appended to the responses of this persona (e.g. hostile HTML). */
  suffixFor?: Record<string, string>;
  /** Problem indexes whose every call failed (a failures row, no generation). */
  failedProblems?: number[];
}

/** Deterministic verdict mix: mostly right, a persona-dependent share wrong, some with no answer. */
export function syntheticVerdict(persona: number, problem: number, sample: number): "correct" | "wrong" | "none" {
  const h = (persona * 7919 + problem * 104_729 + sample * 31) % 100;
  if (h < 5) return "none";
  if (h < 20 + persona * 3) return "wrong";
  return "correct";
}

export function buildSyntheticStore(path: string, runs: SyntheticRun[]): { generations: number } {
  Store.open(path).close();
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const insertRun = db.prepare(
    `INSERT INTO runs (run_id, created_at, updated_at, status, benchmark_id, benchmark_hash, model_spec, model_json,
       config_json, harness_version) VALUES (?, ?, ?, 'complete', 'synthetic-bench', 'hash', ?, ?, '{}', 'test')`,
  );
  const insertGeneration = db.prepare(
    `INSERT INTO generations (key, model_key, request_json, text, finish_reason, raw_finish_reason, usage_json,
       timing_json, served_json, attempts, created_at) VALUES (?, 'model', ?, ?, ?, NULL, ?, ?, '{}', 1, ?)`,
  );
  const insertScore = db.prepare("INSERT INTO scores (key, scorer, value_json, created_at) VALUES (?, ?, ?, ?)");
  const insertMember = db.prepare(
    `INSERT INTO run_members (run_id, task_id, stage, key, persona_id, item_id, sample, item_group)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
  );
  const insertFailure = db.prepare(
    "INSERT INTO failures (run_id, key, kind, message, attempts, created_at) VALUES (?, ?, 'server', ?, 3, ?)",
  );
  const now = "2026-01-01T00:00:00.000Z";
  let generations = 0;
  db.transaction(() => {
    for (const run of runs) {
      const task = run.task ?? "math500";
      insertRun.run(
        run.runId,
        now,
        now,
        `ollama:synthetic:${run.runId}`,
        JSON.stringify({ provider: "ollama", name: `synthetic-${run.runId}`, endpoint: "http://127.0.0.1" }),
      );
      const failed = new Set(run.failedProblems ?? []);
      for (let problem = 0; problem < run.problems; problem++) {
        const itemId = `test/algebra/${problem}.json`;
        const gold = String(problem % 97);
        const user = `Solve: what is ${problem} modulo 97?\n\nPut your final answer within \\boxed{}.`;
        run.personas.forEach((persona, p) => {
          const system = persona === "none" ? null : `You are ${persona}.`;
          const messages = system
            ? [
                { role: "system", content: system },
                { role: "user", content: user },
              ]
            : [{ role: "user", content: user }];
          for (let sample = 0; sample < run.samples; sample++) {
            const key = `${run.runId}-${p}-${problem}-${sample}`;
            insertMember.run(run.runId, task, task, key, persona, itemId, sample);
            if (failed.has(problem)) {
              insertFailure.run(run.runId, key, "server said 500 three times", now);
              continue;
            }
            const verdict = syntheticVerdict(p, problem, sample);
            const answer = verdict === "correct" ? gold : String((problem % 97) + 1);
            const text =
              verdict === "none"
                ? `Let me think about ${problem}. I am not sure.${run.suffixFor?.[persona] ?? ""}`
                : `We divide ${problem} by 97.\nThe remainder is ${answer}.\n\nThe answer is $\\boxed{${answer}}$.${run.suffixFor?.[persona] ?? ""}`;
            insertGeneration.run(
              key,
              JSON.stringify({ messages, sampling: { temperature: 0, topP: 1, maxTokens: 256, seed: sample } }),
              text,
              "stop",
              JSON.stringify({ promptTokens: 40, completionTokens: 20 + (problem % 13) }),
              JSON.stringify({ startedAt: now, ttftMs: 120, totalMs: 800 + (problem % 50) }),
              now,
            );
            insertScore.run(
              key,
              MATH_SCORER,
              JSON.stringify({
                extracted: verdict === "none" ? null : answer,
                found: verdict !== "none",
                path: verdict === "none" ? "none" : "boxed",
                correct: verdict === "correct",
                truncated: false,
                gold,
              }),
              now,
            );
            generations++;
          }
        });
      }
    }
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { generations };
}
