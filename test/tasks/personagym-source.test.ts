import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/datasets/datasets.js";
import { loadPersonaGym, PERSONAGYM_TASKS } from "../../src/task-kinds/personagym/personas.js";
import {
  PERSONAGYM_COMMIT,
  PERSONAGYM_DIGEST,
  PERSONAGYM_REPOSITORY,
  type PersonaGymSourceOptions,
  resolvePersonaGym,
  resolveUpstreamRubrics,
} from "../../src/task-kinds/personagym/source.js";
import { filesUnder, rejection } from "../helpers/errors.js";
import { fixturesDir, requireSharedData } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const upstreamDir = join(requireSharedData(), "personagym");
const questionNames = readdirSync(join(upstreamDir, "questions/benchmark-v1"));
/** Repository path -> bytes, for every file the fake serves. */
const upstreamFiles = new Map<string, Buffer>([
  ...questionNames.map((name): [string, Buffer] => [
    `questions/benchmark-v1/${name}`,
    readFileSync(join(upstreamDir, "questions/benchmark-v1", name)),
  ]),
  ...PERSONAGYM_TASKS.map((task): [string, Buffer] => [
    `rubrics/${task}.txt`,
    readFileSync(join(upstreamDir, "rubrics", `${task}.txt`)),
  ]),
  ["LICENSE", readFileSync(join(upstreamDir, "LICENSE"))],
]);
const plusName = questionNames.find((name) => name.includes("+"))!;
const commaName = questionNames.find((name) => name.includes(","))!;

const gitBlobId = (bytes: Buffer) =>
  createHash("sha1").update(`blob ${bytes.length}\u0000`).update(bytes).digest("hex");

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

interface FakeGitHub {
  /** Bytes served instead of the real ones, by repository path. */
  served?: Map<string, Buffer>;
  /** The tree lists the served bytes' blob ids (a consistent but different repository). */
  treeFromServed?: boolean;
  /** Paths the tree leaves out. */
  omit?: string[];
  truncated?: boolean;
}

/** The GitHub tree API and raw file endpoint of the pinned commit, on 127.0.0.1, with the real files. */
async function fakeGitHub(fake: FakeGitHub = {}) {
  const requested: string[] = [];
  const bytesOf = (path: string) => fake.served?.get(path) ?? upstreamFiles.get(path);
  const server = createServer((req, res) => {
    const url = req.url ?? "";
    requested.push(url);
    if (url === `/api/repos/${PERSONAGYM_REPOSITORY}/git/trees/${PERSONAGYM_COMMIT}?recursive=1`) {
      const tree = [...upstreamFiles.keys()]
        .filter((path) => !fake.omit?.includes(path))
        .map((path) => {
          const listed = fake.treeFromServed ? bytesOf(path)! : upstreamFiles.get(path)!;
          return { path, mode: "100644", type: "blob", sha: gitBlobId(listed), size: listed.length };
        });
      tree.push({ path: "questions", mode: "040000", type: "tree", sha: "0".repeat(40), size: 0 });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ sha: PERSONAGYM_COMMIT, tree, truncated: fake.truncated ?? false }));
      return;
    }
    const prefix = `/raw/${PERSONAGYM_REPOSITORY}/${PERSONAGYM_COMMIT}/`;
    const path = url.startsWith(prefix)
      ? url.slice(prefix.length).split("/").map(decodeURIComponent).join("/")
      : "";
    const body = bytesOf(path);
    if (body === undefined) {
      res.writeHead(404);
      res.end("404: Not Found");
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const options = (cacheDir: string): PersonaGymSourceOptions => ({
    cacheDir,
    apiBaseUrl: `${base}/api`,
    rawBaseUrl: `${base}/raw/`,
    env: {},
  });
  return { base, requested, options, server };
}

const tampered = (path: string) => {
  const bytes = Buffer.from(upstreamFiles.get(path)!);
  bytes[10] = bytes[10]! ^ 1;
  return new Map([[path, bytes]]);
};

describe("resolvePersonaGym: download", () => {
  it("downloads all 200 files, verifies them, stores them and uses the cache next time", async () => {
    const github = await fakeGitHub();
    const cacheDir = tempDir();
    const first = await resolvePersonaGym(github.options(cacheDir));
    const dir = join(cacheDir, "datasets/personagym/questions/benchmark-v1");
    expect(first).toEqual({ dir, digest: PERSONAGYM_DIGEST, pinned: true, origin: "download" });
    expect(readdirSync(dir).sort()).toEqual([...questionNames].sort());
    expect(filesUnder(cacheDir)).toHaveLength(200);
    expect(loadPersonaGym(dir).digest).toBe(PERSONAGYM_DIGEST);
    // Each path segment is percent-encoded: "+" and "," never travel raw.
    expect(github.requested).toContain(
      `/raw/${PERSONAGYM_REPOSITORY}/${PERSONAGYM_COMMIT}/questions/benchmark-v1/${encodeURIComponent(plusName)}`,
    );
    expect(encodeURIComponent(plusName)).toContain("%2B");
    expect(encodeURIComponent(commaName)).toContain("%2C");
    expect(github.requested).toHaveLength(201);

    const second = await resolvePersonaGym(github.options(cacheDir));
    expect(second.origin).toBe("cache");
    expect(github.requested).toHaveLength(201);
  });

  it("names a file whose bytes differ from the tree and stores nothing", async () => {
    const path = `questions/benchmark-v1/${commaName}`;
    const github = await fakeGitHub({ served: tampered(path) });
    const cacheDir = tempDir();
    const error = await rejection(resolvePersonaGym(github.options(cacheDir)));
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toContain(`PersonaGym file "${commaName}"`);
    expect(error.message).toContain("differs from the repository tree");
    expect(error.message).toContain("nothing was saved");
    expect(error.message).not.toContain("\n");
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("rejects a consistent but different benchmark by its digest and stores nothing", async () => {
    const path = `questions/benchmark-v1/${plusName}`;
    const github = await fakeGitHub({ served: tampered(path), treeFromServed: true });
    const cacheDir = tempDir();
    const error = await rejection(resolvePersonaGym(github.options(cacheDir)));
    expect(error.message).toContain(`expected digest ${PERSONAGYM_DIGEST} over 200 files, got `);
    expect(error.message).toContain("over 200 files; nothing was saved");
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("rejects a tree that lacks a file", async () => {
    const github = await fakeGitHub({ omit: [`questions/benchmark-v1/${plusName}`] });
    const cacheDir = tempDir();
    const error = await rejection(resolvePersonaGym(github.options(cacheDir)));
    expect(error.message).toContain("over 199 files; nothing was saved");
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("rejects a truncated tree listing", async () => {
    const github = await fakeGitHub({ truncated: true });
    const error = await rejection(resolvePersonaGym(github.options(tempDir())));
    expect(error.message).toContain("the tree listing is truncated");
  });

  it("reports a file the raw endpoint does not have", async () => {
    const github = await fakeGitHub();
    const options = { ...github.options(tempDir()), rawBaseUrl: `${github.base}/elsewhere` };
    const error = await rejection(resolvePersonaGym(options));
    expect(error.message).toMatch(/^could not download PersonaGym file ".*\.json" from http:.* \(HTTP 404\)/);
  });

  it("reports a server that is down in one line naming the URL", async () => {
    const github = await fakeGitHub();
    servers.pop();
    github.server.closeAllConnections();
    await new Promise((done) => github.server.close(done));
    const cacheDir = tempDir();
    const error = await rejection(resolvePersonaGym(github.options(cacheDir)));
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toBe(
      `could not download the PersonaGym repository tree from ${github.base}/api/repos/${PERSONAGYM_REPOSITORY}/git/trees/${PERSONAGYM_COMMIT}?recursive=1 (ECONNREFUSED); download the data yourself and pass --data-dir`,
    );
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("replaces a cached copy that no longer matches, unless downloads are disabled", async () => {
    const github = await fakeGitHub();
    const cacheDir = tempDir();
    const { dir } = await resolvePersonaGym(github.options(cacheDir));
    writeFileSync(join(dir, plusName), "{}");
    const refused = await rejection(resolvePersonaGym({ ...github.options(cacheDir), allowDownload: false }));
    expect(refused.message).toContain("does not match the pinned digest");
    const again = await resolvePersonaGym(github.options(cacheDir));
    expect(again.origin).toBe("download");
    expect(loadPersonaGym(dir).digest).toBe(PERSONAGYM_DIGEST);
    expect(readdirSync(join(cacheDir, "datasets/personagym/questions"))).toEqual(["benchmark-v1"]);
  });

  it("does not download when downloads are disabled and nothing is cached", async () => {
    const error = await rejection(resolvePersonaGym({ cacheDir: tempDir(), allowDownload: false, env: {} }));
    expect(error.message).toContain("not in the cache");
  });
});

describe("resolvePersonaGym: data dir", () => {
  it("uses the real files as pinned", async () => {
    const resolved = await resolvePersonaGym({ dataDir: requireSharedData(), cacheDir: tempDir() });
    expect(resolved).toEqual({
      dir: join(upstreamDir, "questions/benchmark-v1"),
      digest: PERSONAGYM_DIGEST,
      pinned: true,
      origin: "data-dir",
    });
  });

  it("accepts a different benchmark as not pinned, and reads PERSONA_BENCH_DATA_DIR", async () => {
    const dataDir = tempDir();
    cpSync(join(fixturesDir, "personagym/good"), join(dataDir, "personagym/questions/benchmark-v1"), {
      recursive: true,
    });
    const resolved = await resolvePersonaGym({ env: { PERSONA_BENCH_DATA_DIR: dataDir } });
    expect(resolved.pinned).toBe(false);
    expect(resolved.origin).toBe("data-dir");
    expect(resolved.digest).toBe(loadPersonaGym(resolved.dir).digest);
  });

  it("names the folder a data dir lacks", async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, "personagym"));
    const error = await rejection(resolvePersonaGym({ dataDir }));
    expect(error.message).toContain("personagym/questions/benchmark-v1/");
    expect(error.file).toBe(join(dataDir, "personagym/questions/benchmark-v1"));
  });
});

describe("resolveUpstreamRubrics", () => {
  it("downloads and verifies the five rubric files, then uses the cache", async () => {
    const github = await fakeGitHub();
    const cacheDir = tempDir();
    const first = await resolveUpstreamRubrics(github.options(cacheDir));
    expect(first).toEqual({
      dir: join(cacheDir, "datasets/personagym/rubrics"),
      pinned: true,
      origin: "download",
    });
    for (const task of PERSONAGYM_TASKS) {
      expect(readFileSync(join(first.dir, `${task}.txt`))).toEqual(upstreamFiles.get(`rubrics/${task}.txt`));
    }
    expect((await resolveUpstreamRubrics(github.options(cacheDir))).origin).toBe("cache");
    expect(github.requested).toHaveLength(5);
  });

  it("names a rubric whose bytes differ and stores nothing", async () => {
    const github = await fakeGitHub({ served: tampered("rubrics/Toxicity.txt") });
    const cacheDir = tempDir();
    const error = await rejection(resolveUpstreamRubrics(github.options(cacheDir)));
    expect(error.message).toContain('PersonaGym rubric "Toxicity.txt"');
    expect(error.message).toContain("failed verification");
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("reads a data dir, pinned only when every file matches", async () => {
    expect(await resolveUpstreamRubrics({ dataDir: requireSharedData() })).toMatchObject({ pinned: true });
    const dataDir = tempDir();
    cpSync(join(upstreamDir, "rubrics"), join(dataDir, "personagym/rubrics"), { recursive: true });
    writeFileSync(join(dataDir, "personagym/rubrics/Toxicity.txt"), "changed {score_example}");
    expect(await resolveUpstreamRubrics({ dataDir })).toMatchObject({ pinned: false, origin: "data-dir" });
  });
});
