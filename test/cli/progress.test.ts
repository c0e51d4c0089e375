import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgressReporter, formatDuration } from "../../src/cli/progress.js";
import type { RunnerCounts } from "../../src/runner/execute.js";

function sink(isTTY: boolean) {
  let text = "";
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => text };
}

const counts = (done: number, total: number, extra: Partial<RunnerCounts> = {}): RunnerCounts => ({
  total,
  cached: 0,
  completed: done,
  failed: 0,
  retries: 0,
  inFlight: 0,
  ...extra,
});

describe("progress reporter", () => {
  it("writes one plain line per 15 s to a log, and a final line per stage", () => {
    let t = 0;
    const out = sink(false);
    const progress = createProgressReporter(out.stream, () => t);
    progress.update("math500", counts(0, 100));
    t = 5_000;
    progress.update("math500", counts(10, 100));
    t = 16_000;
    progress.update("math500", counts(40, 100, { retries: 2, failed: 1, completed: 39 }));
    t = 17_000;
    progress.update("judge", counts(0, 10));
    progress.update("judge", counts(10, 10));
    progress.finish();
    const lines = out.text().trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^math500 0\/100 /),
      expect.stringMatching(/^math500 40\/100 .*2\.44\/s {2}ETA 25s.*retries 2 {2}errors 1$/),
      expect.stringMatching(/^judge 0\/10 /),
      expect.stringMatching(/^judge 10\/10 {2}100\.0% {2}cached 0 {2}--\/s/),
    ]);
    expect(out.text()).not.toContain("\u001b");
  });

  it("redraws one line in place on a terminal and skips empty stages", () => {
    const out = sink(true);
    let t = 0;
    const progress = createProgressReporter(out.stream, () => t);
    progress.update("retry", counts(0, 0));
    expect(out.text()).toBe("");
    progress.update("math500", counts(1, 2));
    t = 1_000;
    progress.update("math500", counts(2, 2));
    progress.finish();
    expect(out.text().match(/\r\u001b\[2K/g)).toHaveLength(2);
    expect(out.text().endsWith("\n")).toBe(true);
  });

  it("keeps a redrawn line narrower than the terminal, dropping the tail, and colours only where asked", () => {
    const out = sink(true);
    Object.assign(out.stream, { columns: 60 });
    const progress = createProgressReporter(out.stream, () => 0, { NO_COLOR: "1" });
    progress.update("math500", counts(1, 2, { failed: 1, retries: 3 }));
    const line = out.text().replace("\r\u001b[2K", "");
    expect(line).toMatch(/^[█░]{24} math500 2\/2 {2}100\.0%/);
    expect(line.length).toBeLessThan(60);
    expect(line).not.toContain("errors");
    expect(line).not.toContain("\u001b");

    const coloured = sink(true);
    createProgressReporter(coloured.stream, () => 0, { FORCE_COLOR: "1" }).update("math500", counts(1, 2));
    expect(coloured.text()).toContain("\u001b[32m");
  });

  it("formats durations", () => {
    expect(formatDuration(59.4)).toBe("59s");
    expect(formatDuration(61)).toBe("1m01s");
    expect(formatDuration(3 * 3600 + 120)).toBe("3h02m");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("--");
  });
});
