import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { registeredTaskKinds } from "../../src/task-kinds/registry.js";
import { repoRoot } from "../helpers/paths.js";

/**
 * The plan of the house (docs/architecture.md), checked on the code itself: rooms (top-level folders of src/)
 * import one way, no file is two jobs' worth of lines, and only the kinds' own folders know which kinds exist.
 */
const SRC = resolve(repoRoot, "src");
const MAX_LINES = 450;
/** Files outside src/task-kinds/ allowed to name a kind, each with its reason (at most 2; docs/architecture.md). */
const NAMING_A_KIND = new Map([
  ["index.ts", "the public API re-exports each kind's section types and guards under the names users import"],
  [
    "results/upgrade-v1.ts",
    "results.json version 1 is a closed format with a math500 and a personagym block; its upgrade writes those two sections",
  ],
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

/** Every relative import of a source file, as the file it names (`.js` specifiers name `.ts` sources). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => resolve(dirname(file), m[1]!).replace(/\.js$/, ".ts"));
}

/** The room a file is in: its top-level folder under src/, or the file itself when it sits in src/. */
function roomOf(file: string): string {
  const [first, ...rest] = relative(SRC, file).split("/");
  return rest.length > 0 ? `${first}/` : first!;
}

const files = sourceFiles(SRC);

/** Strongly connected rooms with more than one member: each is a set of rooms that import each other in a loop. */
function roomCycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (room: string) => {
    index.set(room, next);
    low.set(room, next++);
    stack.push(room);
    onStack.add(room);
    for (const to of edges.get(room) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(room, Math.min(low.get(room)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(room, Math.min(low.get(room)!, index.get(to)!));
    }
    if (low.get(room) === index.get(room)) {
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== room);
      if (members.length > 1) cycles.push(members.sort());
    }
  };
  for (const room of edges.keys()) if (!index.has(room)) visit(room);
  return cycles;
}

describe("the house", () => {
  it("has rooms that import one way: no two top-level folders of src/ reach each other", () => {
    const edges = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const file of files) {
      for (const target of importsOf(file)) {
        const from = roomOf(file);
        const to = roomOf(target);
        if (from === to) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
        why.set(`${from} -> ${to}`, `${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    const explained = roomCycles(edges).map((rooms) =>
      rooms.flatMap((from) =>
        [...(edges.get(from) ?? [])]
          .filter((to) => rooms.includes(to))
          .map((to) => why.get(`${from} -> ${to}`)),
      ),
    );
    expect(explained).toEqual([]);
  });

  it("keeps the ground floor (src/core/) free of imports from any other room", () => {
    const upward = files
      .filter((file) => roomOf(file) === "core/")
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => roomOf(target) !== "core/")
          .map((t) => `${relative(SRC, file)} -> ${relative(SRC, t)}`),
      );
    expect(upward).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((file) => ({
        file: relative(SRC, file),
        lines: readFileSync(file, "utf8").split("\n").length - 1,
      }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it("lets only the kinds' own folders know which kinds exist", () => {
    const names = new Set(registeredTaskKinds().flatMap((kind) => [kind.task, kind.kind]));
    const kindFolders = new Set([...names].map((name) => join(SRC, "task-kinds", name)));
    const naming = files.filter((file) => {
      const path = relative(SRC, file);
      if (path.startsWith("task-kinds/")) return false;
      const literal = [...readFileSync(file, "utf8").matchAll(/["'`]([a-z0-9-]+)["'`]/g)].some((m) =>
        names.has(m[1]!),
      );
      const importsAKind = importsOf(file).some((target) =>
        [...kindFolders].some((folder) => target.startsWith(`${folder}/`)),
      );
      return literal || importsAKind;
    });
    expect(naming.map((file) => relative(SRC, file)).filter((path) => !NAMING_A_KIND.has(path))).toEqual([]);
    expect(NAMING_A_KIND.size).toBeLessThanOrEqual(2);
  });
});
