/**
 * When a request really left the client and when its response bytes really arrived, as undici sees them on the
 * socket: the deadlines measure the server from those moments, not from when our code got round to it.
 */
import type { Dispatcher } from "undici";

export interface RequestEvents {
  /** The whole request was written to the socket (or the response began before it was). */
  sent(): void;
  /** A chunk of the response arrived from the socket (before anyone has read it). */
  received(): void;
}

/** A dispatcher that sends through `dispatcher` and reports each request's I/O moments to `events`. */
export function observed(dispatcher: Dispatcher, events: RequestEvents): Dispatcher {
  return dispatcher.compose(
    (dispatch) => (options, handler) => dispatch(options, new Observer(handler, events)),
  );
}

/** Passes every callback on to undici's own handler, noting the moments on the way. */
class Observer implements Dispatcher.DispatchHandlers {
  constructor(
    private readonly handler: Dispatcher.DispatchHandlers,
    private readonly events: RequestEvents,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.handler.onConnect?.(abort);
  }

  onError(err: Error): void {
    this.handler.onError?.(err);
  }

  onUpgrade(...args: Parameters<NonNullable<Dispatcher.DispatchHandlers["onUpgrade"]>>): void {
    this.handler.onUpgrade?.(...args);
  }

  onBodySent(chunkSize: number, totalBytesSent: number): void {
    this.handler.onBodySent?.(chunkSize, totalBytesSent);
  }

  /** Not in undici's types, but called by its HTTP/1.1 client once the last byte of the request is written. */
  onRequestSent(): void {
    this.events.sent();
    (this.handler as { onRequestSent?: () => void }).onRequestSent?.();
  }

  onResponseStarted(): void {
    this.events.sent();
    this.handler.onResponseStarted?.();
  }

  onHeaders(...args: Parameters<NonNullable<Dispatcher.DispatchHandlers["onHeaders"]>>): boolean {
    this.events.sent();
    this.events.received();
    return this.handler.onHeaders?.(...args) ?? true;
  }

  onData(chunk: Buffer): boolean {
    this.events.received();
    return this.handler.onData?.(chunk) ?? true;
  }

  onComplete(trailers: string[] | null): void {
    this.handler.onComplete?.(trailers);
  }
}
