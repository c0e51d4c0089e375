import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./core/package-root.js";

const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string };

export const HARNESS_VERSION: string = manifest.version;
