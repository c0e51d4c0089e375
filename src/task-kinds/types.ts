import type { DataPath } from "../core/document.js";
import type { InputLocation } from "../core/input-error.js";
import type { DatasetOptions } from "../datasets/datasets.js";
import type { PersonaSelector } from "../personas/catalog.js";
import type { TaskSection } from "../results/types.js";
import type { Endpoint, StageContext } from "../runner/stage.js";
import type { Store } from "../store/store.js";
import type { SectionKind } from "./section-kind.js";

/** What every resolved task block has; each kind adds its own settings. */
export interface TaskConfigBase {
  /** The `task:` value of the block: which registered kind runs it. */
  task: string;
  /** Unique within the benchmark; default: the task's dataset name. Keys the block's results section. */
  id: string;
}

/** Command-line settings that replace the benchmark file's, for every task that can take them. */
export interface BenchmarkOverrides {
  limit?: number;
  samples?: number;
  seed?: number;
  personas?: PersonaSelector;
}

export type OverrideName = keyof BenchmarkOverrides;

/** The models a run talks to. */
export interface TaskModels {
  subject: Endpoint;
  /** Judges in command-line (or benchmark) order; the first also writes PersonaGym's score examples. */
  judges: readonly Endpoint[];
}

export interface StageCount {
  stage: string;
  requests: number;
  /** null when it cannot be known yet (judge calls depend on answers not yet given). */
  cached: number | null;
}

/** The run-wide statistical settings a section is computed with. */
export interface SectionSettings {
  alpha: number;
}

/** A dataset a task kind reads, for `persona-bench data fetch|verify`. Lines are returned, never printed. */
export interface DatasetHandle {
  id: string;
  /** Finds or downloads the pinned copy into the cache; one line saying where it is. */
  fetch(options: DatasetOptions): Promise<string>;
  /** Checks the copies a run would use, downloading nothing; ok when the copy used is the pinned one. */
  verify(options: DatasetOptions): Promise<{ lines: string[]; ok: boolean }>;
}

/** A task block with its data loaded: everything a run does with it. */
export interface PreparedTask {
  readonly config: TaskConfigBase;
  /** One line for the dry run: what will be asked. */
  describe(): string;
  /** Why the task cannot run with these models (PersonaGym without a judge); undefined when it can. */
  skipReason(models: TaskModels): string | undefined;
  /** Requests per stage and how many the store already holds; calls no model. */
  dryRun(models: TaskModels, store: Store | undefined): StageCount[];
  /** Sends every request the store does not hold yet (cache first), stage by stage. */
  execute(ctx: StageContext, models: TaskModels): Promise<void>;
  /**
   * The results section from what the store holds, and the generation keys it covers, read once (for usage and run
   * membership); undefined when nothing is graded yet.
   */
  section(
    ctx: StageContext,
    models: TaskModels,
    settings: SectionSettings,
  ): { section: TaskSection; keys: Iterable<string> } | undefined;
}

/**
 * One task kind: a module behind this interface, registered once in registry.ts. The pipeline, the CLI and the
 * reports iterate over tasks through it and never name a kind.
 */
export interface TaskKind<C extends TaskConfigBase = TaskConfigBase> {
  /** The `task:` value in benchmark files. */
  readonly task: string;
  /** The kind recorded in results (several task names may share one, e.g. every math dataset is "math"). */
  readonly kind: string;
  /** How results sections of `kind` are reported, gated, ranked and viewed (the same object for every task sharing it). */
  readonly sections: SectionKind;
  /**
   * JSON Schema (draft-07) of one task block. It may refer to the shared definitions of
   * schemas/benchmark.schema.json (`#/definitions/decoding`, `#/definitions/personaSelector`, `#/definitions/taskId`).
   */
  readonly blockSchema: Record<string, unknown>;
  /** Model roles beyond the subject, for the docs and the dry run. */
  readonly roles: readonly string[];
  /** Choices of ours (not the paper's) recorded in every results.json that holds this kind. */
  readonly suiteChoices: Readonly<Record<string, string>>;
  readonly datasets: readonly DatasetHandle[];
  /** A schema-valid block to its resolved config; checks what a schema cannot (placeholders, files, specs). */
  resolve(block: Record<string, unknown>, context: BlockContext): C;
  /** Everything that decides what is sent to a model and how often; file paths left out. */
  hashView(config: C): unknown;
  /** Applies the overrides this kind can take; names those it cannot, so the CLI can say they were ignored. */
  applyOverrides(config: C, overrides: BenchmarkOverrides): { config: C; ignored: OverrideName[] };
  /** Judge specs listed in the block (the command line's --judge replaces them). */
  judgeSpecs(config: C): string[];
  prepare(config: C, data: DatasetOptions): Promise<PreparedTask>;
}

export interface BlockContext {
  /** The benchmark file's folder: relative paths in a block are relative to it. */
  baseDir: string;
  locate(path: DataPath): InputLocation;
}
