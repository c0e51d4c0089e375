import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSyntheticStore } from "../../perf/viewer-store.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("persona-bench view (command line)", () => {
  it("explains itself", async () => {
    const help = await runCli(["view", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--store <path>/);
    expect(help.stdout).toMatch(/--host <addr>[\s\S]*visible to the network/);
    const main = await runCli(["--help"]);
    expect(main.stdout).toMatch(/view\s+browse runs/);
  });

  it("refuses a missing store, a bad port and stray arguments with exit 2", async () => {
    const dir = tempDir();
    const missing = await runCli(["view", "--store", join(dir, "none.sqlite"), "--no-open"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no store at/);
    expect(missing.stderr).not.toMatch(/internal error/);
    buildSyntheticStore(join(dir, "store.sqlite"), [
      { runId: "r", personas: ["none"], problems: 1, samples: 1 },
    ]);
    const port = await runCli(["view", "--store", join(dir, "store.sqlite"), "--port", "70000"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port/);
    const stray = await runCli(["view", "extra"]);
    expect(stray.code).toBe(2);
  });
});
