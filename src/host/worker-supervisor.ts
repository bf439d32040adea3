import { Worker } from 'node:worker_threads';
import { errorResponse } from '../shared/contract/envelope.ts';
import { TransportError, type HyperdeskError } from '../shared/contract/errors.ts';
import type { EventName, EventPayload } from '../shared/contract/events.ts';
import {
  EventMessageSchema,
  PROTOCOL_VERSION,
  ResponseMessageSchema,
  type EventMessage,
  type RequestMessage,
  type ResponseMessage,
} from '../shared/contract/protocol.ts';
import type { EngineGateway } from './engine-gateway.ts';
import type { EngineHostConfig } from './engine-host-config.ts';
import { WorkerControlSchema } from './worker-protocol.ts';

/** Where the supervisor is in its own lifecycle. */
export type SupervisorState = 'idle' | 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

/** Options for {@link WorkerSupervisor}. */
export interface WorkerSupervisorOptions {
  /** The worker entry (engine-worker.ts in source, its bundle in Electron). */
  readonly workerUrl: URL | string;
  readonly config: EngineHostConfig;
  /** Restarts allowed within `restartWindowMs` before giving up. */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  /** Delay before restart n is `restartDelayMs * 2^(n-1)`, capped at 10 s. */
  readonly restartDelayMs?: number;
  /** Time a worker gets to shut down cleanly before it is terminated. */
  readonly shutdownTimeoutMs?: number;
  /** Longest a request may wait for the engine before it is answered with `TIMEOUT`. */
  readonly requestTimeoutMs?: number;
  /** Time a worker gets to start before it counts as crashed. */
  readonly startTimeoutMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface Pending {
  readonly clientId: string;
  readonly resolve: (response: ResponseMessage) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Runs the engine in a worker thread and keeps it running. Requests get their own ids on the
 * way in (so many clients can share one worker) and their callers' ids on the way out. When
 * the worker dies, every request in flight is answered with `ENGINE_RESTARTED`, the worker is
 * restarted with backoff, and `EngineRestarted` is published once it is ready again; after
 * too many crashes in a row it stops and publishes `EngineFailed`. No request waits longer
 * than `requestTimeoutMs`, even if the worker hangs.
 */
export class WorkerSupervisor implements EngineGateway {
  private worker: Worker | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<(event: EventMessage) => void>();
  private nextId = 1;
  private seq = 0;
  private crashes: number[] = [];
  private restarts = 0;
  private currentState: SupervisorState = 'idle';
  private stopping: Promise<void> | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly options: WorkerSupervisorOptions;

  constructor(options: WorkerSupervisorOptions) {
    this.options = options;
  }

  /** Current state. */
  get state(): SupervisorState {
    return this.currentState;
  }

  /** Total restarts since this supervisor was created. */
  get restartCount(): number {
    return this.restarts;
  }

  /**
   * Subscribes to every engine event, re-sequenced so `seq` keeps growing across restarts.
   * Returns the unsubscribe function.
   */
  onEvent(listener: (event: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the worker and resolves once its kernel is running. */
  async start(): Promise<void> {
    if (this.currentState !== 'idle') throw new Error(`supervisor: cannot start when ${this.currentState}`);
    this.currentState = 'starting';
    try {
      await this.spawn();
    } catch (error) {
      if (!this.stopping) this.currentState = 'failed';
      throw error;
    }
  }

  /**
   * Sends a request (its envelope already parsed) to the engine. Always resolves with a
   * response for the caller's id; transport failures become error responses.
   */
  request(message: RequestMessage): Promise<ResponseMessage> {
    const worker = this.worker;
    if (this.currentState !== 'running' || !worker) {
      return Promise.resolve(
        errorResponse(message.id, new TransportError(`the engine is ${this.currentState}`, 'ENGINE_UNAVAILABLE')),
      );
    }
    const id = String(this.nextId++);
    const timeoutMs = this.options.requestTimeoutMs ?? 120_000;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.log('error', `engine did not answer ${message.command} within ${timeoutMs} ms`);
        resolve(
          errorResponse(
            message.id,
            new TransportError(`${message.command} got no answer within ${timeoutMs} ms`, 'TIMEOUT'),
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { clientId: message.id, resolve, timer });
      worker.postMessage({ ...message, id });
    });
  }

  /** Shuts the worker down cleanly (store closed) and stops supervising. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const worker = this.worker;
    this.currentState = 'stopped';
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'shutdown' });
    const timeout = this.options.shutdownTimeoutMs ?? 5_000;
    const timer = setTimeout(() => void worker.terminate(), timeout);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(this.options.workerUrl, { workerData: this.options.config });
      this.worker = worker;
      let ready = false;
      const startTimer = setTimeout(() => {
        if (!ready) void worker.terminate();
      }, this.options.startTimeoutMs ?? 30_000);

      worker.on('message', (raw: unknown) => {
        const control = WorkerControlSchema.safeParse(raw);
        if (!control.success) {
          this.receive(raw);
          return;
        }
        // A worker that comes up after stop() was called is on its way out: never "running".
        if (this.stopping) return;
        if (control.data.type === 'ready') {
          ready = true;
          clearTimeout(startTimer);
          this.currentState = 'running';
          resolve();
        } else if (control.data.type === 'fatal') {
          this.log('error', `engine failed to start: ${control.data.error.message}`);
          clearTimeout(startTimer);
          reject(new TransportError(`the engine failed to start: ${control.data.error.message}`, 'ENGINE_UNAVAILABLE'));
        }
      });
      worker.on('error', (error) => this.log('error', `engine worker error: ${error.message}`));
      worker.on('exit', (code) => {
        clearTimeout(startTimer);
        if (this.worker === worker) this.worker = null;
        if (this.stopping) {
          this.failPending(new TransportError('the engine was stopped', 'ENGINE_UNAVAILABLE'));
          if (!ready) reject(new TransportError('the engine was stopped before it started', 'ENGINE_UNAVAILABLE'));
          return;
        }
        const reason = ready
          ? `engine worker exited with code ${code}`
          : `engine worker did not start (exit code ${code})`;
        this.failPending(new TransportError(`${reason}; the request was not completed`, 'ENGINE_RESTARTED'));
        if (!ready) reject(new TransportError(reason, 'ENGINE_UNAVAILABLE'));
        if (ready || this.currentState === 'restarting') this.onCrash(reason);
      });
    });
  }
  private receive(raw: unknown): void {
    const response = ResponseMessageSchema.safeParse(raw);
    if (response.success) {
      const id = response.data.id;
      const pending = id === null ? undefined : this.pending.get(id);
      if (!pending || id === null) {
        this.log('warn', `engine answered an unknown request id ${String(id)}`);
        return;
      }
      this.pending.delete(id);
      clearTimeout(pending.timer);
      // Expected failures are the caller's business; an INTERNAL one is a bug worth a log line.
      if (!response.data.ok && response.data.error.code === 'INTERNAL') {
        this.log('error', `engine internal error: ${response.data.error.message}`);
      }
      pending.resolve({ ...response.data, id: pending.clientId });
      return;
    }
    const event = EventMessageSchema.safeParse(raw);
    if (event.success) {
      this.emit({ ...event.data, seq: this.seq++ });
      return;
    }
    this.log('warn', 'engine worker sent a message outside the protocol; dropped');
  }

  private onCrash(reason: string): void {
    const now = Date.now();
    const windowMs = this.options.restartWindowMs ?? 60_000;
    this.crashes = [...this.crashes.filter((t) => now - t < windowMs), now];
    const maxRestarts = this.options.maxRestarts ?? 5;
    if (this.crashes.length > maxRestarts) {
      this.currentState = 'failed';
      this.log('error', `${reason}; ${maxRestarts} restarts within ${windowMs} ms, giving up`);
      this.publish('EngineFailed', { at: now, reason, restarts: this.restarts });
      return;
    }
    this.currentState = 'restarting';
    const delay = Math.min(10_000, (this.options.restartDelayMs ?? 200) * 2 ** (this.crashes.length - 1));
    this.log('warn', `${reason}; restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.spawn().then(
        () => {
          this.restarts += 1;
          this.publish('EngineRestarted', { at: Date.now(), reason, restarts: this.restarts });
        },
        (error: unknown) => {
          if (!this.stopping) this.log('error', `restart failed: ${(error as Error).message}`);
        },
      );
    }, delay);
  }

  private publish<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emit({ v: PROTOCOL_VERSION, type: 'event', event, seq: this.seq++, payload });
  }

  private emit(event: EventMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log('error', `event listener failed: ${(error as Error).message}`);
      }
    }
  }

  private failPending(error: HyperdeskError): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.resolve(errorResponse(pending.clientId, error));
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
