import type { ChatMessage, Sampling } from "../models/types.js";

/** One model call the benchmark needs: a persona (or the control) on one item, one sample. */
export interface WorkItem {
  /** Generation cache key. */
  key: string;
  task: string;
  personaId: string;
  itemId: string;
  sample: number;
  /** A group the item belongs to, recorded with run membership for filtering (PersonaGym: the question's task). */
  group?: string;
  request: { messages: ChatMessage[]; sampling: Sampling };
}
