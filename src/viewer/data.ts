/**
 * Read-only queries behind `persona-bench view`, one object over the store: the runs list and facets (runs.ts), the
 * generations list (generations.ts), a transcript (transcript.ts) and the compare view (compare.ts). Scores are read
 * as the kinds' scorers stored them; which stage is what comes from each kind's SectionViewer (run-kinds.ts).
 */
import type Database from "better-sqlite3";
import type { Results } from "../results/types.js";
import { compareItem } from "./compare.js";
import { GenerationList } from "./generations.js";
import { type MemberSql, memberSql } from "./member-sql.js";
import { ResultsFiles } from "./results-files.js";
import { RunKinds } from "./run-kinds.js";
import { RunList } from "./runs.js";
import { StoreSource } from "./source.js";
import { readTranscript, type Transcript } from "./transcript.js";
import {
  type CompareEntry,
  type GenerationFilter,
  type GenerationPage,
  type Paging,
  parseJson,
  type RunFacets,
  type RunSummary,
} from "./types.js";
import { buildVerdictIndex, type VerdictIndex } from "./verdict-index.js";

export class ViewerData {
  readonly db: Database.Database;
  readonly version: number;
  private readonly source: StoreSource;
  private readonly files: ResultsFiles;
  private readonly kinds: RunKinds;
  private readonly sql: MemberSql;
  private readonly list: GenerationList;
  private readonly runList: RunList;
  private readonly context: { source: StoreSource; kinds: RunKinds; sql: MemberSql; files: ResultsFiles };
  private readonly verdictIndexes = new Map<
    string,
    { index: VerdictIndex; version: number; builtAt: number }
  >();

  constructor(storePath: string, reportsDir: string, loadResults: (file: string) => Results) {
    this.source = new StoreSource(storePath);
    this.db = this.source.db;
    this.version = this.source.version;
    this.files = new ResultsFiles(reportsDir, loadResults);
    this.kinds = new RunKinds(this.source, (runId) => this.files.results(runId));
    this.sql = memberSql();
    this.list = new GenerationList(this.source, this.kinds, this.sql, (runId) => this.verdictIndex(runId));
    this.runList = new RunList(this.source, this.kinds, this.files);
    this.context = { source: this.source, kinds: this.kinds, sql: this.sql, files: this.files };
    // A judgement's score, through the viewer part of its task's kind (its stored score, or its reply as read).
    this.db.function("judge_score", { deterministic: true }, (run, task, text, stored) => {
      if (typeof run !== "string" || typeof task !== "string" || typeof text !== "string") return null;
      const judges = this.kinds.cachedViewer(run, task)?.judges;
      return judges ? judges.score(text, typeof stored === "string" ? parseJson(stored) : null) : null;
    });
  }

  close(): void {
    this.source.close();
  }

  /** The run's results.json beside the reports, if any (re-read when the file changes). */
  results(runId: string): Results | null {
    return this.files.results(runId);
  }

  runs(): RunSummary[] {
    return this.runList.runs();
  }

  run(runId: string): RunSummary | undefined {
    return this.runList.run(runId);
  }

  facets(runId: string): RunFacets | undefined {
    return this.runList.facets(runId);
  }

  generations(filter: GenerationFilter, page: Paging): GenerationPage {
    return this.list.page(filter, page);
  }

  /** One generation as the run used it (its response: part `part`); undefined when the run does not use it. */
  transcript(runId: string, key: string, part = 0): Transcript | undefined {
    return readTranscript(this.context, runId, key, part);
  }

  /** One item of a run under every persona (its answers), for the side-by-side view. */
  compare(runId: string, taskId: string, itemId: string): { personas: string[]; entries: CompareEntry[] } {
    return compareItem(this.context, runId, taskId, itemId);
  }

  /** The run's verdict index, rebuilt when the store changed (another process wrote) and the copy is 5 s old. */
  verdictIndex(runId: string): VerdictIndex {
    const version = this.source.dataVersion();
    const cached = this.verdictIndexes.get(runId);
    if (cached && (cached.version === version || Date.now() - cached.builtAt < 5_000)) return cached.index;
    const statement = this.source.prepared(
      `SELECT m.rowid, m.task_id, m.stage, m.persona_id, ${this.sql.verdict} AS verdict, ${this.sql.path} AS path
       ${this.sql.from} WHERE m.run_id = @run ORDER BY m.rowid`,
    );
    const layout = this.kinds.layout(runId);
    const index = buildVerdictIndex(statement, runId, (stage) => layout.stages.get(stage)?.role ?? "other");
    // A few runs at a time: each costs about 30 bytes per generation.
    if (this.verdictIndexes.size >= 4) this.verdictIndexes.delete(this.verdictIndexes.keys().next().value!);
    this.verdictIndexes.set(runId, { index, version, builtAt: Date.now() });
    return index;
  }
}
