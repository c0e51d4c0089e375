import { tmpdir } from "node:os";
import { basename, dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { staleOutputs } from "./build.js";

describe("vitest global setup", () => {
  it("gives the run its own temp folder, so its leftovers can be checked at the end", () => {
    expect(basename(tmpdir())).toMatch(/^persona-bench-tests-/);
    expect(dirname(tmpdir())).not.toBe(tmpdir());
  });

  it("leaves dist/ no older than src/ for the CLI tests", () => {
    expect(staleOutputs()).toEqual([]);
  });
});
