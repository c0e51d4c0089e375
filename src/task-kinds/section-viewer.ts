/**
 * What `persona-bench view` shows of one kind's generations. The viewer reads stored scores only (it never grades)
 * and never names a kind: which stages of a task are the answers measured and which are judgements, under which
 * scorer ids their scores are stored, and how a stored score reads, all come from here.
 */

/** The part a run-membership stage plays in a task. */
export type StageRole = "subject" | "judge" | "examples" | "other";

/** A stored verdict on an answer, as the viewer's verdict filter knows it. */
export type StoredVerdict = "correct" | "wrong" | "none";

/** A stored score in the words the viewer shows. */
export interface ScoreDescription {
  verdict: StoredVerdict;
  /** The answer the scorer took from the response (marked in the transcript); null when none was found. */
  extracted: string | null;
  /** How the scorer reached it (one of `verdicts.paths`). */
  path: string | null;
  /** What the answer was graded against; null when the stored score does not keep it. */
  gold: string | null;
  /** Short remarks on the score, e.g. that the response hit the token limit. */
  notes: string[];
}

/** Verdicts stored per generation under one scorer id (e.g. `math@3`). */
export interface StoredVerdicts {
  /** The scorer id the verdicts are stored under, version included. */
  readonly scorer: string;
  /**
   * SQL expressions over a stored value's JSON text (`valueJson`, an SQL expression): the verdict ('correct',
   * 'wrong' or 'none'), the extracted answer and the path. SQL, so a filter over a million stored scores is a scan
   * in SQLite rather than a million calls into JavaScript.
   */
  readonly sql: {
    verdict(valueJson: string): string;
    extracted(valueJson: string): string;
    path(valueJson: string): string;
  };
  /** Every path the scorer can report, for the extraction filter. */
  readonly paths: readonly string[];
  /** What the verdict filter means for this kind (its tooltip). */
  readonly help: string;
  /** One stored value (parsed JSON, shape unchecked: the store is outside input) in the viewer's words. */
  describe(value: unknown): ScoreDescription | null;
}

/** How a judge's verdict on an answer is scored. */
export interface JudgeScores {
  /** The scorer id judge scores are stored under, when the kind stores them. */
  readonly scorer?: string;
  /** The scores a judge can give, lowest first (the judge-score filter's choices). */
  readonly scale: readonly number[];
  /**
   * A judgement's score: its stored score (`stored`, parsed JSON) when there is one, else read from the reply as
   * the kind's scorer reads it (stores written before judge scores were stored); null when it has none.
   */
  score(reply: string, stored: unknown): number | null;
}

export interface SectionViewer {
  /** The role of a stage of task `taskId` (a run member's `stage`). */
  stageRole(stage: string, taskId: string): StageRole;
  /** Verdicts stored on the subject's answers. */
  readonly verdicts?: StoredVerdicts;
  /** Judges' scores of the subject's answers (judge generations share the answer's task and item). */
  readonly judges?: JudgeScores;
  /** What the item groups of this kind are called in the filter (e.g. a benchmark's sub-tasks). */
  readonly groupLabel?: string;
}
