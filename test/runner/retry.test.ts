import { describe, expect, it } from "vitest";
import { AdapterError } from "../../src/models/types.js";
import { DEFAULT_RETRY_POLICY, decideRetry, FailureTally, sleep } from "../../src/runner/retry.js";

const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 };

describe("decideRetry", () => {
  it("never retries permanent kinds", () => {
    for (const kind of [
      "bad_request",
      "context_overflow",
      "not_found",
      "auth",
      "quota",
      "aborted",
    ] as const) {
      expect(decideRetry(new AdapterError(kind, "x"), 1, policy).retry).toBe(false);
    }
  });

  it("backs off exponentially with full jitter, capped", () => {
    const error = new AdapterError("overloaded", "503");
    const at = (attempt: number, r: number) => decideRetry(error, attempt, policy, () => r);
    expect(at(1, 0.999999)).toEqual({ retry: true, delayMs: 999 });
    expect(at(2, 0.5)).toEqual({ retry: true, delayMs: 1000 });
    expect(at(4, 0.5)).toEqual({ retry: true, delayMs: 4000 });
    expect(at(1, 0)).toEqual({ retry: true, delayMs: 0 });
    const capped = decideRetry(error, 4, { ...policy, maxDelayMs: 3000, maxAttempts: 10 }, () => 0.5);
    expect(capped).toEqual({ retry: true, delayMs: 1500 });
  });

  it("retries every transient kind, timeouts included", () => {
    for (const kind of [
      "rate_limited",
      "overloaded",
      "connection",
      "timeout",
      "server",
      "protocol",
    ] as const) {
      expect(
        decideRetry(new AdapterError(kind, "x"), 1, policy, () => 0),
        kind,
      ).toEqual({
        retry: true,
        delayMs: 0,
      });
    }
  });

  it("waits a Retry-After of exactly the maximum (a past one not at all), refuses one a millisecond longer", () => {
    const at = (retryAfterMs: number) =>
      decideRetry(new AdapterError("rate_limited", "429", { retryAfterMs }), 1, policy, () => 0.5);
    expect(at(policy.maxRetryAfterMs)).toEqual({ retry: true, delayMs: policy.maxRetryAfterMs });
    expect(at(policy.maxRetryAfterMs + 1).retry).toBe(false);
    expect(at(0)).toEqual({ retry: true, delayMs: 0 });
    // A Retry-After date already in the past comes out negative: retry at once, never a negative timer.
    expect(at(-5_000)).toEqual({ retry: true, delayMs: 0 });
  });

  it("honours Retry-After and fails fast when it exceeds the clamp", () => {
    const polite = new AdapterError("rate_limited", "429", { retryAfterMs: 2500 });
    expect(decideRetry(polite, 1, policy, () => 0.9)).toEqual({ retry: true, delayMs: 2500 });
    const greedy = new AdapterError("rate_limited", "429", { retryAfterMs: 3_600_000 });
    const decision = decideRetry(greedy, 1, policy);
    expect(decision.retry).toBe(false);
    expect(decision.retry === false && decision.reason).toMatch(/3600 s/);
  });

  it("stops at the attempt cap of the policy and of the kind", () => {
    const overloaded = new AdapterError("overloaded", "503");
    expect(decideRetry(overloaded, 4, policy).retry).toBe(true);
    expect(decideRetry(overloaded, 5, policy).retry).toBe(false);
    const server = new AdapterError("server", "500", { status: 500 });
    expect(decideRetry(server, 2, policy).retry).toBe(true);
    expect(decideRetry(server, 3, policy).retry).toBe(false);
    const protocol = new AdapterError("protocol", "cut");
    expect(decideRetry(protocol, 2, policy).retry).toBe(true);
    expect(decideRetry(protocol, 3, policy).retry).toBe(false);
  });
});

describe("attempt caps count failures of their own kind", () => {
  const e429 = new AdapterError("rate_limited", "429", { status: 429, retryAfterMs: 0 });
  const e500 = new AdapterError("server", "500", { status: 500 });
  const e502 = new AdapterError("server", "502", { status: 502 });
  const e504 = new AdapterError("server", "504", { status: 504 });
  const cut = new AdapterError("protocol", "cut");

  it("a 429 then a 500 is one 500, so the request is tried again", () => {
    const tally = new FailureTally();
    expect(decideRetry(e429, tally.record(e429), policy, () => 0).retry).toBe(true);
    expect(decideRetry(e500, tally.record(e500), policy, () => 0).retry).toBe(true);
    expect(decideRetry(e500, tally.record(e500), policy, () => 0).retry).toBe(true);
    const third = decideRetry(e500, tally.record(e500), policy, () => 0);
    expect(third).toEqual({ retry: false, reason: "gave up after 4 attempts (3 of them server 500)" });
  });

  it("500, 502 and 504 each get three attempts, and a cut stream its own three", () => {
    const tally = new FailureTally();
    for (const error of [e500, e502, e504, cut, e500, e502, e504, cut])
      expect(decideRetry(error, tally.record(error), policy, () => 0).retry).toBe(true);
    expect(decideRetry(e502, tally.record(e502), policy, () => 0).retry).toBe(false);
  });

  it("a failure the client caused counts towards the total bound only, not towards its kind's cap", () => {
    const tally = new FailureTally();
    for (let i = 0; i < 10; i++)
      expect(decideRetry(e429, tally.record(e429, false), policy, () => 0).retry).toBe(true);
    for (let i = 0; i < policy.maxAttempts - 1; i++)
      expect(decideRetry(e429, tally.record(e429), policy, () => 0).retry).toBe(true);
    expect(decideRetry(e429, tally.record(e429), policy, () => 0)).toEqual({
      retry: false,
      reason: "gave up after 15 attempts (5 of them rate_limited)",
    });
    const uncharged = new FailureTally();
    let attempts = 0;
    while (decideRetry(e429, uncharged.record(e429, false), policy, () => 0).retry) attempts++;
    expect(attempts + 1).toBe(policy.maxAttempts * 4);
  });

  it("the policy's maxAttempts caps each kind, and a cycle through every kind still ends", () => {
    const tally = new FailureTally();
    const small = { ...policy, maxAttempts: 2 };
    expect(decideRetry(e429, tally.record(e429), small, () => 0).retry).toBe(true);
    expect(decideRetry(cut, tally.record(cut), small, () => 0).retry).toBe(true);
    expect(decideRetry(e429, tally.record(e429), small, () => 0).retry).toBe(false);
    const kinds = ["rate_limited", "overloaded", "connection", "timeout"] as const;
    const cycling = new FailureTally();
    let attempts = 0;
    for (;;) {
      const error = new AdapterError(kinds[attempts % kinds.length]!, "x");
      attempts++;
      if (!decideRetry(error, cycling.record(error), { ...policy, maxAttempts: 100 }, () => 0).retry) break;
    }
    expect(attempts).toBeLessThanOrEqual(400);
  });
});

describe("sleep", () => {
  it("rejects with the abort reason as soon as the signal aborts", async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
  });
});
