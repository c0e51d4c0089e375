import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSyntheticStore } from "../../perf/viewer-store.js";
import { runCli, startCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

/** The status of a GET to the viewer on 127.0.0.1 naming `host` in its Host header. */
function statusFor(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/api/runs", headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("persona-bench view (command line)", () => {
  it("explains itself", async () => {
    const help = await runCli(["view", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--store <path>/);
    expect(help.stdout).toMatch(/--host <addr>[\s\S]*visible to the network/);
    expect(help.stdout).toMatch(/--allow-host <name>[\s\S]*repeatable; exact names/);
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

  it("--allow-host lets a LAN name reach the page (exactly that name), and refuses what is not a host name", async () => {
    const dir = tempDir();
    const store = join(dir, "store.sqlite");
    buildSyntheticStore(store, [{ runId: "r", personas: ["none"], problems: 1, samples: 1 }]);
    const viewer = startCli([
      "view",
      "--store",
      store,
      "--port",
      "0",
      "--no-open",
      "--allow-host",
      "box.lan",
      "--allow-host",
      "Other.Example",
    ]);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        viewer.child.stdout!.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
          if (match) resolve(Number(match[1]));
        });
        viewer.done.then((r) => reject(new Error(`view exited: ${r.stderr}`)));
      });
      expect(await statusFor(port, `box.lan:${port}`)).toBe(200);
      expect(await statusFor(port, `other.example:${port}`)).toBe(200);
      expect(await statusFor(port, `127.0.0.1:${port}`)).toBe(200);
      expect(await statusFor(port, `evilbox.lan:${port}`)).toBe(403);
      expect(await statusFor(port, `box.lan.evil.example:${port}`)).toBe(403);
    } finally {
      viewer.child.kill("SIGINT");
      await viewer.done;
    }
    for (const bad of [
      "box.lan:8080",
      "*.lan",
      "http://box.lan",
      "",
      "box lan",
      "[not-ipv6]",
      "\u001b[2Jbox",
    ]) {
      // Refused before the store is looked for (there is none here).
      const run = await runCli(["view", "--store", join(dir, "none.sqlite"), "--allow-host", bad]);
      expect(run.code, bad).toBe(2);
      expect(run.stderr, bad).toMatch(/^persona-bench: --allow-host: .* is not a host name/);
      expect(run.stderr.trim().split("\n"), bad).toHaveLength(1);
      expect(run.stderr, bad).not.toContain("\u001b");
    }
    // [::1] is a host name: the command goes on to look for the store.
    const ipv6 = await runCli(["view", "--store", join(dir, "none.sqlite"), "--allow-host", "[::1]"]);
    expect(ipv6.stderr).toMatch(/no store at/);
  });
});
