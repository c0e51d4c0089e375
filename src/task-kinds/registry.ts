import { math500Kind, mathTaskKind } from "./math/index.js";
import { personaGymKind } from "./personagym/index.js";
import type { SectionKind } from "./section-kind.js";
import type { TaskConfigBase, TaskKind } from "./types.js";

/**
 * Every task kind persona-bench runs, by the `task:` name benchmark files use. Adding a kind is its module plus one
 * line here (or one registerTaskKind call from a plugin): the pipeline, the CLI and the reports find it through
 * this table and never name a kind.
 */
const kinds = new Map<string, TaskKind>([
  [math500Kind.task, math500Kind],
  [mathTaskKind.task, mathTaskKind],
  [personaGymKind.task, personaGymKind],
]);
let generation = 0;

/** Adds a kind at run time (plugins, tests). A name already taken is a programming error. */
export function registerTaskKind<C extends TaskConfigBase>(kind: TaskKind<C>): void {
  if (kinds.has(kind.task)) throw new Error(`task kind "${kind.task}" is already registered`);
  kinds.set(kind.task, kind as unknown as TaskKind);
  generation++;
}

/** Removes a kind registered at run time (tests clean up after themselves). */
export function unregisterTaskKind(task: string): void {
  if (kinds.delete(task)) generation++;
}

export function registeredTaskKinds(): TaskKind[] {
  return [...kinds.values()];
}

/** Changes whenever the table changes, so schemas composed from it are rebuilt. */
export function registryGeneration(): number {
  return generation;
}

/** How sections of this results kind are shown and compared; undefined for a kind no registered task writes. */
export function sectionKindFor(kind: string): SectionKind | undefined {
  for (const task of kinds.values()) if (task.kind === kind) return task.sections;
  return undefined;
}

/** The kind of a schema-validated block; an unknown name here is a bug (the schema lists only registered kinds). */
export function taskKindFor(task: string): TaskKind {
  const kind = kinds.get(task);
  if (!kind) throw new Error(`no task kind "${task}" is registered`);
  return kind;
}
