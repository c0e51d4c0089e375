import type { Timeouts } from "./types.js";

export type DeadlineName = "first_token" | "idle" | "total";

/** How a deadline reads in an error message. */
export const DEADLINE_LABELS: Readonly<Record<DeadlineName, string>> = {
  first_token: "first token",
  idle: "idle",
  total: "total",
};

/**
 * The clocks of one attempt, for every adapter (HTTP and in-process): the total and first-token deadlines run from
 * construction; the first token stops the first-token clock and starts the idle one, which `activity()` re-arms.
 * `expire` is called once at most, with the deadline that passed; `stop()` clears every timer.
 */
export class DeadlineClock {
  private readonly t0 = performance.now();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly firstTokenTimer: NodeJS.Timeout;
  private idleTimer: NodeJS.Timeout | undefined;
  private firstTokenAt: number | undefined;

  constructor(
    private readonly timeouts: Timeouts,
    private readonly expire: (which: DeadlineName, ms: number) => void,
  ) {
    this.timers.push(setTimeout(() => this.fire("total", timeouts.totalMs), timeouts.totalMs));
    this.firstTokenTimer = setTimeout(
      () => this.fire("first_token", timeouts.firstTokenMs),
      timeouts.firstTokenMs,
    );
    this.timers.push(this.firstTokenTimer);
  }

  get elapsedMs(): number {
    return performance.now() - this.t0;
  }

  get ttftMs(): number | undefined {
    return this.firstTokenAt === undefined ? undefined : this.firstTokenAt - this.t0;
  }

  /** The first token arrived: stop the first-token clock, start the idle clock (later calls change nothing). */
  firstToken(): void {
    if (this.firstTokenAt !== undefined) return;
    this.firstTokenAt = performance.now();
    clearTimeout(this.firstTokenTimer);
    const { idleMs } = this.timeouts;
    this.idleTimer = setTimeout(() => this.fire("idle", idleMs), idleMs);
    this.timers.push(this.idleTimer);
  }

  /** Something arrived after the first token: the idle clock starts again. */
  activity(): void {
    this.idleTimer?.refresh();
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private fire(which: DeadlineName, ms: number): void {
    this.stop();
    this.expire(which, ms);
  }
}
