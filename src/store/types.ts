import type {
  AdapterErrorKind,
  ChatMessage,
  CompletionResponse,
  ModelIdentity,
  Sampling,
} from "../models/types.js";

export type RunStatus = "running" | "complete" | "incomplete" | "interrupted";

export interface RunRecord {
  runId: string;
  createdAt: string;
  updatedAt: string;
  status: RunStatus;
  benchmarkId: string;
  benchmarkHash: string;
  modelSpec: string;
  model: ModelIdentity;
  /** The resolved benchmark and options, for the record. Never holds secrets. */
  config: unknown;
  harnessVersion: string;
}

/** One finished model call, as cached. */
export interface StoredGeneration extends Omit<CompletionResponse, "served"> {
  key: string;
  modelKey: string;
  request: { messages: ChatMessage[]; sampling: Sampling };
  served: CompletionResponse["served"];
  attempts: number;
  createdAt: string;
}

export interface ScoreRecord {
  key: string;
  /** Scorer name and version, e.g. "math@3"; a new version re-scores without touching generations. */
  scorer: string;
  value: unknown;
}

export interface FailureRecord {
  runId: string;
  key: string;
  kind: AdapterErrorKind;
  message: string;
  attempts: number;
  createdAt: string;
}

/**
 * A generation a run used: for which task block (its id) and stage (subject, judge, ...), and, when recorded (store
 * version 3 on), which persona, item and sample of the plan it answers and the item's group (PersonaGym's task).
 */
export interface RunMember extends Omit<MemberInput, "key"> {
  taskId: string;
  stage: string;
  key: string;
}

/** What the runner knows about a generation it records as a run member. */
export interface MemberInput {
  key: string;
  personaId?: string;
  itemId?: string;
  sample?: number;
  group?: string;
}
