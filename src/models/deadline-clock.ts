import type { Timeouts } from "./types.js";

export type DeadlineName = "first_token" | "idle" | "total";

/** How a deadline reads in an error message. */
export const DEADLINE_LABELS: Readonly<Record<DeadlineName, string>> = {
  first_token: "first token",
  idle: "idle",
  total: "total",
};

/**
 * The clocks of one attempt, for every adapter (HTTP and in-process). A deadline measures the server, never the
 * client's own slowness, so:
 * - the first-token and total deadlines run from `start()`, when the request has actually left the client (HTTP:
 *   the last byte of the request was written to the socket; in-process: a sequence was free and generation
 *   began), not from when the attempt was created: connecting, a busy event loop or a wait for a free sequence
 *   before that is the client's time;
 * - the idle deadline runs from the last `activity()` (bytes received, a token generated);
 * - timestamps decide, timers only wake the clock up: a timer that fires checks the deadline against the time
 *   of the last event and sleeps again for the rest;
 * - a deadline that has passed still waits one turn of the event loop (`setImmediate`, which runs after the I/O
 *   poll) before it fails the attempt. After the process was starved of CPU or its event loop blocked, Node runs
 *   due timers before it reads the sockets, so the token that arrived in time would otherwise be found only after
 *   the attempt had been failed. undici does the same for its connect timeout.
 * `expire` is called once at most, with the deadline that passed; `stop()` clears every timer.
 */
export class DeadlineClock {
  private readonly createdAt = performance.now();
  private startedAt: number | undefined;
  private firstTokenAt: number | undefined;
  private lastActivityAt = 0;
  private readonly timers = new Map<DeadlineName, NodeJS.Timeout>();
  private readonly confirming = new Map<DeadlineName, NodeJS.Immediate>();
  private stopped = false;

  constructor(
    private readonly timeouts: Timeouts,
    private readonly expire: (which: DeadlineName, ms: number) => void,
  ) {}

  /** Time since the request left (or since the attempt was created, if it never did). */
  get elapsedMs(): number {
    return performance.now() - (this.startedAt ?? this.createdAt);
  }

  get ttftMs(): number | undefined {
    return this.firstTokenAt === undefined
      ? undefined
      : this.firstTokenAt - (this.startedAt ?? this.createdAt);
  }

  /** The request has left the client: the first-token and total deadlines start now (later calls change nothing). */
  start(): void {
    if (this.startedAt !== undefined || this.stopped) return;
    this.startedAt = performance.now();
    this.arm("total", this.timeouts.totalMs);
    if (this.firstTokenAt === undefined) this.arm("first_token", this.timeouts.firstTokenMs);
  }

  /** The first token arrived: stop the first-token clock, start the idle clock (later calls change nothing). */
  firstToken(): void {
    if (this.firstTokenAt !== undefined || this.stopped) return;
    this.start();
    this.firstTokenAt = performance.now();
    this.lastActivityAt = this.firstTokenAt;
    this.disarm("first_token");
    this.arm("idle", this.timeouts.idleMs);
  }

  /** Something arrived: after the first token, the idle clock starts again (nothing to do before it). */
  activity(): void {
    if (this.firstTokenAt !== undefined) this.lastActivityAt = performance.now();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const immediate of this.confirming.values()) clearImmediate(immediate);
    this.timers.clear();
    this.confirming.clear();
  }

  /** When the deadline passes, from the events so far; undefined when it no longer applies. */
  private dueAt(which: DeadlineName): number | undefined {
    if (this.startedAt === undefined) return undefined;
    switch (which) {
      case "total":
        return this.startedAt + this.timeouts.totalMs;
      case "first_token":
        return this.firstTokenAt === undefined ? this.startedAt + this.timeouts.firstTokenMs : undefined;
      case "idle":
        return this.firstTokenAt === undefined ? undefined : this.lastActivityAt + this.timeouts.idleMs;
    }
  }

  private arm(which: DeadlineName, ms: number): void {
    this.disarm(which);
    this.timers.set(
      which,
      setTimeout(() => this.wake(which), Math.max(0, ms)),
    );
  }

  private disarm(which: DeadlineName): void {
    const timer = this.timers.get(which);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(which);
    const immediate = this.confirming.get(which);
    if (immediate !== undefined) clearImmediate(immediate);
    this.confirming.delete(which);
  }

  /** A timer fired: sleep again for what is left, or confirm after the pending I/O has been read. */
  private wake(which: DeadlineName): void {
    this.timers.delete(which);
    if (this.reArm(which)) return;
    this.confirming.set(
      which,
      setImmediate(() => {
        this.confirming.delete(which);
        if (this.stopped || this.reArm(which)) return;
        this.stop();
        this.expire(which, this.limitOf(which));
      }),
    );
  }

  /** Re-arms the timer when the deadline has not passed yet (or no longer applies); false when it has passed. */
  private reArm(which: DeadlineName): boolean {
    const due = this.dueAt(which);
    if (due === undefined) return true;
    const left = due - performance.now();
    if (left <= 0) return false;
    this.arm(which, left);
    return true;
  }

  private limitOf(which: DeadlineName): number {
    if (which === "first_token") return this.timeouts.firstTokenMs;
    return which === "idle" ? this.timeouts.idleMs : this.timeouts.totalMs;
  }
}
