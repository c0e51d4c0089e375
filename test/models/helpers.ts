import { expect } from "vitest";
import { AdapterError, type CompletionRequest, type Timeouts } from "../../src/models/types.js";
import { HANG_MS } from "../helpers/hang.js";

export const SYSTEM = { role: "system" as const, content: "You are terse." };
export const USER = { role: "user" as const, content: "Say something." };

/** Deadlines no healthy answer misses, however loaded the machine: only a hang reaches them. */
export const RELAXED: Timeouts = {
  connectMs: HANG_MS,
  firstTokenMs: HANG_MS,
  idleMs: HANG_MS,
  totalMs: HANG_MS,
};

let counter = 0;

export function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    requestId: `req-${++counter}`,
    messages: [SYSTEM, USER],
    sampling: { temperature: 0, seed: 7, maxTokens: 64 },
    timeouts: RELAXED,
    ...overrides,
  };
}

/** Awaits a rejection and checks it is an AdapterError of `kind`; returns it for further assertions. */
export async function failure(promise: Promise<unknown>, kind: AdapterError["kind"]): Promise<AdapterError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "expected the call to fail").toBeInstanceOf(AdapterError);
  const adapterError = err as AdapterError;
  expect(adapterError.kind, adapterError.message).toBe(kind);
  expect(adapterError.message).not.toContain("\n");
  return adapterError;
}
