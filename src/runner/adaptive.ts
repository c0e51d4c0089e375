/**
 * `--concurrency auto`: finds how many requests a server takes at once and settles near it, additive increase,
 * multiplicative decrease (AIMD, as TCP does). The signal is the server itself: a 429 or 503 (a server that rejects
 * above its capacity), or a first token that arrives much later than the fastest one seen (a server that queues
 * above its slots: llama-server, Ollama). Each round of `limit` answers either grows the limit (doubling until the
 * first sign of congestion, then by one) or shrinks it by a quarter; a 429 or 503 shrinks it at once, once per
 * congestion event (the rejections of requests sent before a decrease are that decrease's event, as TCP counts
 * losses once per window).
 */

export interface AimdOptions {
  initial: number;
  min: number;
  max: number;
  /** A round whose mean latency exceeds the fastest seen by this factor counts as queueing. */
  tolerance: number;
  /** Multiplier on congestion. */
  decrease: number;
}

export const DEFAULT_AIMD: AimdOptions = { initial: 4, min: 1, max: 1024, tolerance: 1.5, decrease: 0.75 };

export class AimdController {
  limit: number;
  /** The limit at the end of every round, for the settled value. */
  readonly history: number[] = [];
  private slowStart = true;
  /**
   * The fastest first token seen: the server's latency without queueing. Never forgotten: forgetting it while the
   * limit sits above capacity would take the queueing latency for the baseline and ratchet the limit up.
   */
  private minLatency = Number.POSITIVE_INFINITY;
  private count = 0;
  private latencySum = 0;
  /** Requests sent so far; a request's number is this count when it was sent. */
  private sent = 0;
  /**
   * Rejections of requests sent before this number belong to the congestion the last decrease answered: they were
   * sent under the higher limit. One congestion event shrinks the limit once, however many of its requests fail.
   */
  private recoverFrom = 0;

  constructor(private readonly options: AimdOptions = DEFAULT_AIMD) {
    this.limit = options.initial;
  }

  /** A request finished; `latencyMs` to its first token (or the whole answer). */
  onSuccess(latencyMs: number): void {
    this.minLatency = Math.min(this.minLatency, latencyMs);
    this.count++;
    this.latencySum += latencyMs;
    if (this.count >= this.limit)
      this.endRound(this.latencySum / this.count > this.minLatency * this.options.tolerance);
  }

  /** A request goes out under the limit: its number, to hand back if the server rejects it. */
  send(): number {
    return this.sent++;
  }

  /**
   * The server said it is over capacity (429, 503) to request number `request`: shrink at once, unless a decrease
   * since that request was sent has answered this congestion already. Returns whether the rejection is the
   * controller's own doing (it had the limit above the server's capacity, and has shrunk for it), as opposed to a
   * server that rejects even at the smallest limit.
   */
  onOverload(request: number): boolean {
    if (request < this.recoverFrom) return true;
    if (this.limit <= this.options.min) return false;
    this.endRound(true);
    return true;
  }

  /** Where the limit settled: the median of the second half of the rounds (the initial ramp left out). */
  settled(): number {
    if (this.history.length === 0) return this.limit;
    const tail = this.history.slice(Math.floor(this.history.length / 2)).sort((a, b) => a - b);
    return tail[Math.floor(tail.length / 2)]!;
  }

  private endRound(congestion: boolean): void {
    if (congestion) {
      this.slowStart = false;
      this.limit = Math.max(this.options.min, Math.floor(this.limit * this.options.decrease));
      this.recoverFrom = this.sent;
    } else {
      this.limit = Math.min(this.options.max, this.slowStart ? this.limit * 2 : this.limit + 1);
    }
    this.history.push(this.limit);
    this.count = 0;
    this.latencySum = 0;
  }
}

/** What the runner needs of a limiter: p-limit's call signature and a bound on concurrency. */
export interface Limiter {
  <T>(task: () => Promise<T>): Promise<T>;
  /** The most requests it can ever have in flight (sizes the runner's window). */
  readonly concurrency: number;
  /**
   * Whether a task's failure is the limiter's own doing: a server's "over capacity" while the limiter was probing
   * above it. The runner does not charge such a failure to the request's retry cap.
   */
  causedByProbing?(error: unknown): boolean;
}

/**
 * A limiter whose limit the controller sets. `measure` reads a result's latency; `overloaded` says whether an
 * error means the server is over capacity.
 */
export function adaptiveLimit<R>(
  controller: AimdController,
  measure: (result: R, elapsedMs: number) => number,
  overloaded: (error: unknown) => boolean,
  bound: number,
): Limiter {
  let active = 0;
  const queue: Array<() => void> = [];
  const probing = new WeakSet<object>();
  const next = () => {
    while (active < controller.limit && queue.length > 0) {
      active++;
      queue.shift()!();
    }
  };
  const limiter = <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        const request = controller.send();
        const t0 = performance.now();
        task().then(
          (result) => {
            controller.onSuccess(measure(result as unknown as R, performance.now() - t0));
            active--;
            next();
            resolve(result);
          },
          (error: unknown) => {
            if (
              overloaded(error) &&
              controller.onOverload(request) &&
              typeof error === "object" &&
              error !== null
            )
              probing.add(error);
            active--;
            next();
            reject(error);
          },
        );
      });
      next();
    });
  Object.defineProperty(limiter, "concurrency", { value: bound });
  Object.defineProperty(limiter, "causedByProbing", {
    value: (error: unknown) => typeof error === "object" && error !== null && probing.has(error),
  });
  return limiter as Limiter;
}
