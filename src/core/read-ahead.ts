/**
 * The chunks of a web stream, read ahead of a slower consumer. fetch discards the bytes it holds but nobody has read
 * yet when the connection breaks, and for a download those are bytes a resume would have to fetch again: reading
 * ahead moves them into our hands as they arrive. An error of the stream is thrown after the chunks that came
 * before it. At most `maxAhead` bytes wait for the consumer; beyond that the stream is not read (backpressure).
 */

/** Told when a read starts waiting for the source and when it returns (the idle deadline runs in between). */
export interface ReadWatch {
  waiting(): void;
  received(): void;
}

export async function* readAhead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  watch: ReadWatch,
  maxAhead: number,
): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let queuedBytes = 0;
  let end: { error: unknown } | "done" | undefined;
  let closed = false;
  // One side at most waits at a time: the reader only when the queue is full, the consumer only when it is empty.
  let wake: (() => void) | undefined;
  const notify = () => {
    const waiter = wake;
    wake = undefined;
    waiter?.();
  };
  const wait = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });

  const pump = async () => {
    try {
      for (;;) {
        while (queuedBytes >= maxAhead && !closed) await wait();
        if (closed) break;
        watch.waiting();
        const next = await reader.read();
        watch.received();
        if (next.done) break;
        queue.push(next.value);
        queuedBytes += next.value.byteLength;
        notify();
      }
      end = "done";
    } catch (error) {
      end = { error };
    }
    notify();
  };
  const pumping = pump();

  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        queuedBytes -= chunk.byteLength;
        notify();
        yield chunk;
      } else if (end === "done") return;
      else if (end !== undefined) throw end.error;
      else await wait();
    }
  } finally {
    // The consumer stopped early (or the stream ended): stop reading and let the reader finish.
    closed = true;
    notify();
    await reader.cancel().catch(() => undefined);
    await pumping;
  }
}
