import { describe, expect, it } from "vitest";
import { AimdController, adaptiveLimit, DEFAULT_AIMD } from "../../src/runner/adaptive.js";

/** A round of `limit` requests against a server with k slots that queues the rest (latency grows past k). */
function queueingRound(controller: AimdController, k: number): void {
  const c = controller.limit;
  for (let i = 0; i < c; i++) controller.onSuccess(50 * Math.max(1, c / k));
}

/** A round against a server that answers 429 to everything above k in flight. */
function rejectingRound(controller: AimdController, k: number): void {
  const sent = Array.from({ length: controller.limit }, () => controller.send());
  for (const request of sent.slice(k)) controller.onOverload(request);
  for (let i = 0; i < Math.min(sent.length, k); i++) controller.onSuccess(50);
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
    controller.onOverload(controller.send());
    expect(controller.limit).toBe(6);
    queueingRound(controller, 100);
    expect(controller.limit).toBe(7);
  });

  it("shrinks once for the rejections of requests sent before the decrease, again for one sent after it", () => {
    const controller = new AimdController({ ...DEFAULT_AIMD, initial: 8 });
    const round = Array.from({ length: 8 }, () => controller.send());
    // Three 429s of one round, sent under the limit of 8: one congestion event, one decrease by a quarter.
    expect(round.slice(5).map((request) => controller.onOverload(request))).toEqual([true, true, true]);
    expect(controller.limit).toBe(6);
    expect(controller.history).toEqual([6]);
    // A request sent under the new limit is rejected too: 6 was still too many.
    expect(controller.onOverload(controller.send())).toBe(true);
    expect(controller.limit).toBe(4);
  });

  it("at the smallest limit a rejection is the server's own, not the controller's probing", () => {
    const controller = new AimdController({ ...DEFAULT_AIMD, initial: 2 });
    const early = controller.send();
    expect(controller.onOverload(controller.send())).toBe(true);
    expect(controller.limit).toBe(1);
    expect(controller.onOverload(early)).toBe(true); // sent at 2, answered by that decrease
    expect(controller.onOverload(controller.send())).toBe(false);
    expect(controller.limit).toBe(1);
  });

  it("the limiter names the rejections its probing caused, and only those", async () => {
    const controller = new AimdController({ ...DEFAULT_AIMD, initial: 2 });
    const limit = adaptiveLimit<number>(
      controller,
      (r) => r,
      (error) => error instanceof Error && error.message === "429",
      1024,
    );
    const rejected = () => limit(() => Promise.reject(new Error("429")));
    const probing = await rejected().catch((e: unknown) => e);
    expect(controller.limit).toBe(1);
    const own = await rejected().catch((e: unknown) => e);
    const other = await limit(() => Promise.reject(new Error("500"))).catch((e: unknown) => e);
    expect([probing, own, other].map((e) => limit.causedByProbing!(e))).toEqual([true, false, false]);
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
