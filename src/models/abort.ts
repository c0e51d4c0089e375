/**
 * One listener per AbortSignal, however many requests wait on it. Every request of a run watches the run's signal
 * (Ctrl-C); adding an `abort` listener per request made Node print `MaxListenersExceededWarning: Possible
 * EventTarget memory leak detected` above 10 in flight and cost a listener registration per attempt.
 */

const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `handler` once when `signal` aborts; returns the unsubscribe function. Already aborted: never called. */
export function onAbort(signal: AbortSignal, handler: () => void): () => void {
  let handlers = watchers.get(signal);
  if (handlers === undefined) {
    const set = new Set<() => void>();
    handlers = set;
    watchers.set(signal, set);
    signal.addEventListener(
      "abort",
      () => {
        watchers.delete(signal);
        for (const h of [...set]) h();
        set.clear();
      },
      { once: true },
    );
  }
  handlers.add(handler);
  const set = handlers;
  return () => {
    set.delete(handler);
  };
}
