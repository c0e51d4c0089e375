/**
 * The deadline clock of one attempt measures the server, never the client's own slowness. Unit tests on a fake
 * clock, then the two ways a slow client used to time out a healthy server, reproduced with real sockets: time
 * spent before the request was sent, and an answer that arrived while the client was stalled past the deadline.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DeadlineClock, type DeadlineName } from "../../src/models/deadline-clock.js";
import { createAdapter } from "../../src/models/registry.js";
import type { ModelAdapter, Timeouts } from "../../src/models/types.js";
import { failure, request } from "./helpers.js";

const LIMITS: Timeouts = { connectMs: 1_000, firstTokenMs: 100, idleMs: 50, totalMs: 1_000 };

describe("DeadlineClock (fake time)", () => {
  let expired: { which: DeadlineName; ms: number }[];
  let clock: DeadlineClock | undefined;
  afterEach(() => {
    clock?.stop();
    vi.useRealTimers();
  });

  function fresh(): DeadlineClock {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"],
    });
    expired = [];
    clock = new DeadlineClock(LIMITS, (which, ms) => expired.push({ which, ms }));
    return clock;
  }

  /** Advances the fake time by `ms`, then lets one turn of the event loop pass (fake immediates run 1 ms on). */
  function elapse(ms: number): void {
    vi.advanceTimersByTime(ms);
    vi.advanceTimersByTime(1);
  }

  it("runs no deadline before the request has left the client", () => {
    const clock = fresh();
    elapse(3_600_000);
    expect(expired).toEqual([]);
    clock.start();
    elapse(LIMITS.firstTokenMs - 2);
    expect(expired).toEqual([]);
    elapse(1);
    expect(expired).toEqual([{ which: "first_token", ms: 100 }]);
  });

  it("measures the first token and the elapsed time from the send, not from the attempt's creation", () => {
    const clock = fresh();
    vi.advanceTimersByTime(5_000);
    clock.start();
    vi.advanceTimersByTime(40);
    clock.firstToken();
    vi.advanceTimersByTime(10);
    expect(clock.ttftMs).toBe(40);
    expect(clock.elapsedMs).toBe(50);
  });

  it("runs the idle deadline from the last activity, and fires it once nothing arrives", () => {
    const clock = fresh();
    clock.start();
    clock.firstToken();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(LIMITS.idleMs - 10);
      clock.activity();
    }
    expect(expired).toEqual([]);
    elapse(LIMITS.idleMs - 2);
    expect(expired).toEqual([]);
    elapse(1);
    expect(expired).toEqual([{ which: "idle", ms: 50 }]);
  });

  it("runs the total deadline from the send, whatever arrives", () => {
    const clock = fresh();
    vi.advanceTimersByTime(10_000);
    clock.start();
    clock.firstToken();
    for (let t = 0; t < LIMITS.totalMs - 10; t += 10) {
      vi.advanceTimersByTime(10);
      clock.activity();
    }
    expect(expired).toEqual([]);
    elapse(10);
    expect(expired).toEqual([{ which: "total", ms: 1_000 }]);
  });

  it("a deadline that passed waits one event-loop turn, in which a token that arrived in time still counts", () => {
    const clock = fresh();
    clock.start();
    vi.advanceTimersToNextTimer(); // the first-token timer fires: the deadline has passed, a confirmation is queued
    expect(expired).toEqual([]);
    clock.firstToken(); // the poll phase reads the token that was waiting in the socket
    elapse(0); // the confirmation finds it
    expect(expired).toEqual([]);

    vi.advanceTimersToNextTimer(); // the idle timer fires
    clock.activity(); // a chunk was waiting too
    elapse(0);
    expect(expired).toEqual([]);
    elapse(LIMITS.idleMs);
    expect(expired).toEqual([{ which: "idle", ms: 50 }]);
  });

  it("fires once at most, and never after stop()", () => {
    let clock = fresh();
    clock.start();
    elapse(LIMITS.totalMs * 10);
    expect(expired).toEqual([{ which: "first_token", ms: 100 }]);

    clock = fresh();
    clock.start();
    clock.firstToken();
    vi.advanceTimersByTime(LIMITS.idleMs - 1);
    clock.stop();
    elapse(LIMITS.totalMs * 10);
    clock.start();
    clock.firstToken();
    elapse(LIMITS.totalMs * 10);
    expect(expired).toEqual([]);
  });
});

/**
 * A minimal OpenAI-style streaming server whose replies the test writes itself, so it decides exactly when each
 * byte is handed to the kernel relative to the client's event loop. The sockets are real; the clock's timers and
 * time are fake, so no outcome depends on how fast this machine is: "the client was stalled past the deadline" is
 * the fake time jumping while the answer already waits in the client's socket, unread. After a real stall Node
 * runs the due timers before it reads the sockets; here the timer fires inside the jump, before the next poll
 * phase, which is the same order.
 */
describe("a slow client does not time out a healthy server (real sockets, OpenAI adapter)", () => {
  let server: Server;
  let url: string;
  let adapter: ModelAdapter;
  let reply: (res: ServerResponse) => void = () => {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => reply(res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  // A fresh adapter per test: each request needs a new connection, so it cannot leave before the test says.
  beforeEach(() => {
    adapter = createAdapter(`openai:m@${url}`, {});
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await adapter.close?.();
  });

  const chunk = (content: string) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
  const end = `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\ndata: [DONE]\n\n`;

  /** Runs `then` in the check phase `turns` turns of the event loop from now (1: this turn's). */
  function inCheckPhase(turns: number, then: () => void): void {
    setImmediate(() => (turns > 1 ? inCheckPhase(turns - 1, then) : then()));
  }

  /** The client is stalled for `ms`: its due timers fire before it reads what waits in its socket. */
  const stall = (ms: number) => vi.advanceTimersByTime(ms);

  it("a first token that arrived while the client was stalled past the first-token deadline is read", async () => {
    const timeouts: Timeouts = { connectMs: 10_000, firstTokenMs: 50, idleMs: 10_000, totalMs: 60_000 };
    reply = (res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      // In the kernel's buffer for the client before the deadline; the client reads it only after the stall.
      res.write(chunk("in time"));
      inCheckPhase(1, () => {
        stall(timeouts.firstTokenMs * 10);
        res.end(end);
      });
    };
    const response = await adapter.complete(request({ timeouts }));
    expect(response.text).toBe("in time");
  });

  it("a chunk that arrived while the client was stalled past the idle deadline is read", async () => {
    const timeouts: Timeouts = { connectMs: 10_000, firstTokenMs: 60_000, idleMs: 50, totalMs: 60_000 };
    reply = (res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(chunk("first"));
      // The next turn's poll phase reads the first token (the idle clock starts); its check phase sends the
      // second chunk and stalls past the idle deadline.
      inCheckPhase(2, () => {
        res.write(chunk(" second"));
        stall(timeouts.idleMs * 10);
        res.end(end);
      });
    };
    const response = await adapter.complete(request({ timeouts }));
    expect(response.text).toBe("first second");
  });

  it("the end of an answer that arrived while the client was stalled past the total deadline is read", async () => {
    const timeouts: Timeouts = { connectMs: 10_000, firstTokenMs: 60_000, idleMs: 60_000, totalMs: 50 };
    reply = (res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(chunk("whole answer") + end);
      inCheckPhase(1, () => stall(timeouts.totalMs * 10));
    };
    const response = await adapter.complete(request({ timeouts }));
    expect(response.text).toBe("whole answer");
  });

  it("time the client spends before the request leaves does not count against the server", async () => {
    const timeouts: Timeouts = { connectMs: 10_000, firstTokenMs: 100, idleMs: 100, totalMs: 100 };
    reply = (res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(chunk("answer") + end);
    };
    const answer = adapter.complete(request({ timeouts }));
    stall(60_000); // a minute lost on the client before the request is written (it waits for its connection)
    expect((await answer).text).toBe("answer");
  });

  it("a server that really is late still times out, however long the client was stalled", async () => {
    const timeouts: Timeouts = { connectMs: 10_000, firstTokenMs: 50, idleMs: 10_000, totalMs: 60_000 };
    reply = (res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.flushHeaders();
      inCheckPhase(1, () => stall(timeouts.firstTokenMs * 10));
    };
    const error = await failure(adapter.complete(request({ timeouts })), "timeout");
    expect(error.details.deadline).toBe("first_token");
  });
});
