import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { HANG_MS } from "./hang.js";

/** Debian's Chromium, which CI installs (.ci/run); browser tests are skipped without it, except under CI. */
export const CHROMIUM = "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);
export const skipWithoutChromium = !haveChromium && process.env.CI !== "true";

/** The headless browser every page test uses, with the flags the project's guide names. */
export function launchChromium(): Promise<Browser> {
  if (!haveChromium)
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (CI installs it in .ci/run)`);
  return chromium.launch({
    timeout: HANG_MS,
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}
