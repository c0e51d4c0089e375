/**
 * One model served by several servers (N llama-server or Ollama instances on N GPUs, several vLLM or SGLang nodes)
 * as one adapter. Each replica has its own concurrency limit and a request goes to a healthy replica with a free
 * slot (the least busy one). A replica that stops answering (a connection error: nothing was generated) is taken
 * out of rotation with a notice and tried again after a cool-down that doubles while it stays down; the request goes
 * to another replica at once, and only when none is left does the error reach the runner's retry policy.
 */
import type {
  AdapterConcurrency,
  CompletionRequest,
  CompletionResponse,
  ModelAdapter,
  ModelIdentity,
  ReplicaUsage,
} from "./types.js";
import { AdapterError } from "./types.js";

export interface ReplicaSetOptions {
  provider: string;
  spec: string;
  name: string;
  replicas: { endpoint: string; adapter: ModelAdapter }[];
  /** Where "taken out of rotation" and "back in rotation" messages go (the CLI prints them above the progress). */
  onNotice?: (message: string) => void;
  /** First cool-down of a replica that stopped answering; doubles on each failed return, up to 60 s. */
  cooldownMs?: number;
  now?: () => number;
}

interface Replica {
  endpoint: string;
  adapter: ModelAdapter;
  inFlight: number;
  served: number;
  /** Out of rotation until this time (ms); 0 when healthy. */
  downUntil: number;
  cooldownMs: number;
  down: boolean;
}

const MAX_COOLDOWN_MS = 60_000;

export class ReplicaSetAdapter implements ModelAdapter {
  readonly provider: string;
  readonly spec: string;
  private readonly replicas: Replica[];
  private readonly waiting: Array<() => void> = [];
  private slotsPerReplica = 1;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private wakeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReplicaSetOptions) {
    this.provider = options.provider;
    this.spec = options.spec;
    this.cooldownMs = options.cooldownMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.replicas = options.replicas.map(({ endpoint, adapter }) => ({
      endpoint,
      adapter,
      inFlight: 0,
      served: 0,
      downUntil: 0,
      cooldownMs: this.cooldownMs,
      down: false,
    }));
  }

  get endpoints(): string[] {
    return this.replicas.map((r) => r.endpoint);
  }

  /** `perServer` slots on each replica: the runner's limit is their sum, and this adapter keeps each replica's. */
  concurrency(perServer: number): AdapterConcurrency {
    this.slotsPerReplica = Math.max(this.slotsPerReplica, perServer);
    return { key: `replicas:${this.endpoints.join(",")}`, slots: perServer * this.replicas.length };
  }

  replicaUsage(): ReplicaUsage[] {
    return this.replicas.map((r) => ({ endpoint: r.endpoint, served: r.served }));
  }

  /**
   * Probes every replica. They must describe one model: where servers report weights digests, every digest must
   * match the others, else the run is refused naming the odd one out. Any unreachable replica refuses the run.
   */
  async identify(signal?: AbortSignal): Promise<ModelIdentity> {
    const identities = await Promise.all(
      this.replicas.map(async (replica) => {
        try {
          return await replica.adapter.identify(signal);
        } catch (error) {
          if (error instanceof AdapterError)
            throw new AdapterError(
              error.kind,
              `replica ${replica.endpoint}: ${error.message}`,
              error.details,
            );
          throw error;
        }
      }),
    );
    const digests = new Map<string, string[]>();
    identities.forEach((identity, i) => {
      if (identity.digest === undefined) return;
      const list = digests.get(identity.digest) ?? [];
      list.push(this.replicas[i]!.endpoint);
      digests.set(identity.digest, list);
    });
    const reporting = [...digests.values()].reduce((n, list) => n + list.length, 0);
    if (digests.size > 1 || (digests.size === 1 && reporting < identities.length)) {
      const [majority] = [...digests.entries()].sort((a, b) => b[1].length - a[1].length);
      const odd = identities
        .map((identity, i) => ({ identity, endpoint: this.replicas[i]!.endpoint }))
        .filter(({ identity }) => identity.digest !== majority![0]);
      throw new AdapterError(
        "bad_request",
        `replicas serve different weights: ${odd
          .map(({ identity, endpoint }) => `${endpoint} reports ${identity.digest ?? "no digest"}`)
          .join(
            "; ",
          )}, while ${majority![1].join(", ")} report${majority![1].length === 1 ? "s" : ""} ${majority![0]}; every replica must serve the same model (drop the odd one out)`,
      );
    }
    const first = identities[0]!;
    const digest = first.digest;
    return {
      provider: this.provider,
      name: this.options.name,
      // With a digest the cache key ignores the endpoint; without one, the set of servers stands in for the model.
      endpoint: [...this.endpoints].sort().join(","),
      ...(digest === undefined ? {} : { digest }),
      ...(first.serverVersion === undefined ? {} : { serverVersion: first.serverVersion }),
      details: {
        ...first.details,
        replicas: identities.map((identity, i) => ({
          endpoint: this.replicas[i]!.endpoint,
          ...(identity.serverVersion === undefined ? {} : { serverVersion: identity.serverVersion }),
        })),
      },
    };
  }

  async complete(request: CompletionRequest): Promise<CompletionResponse> {
    for (let tried = 0; ; tried++) {
      const replica = await this.acquire(request.signal);
      try {
        const response = await replica.adapter.complete(request);
        replica.served++;
        this.recovered(replica);
        return response;
      } catch (error) {
        // A connection error means nothing was generated: another replica can take the request at once.
        if (error instanceof AdapterError && error.kind === "connection") {
          this.takeOut(replica, error);
          if (tried + 1 < this.replicas.length && this.replicas.some((r) => !r.down)) continue;
        }
        throw error;
      } finally {
        this.release(replica);
      }
    }
  }

  async close(): Promise<void> {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    await Promise.all(this.replicas.map((r) => r.adapter.close?.()));
  }

  /** The least busy healthy replica with a free slot; waits while there is none. */
  private async acquire(signal?: AbortSignal): Promise<Replica> {
    for (;;) {
      if (signal?.aborted) throw new AdapterError("aborted", "aborted: request cancelled before it was sent");
      const now = this.now();
      let best: Replica | undefined;
      for (const replica of this.replicas) {
        // A replica whose cool-down is over gets one request (its in-flight count must be 0) to show it is back.
        const usable = !replica.down || (replica.downUntil <= now && replica.inFlight === 0);
        if (!usable || replica.inFlight >= this.slotsPerReplica) continue;
        if (best === undefined || replica.inFlight < best.inFlight) best = replica;
      }
      if (best !== undefined) {
        best.inFlight++;
        return best;
      }
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.scheduleWake();
      });
    }
  }

  private release(replica: Replica): void {
    replica.inFlight--;
    this.waiting.shift()?.();
  }

  /** Wakes a waiter when the earliest cool-down ends, so a set whose replicas are all down tries again. */
  private scheduleWake(): void {
    if (this.wakeTimer !== undefined) return;
    const downs = this.replicas.filter((r) => r.down).map((r) => r.downUntil);
    if (downs.length === 0) return;
    const delay = Math.max(0, Math.min(...downs) - this.now());
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      for (const wake of this.waiting.splice(0)) wake();
    }, delay);
    this.wakeTimer.unref();
  }

  private takeOut(replica: Replica, error: AdapterError): void {
    const wasDown = replica.down;
    if (wasDown) replica.cooldownMs = Math.min(MAX_COOLDOWN_MS, replica.cooldownMs * 2);
    replica.down = true;
    replica.downUntil = this.now() + replica.cooldownMs;
    if (!wasDown) {
      const left = this.replicas.filter((r) => !r.down).length;
      this.options.onNotice?.(
        `replica ${replica.endpoint} stopped answering (${error.message}): out of rotation, trying again in ${Math.round(replica.cooldownMs / 1000)} s; ${left} of ${this.replicas.length} replicas left`,
      );
    }
  }

  private recovered(replica: Replica): void {
    if (!replica.down) return;
    replica.down = false;
    replica.downUntil = 0;
    replica.cooldownMs = this.cooldownMs;
    this.options.onNotice?.(`replica ${replica.endpoint} answers again: back in rotation`);
  }
}
