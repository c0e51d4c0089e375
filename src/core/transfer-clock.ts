/**
 * The idle and total deadlines of one download. They measure the server, never the client's own slowness, the way
 * the model calls' DeadlineClock does:
 * - the idle clock runs only while the client waits for the server (`waiting()` before a read, `received()` when
 *   it returns). Time the client spends hashing, writing to disk or reporting progress is not silence: a slow
 *   consumer with the next bytes already buffered never trips it;
 * - timestamps decide, timers only wake the clock up: a timer that fires checks the deadline against the time of
 *   the last event and sleeps again for the rest;
 * - a deadline that has passed still waits one turn of the event loop (`setImmediate`, after the I/O poll) before
 *   it fails the transfer: after a blocked event loop Node runs due timers before it reads the sockets, and the
 *   bytes that arrived in time must be seen first.
 * `expire` is called once at most; `stop()` clears every timer.
 */

export type TransferDeadline = "idle" | "total";

export interface TransferDeadlines {
  /** Longest wait for the server (headers or the next bytes); none when undefined. */
  idleTimeoutMs?: number;
  /** Longest time for the whole transfer; none when undefined. */
  totalTimeoutMs?: number;
}

export class TransferClock {
  private readonly startedAt = performance.now();
  /** Since when the client waits for the server; undefined while the client is busy with what it got. */
  private waitingSince: number | undefined;
  private readonly timers = new Map<TransferDeadline, NodeJS.Timeout | NodeJS.Immediate>();
  private stopped = false;

  constructor(
    deadlines: TransferDeadlines,
    private readonly expire: (which: TransferDeadline, ms: number) => void,
  ) {
    this.watch("idle", deadlines.idleTimeoutMs);
    this.watch("total", deadlines.totalTimeoutMs);
  }

  /** The client now waits for the server. */
  waiting(): void {
    this.waitingSince = performance.now();
  }

  /** The server answered; the idle clock pauses until the next `waiting()`. */
  received(): void {
    this.waitingSince = undefined;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) {
      clearTimeout(timer as NodeJS.Timeout);
      clearImmediate(timer as NodeJS.Immediate);
    }
    this.timers.clear();
  }

  private watch(which: TransferDeadline, ms: number | undefined): void {
    if (ms === undefined || !Number.isFinite(ms)) return;
    const check = () => {
      if (this.stopped) return;
      const left = this.dueAt(which, ms) - performance.now();
      if (left > 0) {
        this.timers.set(which, setTimeout(check, left));
        return;
      }
      this.timers.set(
        which,
        setImmediate(() => {
          if (this.stopped) return;
          if (this.dueAt(which, ms) > performance.now()) return check();
          this.stop();
          this.expire(which, ms);
        }),
      );
    };
    this.timers.set(which, setTimeout(check, Math.max(0, ms)));
  }

  private dueAt(which: TransferDeadline, ms: number): number {
    if (which === "total") return this.startedAt + ms;
    // While the client is busy the idle clock does not run: the deadline is a whole period away.
    return (this.waitingSince ?? performance.now()) + ms;
  }
}
