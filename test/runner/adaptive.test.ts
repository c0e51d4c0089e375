import { describe, expect, it } from "vitest";
import { AimdController, adaptiveLimit, DEFAULT_AIMD } from "../../src/runner/adaptive.js";

/** A round of `limit` requests against a server with k slots that queues the rest (latency grows past k). */
function queueingRound(controller: AimdController, k: number): void {
  const c = controller.limit;
  for (let i = 0; i < c; i++) controller.onSuccess(50 * Math.max(1, c / k));
}

/** A round against a server that answers 429 to everything above k in flight. */
function rejectingRound(controller: AimdController, k: number): void {
  const c = controller.limit;
  if (c > k) controller.onOverload();
  for (let i = 0; i < Math.min(c, k); i++) controller.onSuccess(50);
}

describe("AIMD concurrency", () => {
  it.each([4, 32])("settles near k = %i on a server that queues beyond k slots", (k) => {
    const controller = new AimdController();
    for (let round = 0; round < 200; round++) queueingRound(controller, k);
    expect(controller.settled()).toBeGreaterThanOrEqual(Math.floor(k * 0.75));
    expect(controller.settled()).toBeLessThanOrEqual(Math.ceil(k * 1.5));
  });

  it.each([4, 32])("settles near k = %i on a server that answers 429 above k", (k) => {
    const controller = new AimdController();
    for (let round = 0; round < 400; round++) rejectingRound(controller, k);
    expect(controller.settled()).toBeGreaterThanOrEqual(Math.floor(k * 0.75));
    expect(controller.settled()).toBeLessThanOrEqual(k + 1);
  });

  it("doubles while answers stay fast, then grows by one after the first congestion", () => {
    const controller = new AimdController({ ...DEFAULT_AIMD, initial: 2 });
    queueingRound(controller, 100);
    queueingRound(controller, 100);
    expect(controller.limit).toBe(8);
    controller.onOverload();
    expect(controller.limit).toBe(6);
    queueingRound(controller, 100);
    expect(controller.limit).toBe(7);
  });

  it("the limiter never runs more tasks at once than the controller's limit", async () => {
    const controller = new AimdController({ ...DEFAULT_AIMD, initial: 3, max: 3 });
    const limit = adaptiveLimit<number>(
      controller,
      (r) => r,
      () => false,
      1024,
    );
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const tasks = Array.from({ length: 10 }, () =>
      limit(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return 50;
      }),
    );
    while (gates.length > 0 || running > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    await Promise.all(tasks);
    expect(peak).toBe(3);
    expect(limit.concurrency).toBe(1024);
  });
});
