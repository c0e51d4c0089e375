/**
 * The budget of a wait that only catches hangs. No test bounds how long honest work takes: a CI machine at load
 * 20 on 2 cores runs a test ten times slower than a quiet one. Tests wait on events (a fake's counters, a page's
 * selector); this budget ends a wait for an event that will never come. The per-test budget in vitest.config.ts
 * is twice as long, so a hang reports the wait's own message.
 */
export const HANG_MS = 300_000;
