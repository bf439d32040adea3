import { TransportError } from '../contract/errors.ts';
import type { RequestMessage } from '../contract/protocol.ts';
import type { ClientTransport, TransportHandlers } from './transport.ts';

/** The part of the standard WebSocket API this transport uses (browsers and Node ≥ 22). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

/** Options for {@link WebSocketTransport}. */
export interface WebSocketTransportOptions {
  readonly url: string;
  readonly createSocket: (url: string) => WebSocketLike;
  /** First reconnect delay; doubles per failure up to `maxDelayMs`, with jitter. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Requests held while connecting; beyond this, sending fails at once. */
  readonly maxQueued?: number;
  readonly random?: () => number;
}

const OPEN = 1;

/**
 * WebSocket transport with automatic reconnection (exponential backoff, full jitter, capped).
 * Requests made while connecting are held and sent on open; when a connection drops, the
 * client fails what was in flight, so nothing waits for an answer that cannot come.
 */
export class WebSocketTransport implements ClientTransport {
  private socket: WebSocketLike | null = null;
  private handlers: TransportHandlers | null = null;
  private queue: string[] = [];
  private attempt = 0;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  private readonly options: WebSocketTransportOptions;

  constructor(options: WebSocketTransportOptions) {
    this.options = options;
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
    this.connect();
  }

  send(message: RequestMessage): void {
    const text = JSON.stringify(message);
    if (this.socket?.readyState === OPEN) {
      this.socket.send(text);
      return;
    }
    if (this.closed) throw new TransportError('the connection is closed');
    if (this.queue.length >= (this.options.maxQueued ?? 256)) {
      throw new TransportError('not connected to the engine and too many requests are waiting');
    }
    this.queue.push(text);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.queue = [];
    const socket = this.socket;
    // Detach first: the socket's own close event comes later and must not reconnect.
    this.socket = null;
    socket?.close(1000, 'client closed');
    this.handlers?.onStatus('closed');
  }

  private connect(): void {
    if (this.closed || !this.handlers) return;
    const handlers = this.handlers;
    if (this.attempt === 0) handlers.onStatus('connecting');
    let socket: WebSocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch (error) {
      this.scheduleReconnect(error instanceof Error ? error.message : String(error));
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempt = 0;
      handlers.onStatus('open');
      const queued = this.queue;
      this.queue = [];
      for (const text of queued) socket.send(text);
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        parsed = { malformed: event.data.slice(0, 200) };
      }
      handlers.onMessage(parsed);
    });
    // An 'error' is always followed by 'close', which carries the outcome.
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket || this.closed) return;
      this.socket = null;
      this.scheduleReconnect(`closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
    });
  }

  private scheduleReconnect(detail: string): void {
    if (this.closed) return;
    this.attempt += 1;
    // What was queued for the failed socket is failed by the client on this status change.
    this.queue = [];
    this.handlers?.onStatus('reconnecting', detail);
    const base = this.options.baseDelayMs ?? 250;
    const cap = this.options.maxDelayMs ?? 10_000;
    const ceiling = Math.min(cap, base * 2 ** Math.min(this.attempt - 1, 16));
    const delay = Math.round((this.options.random ?? Math.random)() * ceiling);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
