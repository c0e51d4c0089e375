/** The shapes the viewer's data layer hands to its pages and its JSON API. */
import type { StageRole } from "../task-kinds/section-viewer.js";
import type { PartOf } from "./text-parts.js";

/** What the generations list can filter on; every field is optional except the run. */
export interface GenerationFilter {
  run: string;
  task?: string;
  /** "subject" (default: the answers being measured), "judge", "examples" or "all". */
  role?: Role;
  persona?: string;
  item?: string;
  group?: string;
  verdict?: Verdict;
  path?: string;
  /** A judge's score of the answer (on its kind's scale). */
  judgeScore?: number;
}

export type Role = Exclude<StageRole, "other"> | "all";
export const ROLES: readonly Role[] = ["subject", "judge", "examples", "all"];
export type Verdict = "correct" | "wrong" | "none" | "failed" | "ungraded" | "missing";
export const VERDICTS: readonly Verdict[] = ["correct", "wrong", "none", "failed", "ungraded", "missing"];

/** Counting stops here so a filter over a million rows still answers at once; the page says "more than". */
export const COUNT_CAP = 1_000;
export const PAGE_SIZE_MAX = 200;

/** Which task, stage, persona, problem, sample and item group a generation was for in a run. */
export interface MemberView {
  taskId: string;
  stage: string;
  personaId: string | null;
  itemId: string | null;
  sample: number | null;
  group: string | null;
}

export interface GenerationRow extends MemberView {
  cursor: number;
  key: string;
  verdict: Verdict;
  extracted: string | null;
  path: string | null;
  finishReason: string | null;
  completionTokens: number | null;
  latencyMs: number | null;
  preview: string;
  /** Judged answers: the judges' scores, first judge first ("4 · 3"). */
  judgeScores: string | null;
}

export interface GenerationPage {
  rows: GenerationRow[];
  /** Cursor of the next page (rows after it), null on the last page. */
  next: number | null;
  /** Cursor of the previous page (rows before it), null on the first page. */
  prev: number | null;
  /** Matching rows, counted up to COUNT_CAP; `countCapped` when there are more. */
  count: number;
  countCapped: boolean;
}

export interface Paging {
  after?: number;
  before?: number;
  limit: number;
}

export interface RunSummary {
  runId: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  benchmarkId: string;
  modelSpec: string;
  model: unknown;
  harnessVersion: string;
  members: number;
  tasks: string[];
  headline: { task: string; kind: string; label: string; value: number | null; unit: string }[];
  hasReport: boolean;
}

export interface RunFacets {
  run: RunSummary;
  tasks: string[];
  personas: string[];
  groups: string[];
  paths: string[];
  stages: string[];
  /** Tasks whose answers carry stored verdicts (the verdict filter applies to them). */
  graded: string[];
  /** Tasks whose answers are judged, with their judges' score scale and item-group label. */
  judged: { task: string; scale: number[]; groupLabel: string | null }[];
  /** Members were written before store version 3: persona, item and verdict filters cannot apply. */
  legacy: boolean;
}

export interface CompareEntry extends GenerationRow {
  /** The response's first part (PREVIEW_PART_BYTES); the transcript has the rest. */
  text: string | null;
  textPart: PartOf | null;
  gold: string | null;
  system: string | null;
  user: string | null;
}

/** Parsed JSON, or null for text that is not JSON (a stored column is never trusted). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
