import { Commands, type CommandName, type CommandRequest, type CommandResponse } from '../contract/commands.ts';
import { type HyperdeskError, TransportError, ValidationError, fromWireError } from '../contract/errors.ts';
import { Events, isEventName, type EventName, type EventPayload } from '../contract/events.ts';
import { PROTOCOL_VERSION, ServerMessageSchema, type ResponseMessage } from '../contract/protocol.ts';
import { describeIssues, parseOrThrow } from '../contract/validation.ts';
import type { ClientTransport, ConnectionStatus } from './transport.ts';

interface Pending {
  readonly command: CommandName;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

type Listener = (payload: unknown) => void;

/** Options for {@link EngineClient}. */
export interface EngineClientOptions {
  /** Default time a request may take before it fails with `TIMEOUT`. */
  readonly requestTimeoutMs?: number;
  /** Called for messages that break the protocol; they are dropped, never half-applied. */
  readonly onProtocolError?: (error: HyperdeskError) => void;
}

/**
 * The one way the UI (and any other client) talks to the engine, whatever carries the
 * messages. Requests are validated before they leave, responses and events when they arrive,
 * so a caller only ever sees typed values or typed errors. A request never hangs: it ends
 * with its response, a timeout, or a transport error when the connection drops.
 */
export class EngineClient {
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private readonly statusListeners = new Set<(status: ConnectionStatus, detail?: string) => void>();
  private readonly requestTimeoutMs: number;
  private readonly onProtocolError: (error: HyperdeskError) => void;
  private nextId = 1;
  private currentStatus: ConnectionStatus = 'connecting';

  private readonly transport: ClientTransport;

  constructor(transport: ClientTransport, options: EngineClientOptions = {}) {
    this.transport = transport;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.onProtocolError = options.onProtocolError ?? (() => undefined);
    transport.start({
      onMessage: (raw) => this.receive(raw),
      onStatus: (status, detail) => this.setStatus(status, detail),
    });
  }

  /** Current connection state. */
  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** Sends a command and resolves with its validated response. */
  request<K extends CommandName>(
    command: K,
    payload: CommandRequest<K>,
    options: { timeoutMs?: number } = {},
  ): Promise<CommandResponse<K>> {
    try {
      parseOrThrow(Commands[command].request, payload, command);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const id = String(this.nextId++);
    return new Promise<CommandResponse<K>>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TransportError(`${command} got no answer within ${timeoutMs} ms`, 'TIMEOUT'));
      }, timeoutMs);
      this.pending.set(id, {
        command,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      });
      try {
        this.transport.send({ v: PROTOCOL_VERSION, type: 'request', id, command, payload });
      } catch (error) {
        this.settle(id, (p) => p.reject(error instanceof Error ? error : new TransportError(String(error))));
      }
    });
  }

  /** Subscribes to one event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const wrapped = listener as Listener;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** Subscribes to connection state changes; returns the unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus, detail?: string) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Closes the transport and fails every request still waiting. */
  close(): void {
    this.transport.close();
    this.failAll(new TransportError('the client was closed'));
    this.setStatus('closed');
  }

  private setStatus(status: ConnectionStatus, detail?: string): void {
    this.currentStatus = status;
    if (status !== 'open') {
      this.failAll(new TransportError(`connection ${status}${detail ? `: ${detail}` : ''}`));
    }
    for (const listener of this.statusListeners) listener(status, detail);
  }

  private failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(error));
  }

  private settle(id: string, action: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    action(pending);
  }

  private receive(raw: unknown): void {
    const parsed = ServerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.onProtocolError(new ValidationError(describeIssues('message from engine', parsed.error)));
      return;
    }
    const message = parsed.data;
    if (message.v !== PROTOCOL_VERSION) {
      this.onProtocolError(
        new ValidationError(
          `engine speaks protocol ${message.v}, this client speaks ${PROTOCOL_VERSION}`,
          'PROTOCOL_MISMATCH',
        ),
      );
      return;
    }
    if (message.type === 'response') this.receiveResponse(message);
    else if (message.type === 'event') this.receiveEvent(message.event, message.payload);
  }

  private receiveResponse(message: ResponseMessage): void {
    const id = message.id;
    if (id === null) {
      if (!message.ok) this.onProtocolError(fromWireError(message.error));
      return;
    }
    this.settle(id, (pending) => {
      if (!message.ok) {
        pending.reject(fromWireError(message.error));
        return;
      }
      const result = Commands[pending.command].response.safeParse(message.result);
      if (result.success) pending.resolve(result.data);
      else pending.reject(new ValidationError(describeIssues(`${pending.command} response`, result.error)));
    });
  }

  private receiveEvent(name: string, payload: unknown): void {
    if (!isEventName(name)) {
      this.onProtocolError(new ValidationError(`unknown event "${name}"`));
      return;
    }
    const parsed = Events[name].safeParse(payload);
    if (!parsed.success) {
      this.onProtocolError(new ValidationError(describeIssues(`${name} event`, parsed.error)));
      return;
    }
    for (const listener of this.listeners.get(name) ?? []) listener(parsed.data);
  }
}
