import { expect } from 'vitest';
import type { Kernel } from '../../src/engine/kernel/kernel.ts';
import { dispatchRequest } from '../../src/host/command-dispatcher.ts';
import { createEngine, type EngineInstance } from '../../src/host/create-engine.ts';
import type { EngineHostConfig } from '../../src/host/engine-host-config.ts';
import {
  Commands,
  type CommandName,
  type CommandRequest,
  type CommandResponse,
} from '../../src/shared/contract/commands.ts';
import type { WireError } from '../../src/shared/contract/errors.ts';
import { Events, type EngineEvent, type EventName, type EventPayload } from '../../src/shared/contract/events.ts';
import { PROTOCOL_VERSION } from '../../src/shared/contract/protocol.ts';
import { testEngineConfig } from './engine-config.ts';
import { tempDir } from './paths.ts';
import { waitFor } from './wait-for.ts';

/** A command's answer as a client sees it: the result parsed with its response schema, or the error. */
export type Answer<K extends CommandName> = { ok: true; result: CommandResponse<K> } | { ok: false; error: WireError };

/** How a contract driver picks out events and what it reports. */
export interface ContractDriverOptions {
  /** Payload fields `of(name, id)` matches `id` against (any of them); `['runId']` unless given. */
  idKeys?: readonly string[];
  /** Called with every event message and every raw response that leaves the engine. */
  onWire?: (message: unknown) => void;
}

/** An engine driven through raw contract messages, as the engine worker serves it. */
export interface ContractDriver {
  /** Every bus event, in order. */
  events: EngineEvent[];
  /** Events that failed their contract schema, as `Event: message`. */
  invalid: string[];
  /** Sends a command as JSON through `dispatchRequest`; the answer parsed as the client parses it. */
  send<K extends CommandName>(command: K, payload: CommandRequest<K>): Promise<Answer<K>>;
  /** Sends a command that must succeed; its parsed result (throws on an error answer). */
  call<K extends CommandName>(command: K, payload: CommandRequest<K>): Promise<CommandResponse<K>>;
  /** Sends a command (any payload) that must fail; its error (throws on a success). */
  fail<K extends CommandName>(command: K, payload: unknown): Promise<WireError>;
  /**
   * The payloads of the `name` events so far, those whose id field (see `idKeys`) is `id` when
   * given; first expects every event so far to have passed its schema.
   */
  of<E extends EventName>(name: E, id?: string): EventPayload<E>[];
  /** Waits for the first `name` event (with that id when given) and returns its payload. */
  waitForEvent<E extends EventName>(name: E, id?: string, timeoutMs?: number): Promise<EventPayload<E>>;
}

/**
 * Drives `kernel` as the engine worker serves it: raw messages through `dispatchRequest` (JSON
 * in, responses parsed with the command's response schema), every bus event kept and checked
 * against its schema. Subscribe before the kernel starts to see its first events.
 */
export function contractDriver(kernel: Kernel, options: ContractDriverOptions = {}): ContractDriver {
  const idKeys = options.idKeys ?? ['runId'];
  const events: EngineEvent[] = [];
  const invalid: string[] = [];
  kernel.bus.subscribeAll((message) => {
    // Every event must satisfy the contract the clients parse it with.
    const parsed = Events[message.event].safeParse(message.payload);
    if (!parsed.success) invalid.push(`${message.event}: ${parsed.error.message}`);
    options.onWire?.(message);
    events.push(message);
  });
  let requestId = 0;
  async function send<K extends CommandName>(command: K, payload: CommandRequest<K>): Promise<Answer<K>> {
    const raw = { v: PROTOCOL_VERSION, type: 'request', id: `r${++requestId}`, command, payload };
    const response = await dispatchRequest(kernel, JSON.parse(JSON.stringify(raw)) as unknown);
    options.onWire?.(response);
    if (!response.ok) return { ok: false, error: response.error };
    // What the client does with the answer: parse it against the command's response schema.
    return { ok: true, result: Commands[command].response.parse(response.result) as CommandResponse<K> };
  }
  async function call<K extends CommandName>(command: K, payload: CommandRequest<K>): Promise<CommandResponse<K>> {
    const answer = await send(command, payload);
    if (!answer.ok) throw new Error(`${command} failed: ${answer.error.message}`);
    return answer.result;
  }
  async function fail<K extends CommandName>(command: K, payload: unknown): Promise<WireError> {
    const answer = await send(command, payload as CommandRequest<K>);
    if (answer.ok) throw new Error(`${command} succeeded, expected an error`);
    return answer.error;
  }
  function of<E extends EventName>(name: E, id?: string): EventPayload<E>[] {
    expect(invalid).toEqual([]);
    return events
      .filter((e) => e.event === name)
      .map((e) => e.payload as EventPayload<E>)
      .filter((p) => {
        if (id === undefined) return true;
        const fields = p as Record<string, unknown>;
        return idKeys.some((key) => fields[key] === id);
      });
  }
  function waitForEvent<E extends EventName>(name: E, id?: string, timeoutMs = 20_000): Promise<EventPayload<E>> {
    return waitFor(() => of(name, id)[0], timeoutMs, id === undefined ? name : `${name} of ${id}`);
  }
  return { events, invalid, send, call, fail, of, waitForEvent };
}

/** What `startContractEngine` sets up. */
export interface ContractEngineOptions extends ContractDriverOptions {
  /** The engine's folder (database, journals); a new temporary one, removed on close, unless given. */
  dir?: string;
  /** Data folders the engine may read; `[dir]` unless given. */
  dataRoots?: string[];
  /** Config over `testEngineConfig(dir, dataRoots)`. */
  config?: Partial<EngineHostConfig>;
}

/** A started engine as `createEngine` wires it for the worker, with its contract driver. */
export interface ContractEngine extends ContractDriver {
  engine: EngineInstance;
  kernel: Kernel;
  /** The engine's folder. */
  dir: string;
  /** Closes the engine (once), then removes its folder when it made it. */
  close(): Promise<void>;
}

/**
 * Starts an engine as the worker runs it (`createEngine` on `testEngineConfig`), with a
 * contract driver subscribed before start. Call `close` when the test ends.
 */
export async function startContractEngine(options: ContractEngineOptions = {}): Promise<ContractEngine> {
  // A folder made here is removed on close; a given one is left as it is.
  const { dir, remove } = options.dir === undefined ? tempDir() : { dir: options.dir, remove: () => undefined };
  const engine = createEngine({ ...testEngineConfig(dir, options.dataRoots), ...options.config });
  const driver = contractDriver(engine.kernel, options);
  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    try {
      await engine.close();
    } finally {
      remove();
    }
  }
  try {
    await engine.kernel.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { ...driver, engine, kernel: engine.kernel, dir, close };
}
