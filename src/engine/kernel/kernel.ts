import type { z } from 'zod';
import {
  type CommandName,
  type CommandResponse,
  type EngineModeSchema,
  type ParsedCommandRequest,
} from '../../shared/contract/commands.ts';
import { NotImplementedError, TransportError } from '../../shared/contract/errors.ts';
import type { EngineEvent } from '../../shared/contract/events.ts';
import { PROTOCOL_VERSION } from '../../shared/contract/protocol.ts';
import type { Clock } from '../ports.ts';
import { Lifecycle, type LifecycleState } from './lifecycle.ts';
import { MessageBus } from './message-bus.ts';

/** How the kernel is wired. */
export type EngineMode = z.infer<typeof EngineModeSchema>;

/** Handles one command; the payload has already been validated against the contract. */
export type CommandHandler<K extends CommandName> = (
  payload: ParsedCommandRequest<K>,
) => Promise<CommandResponse<K>> | CommandResponse<K>;

/** What a component gets from the kernel when it starts. */
export interface ComponentContext {
  readonly clock: Clock;
  readonly bus: MessageBus<EngineEvent>;
  readonly mode: EngineMode;
  /** Registers the handler of a command; each command has exactly one. */
  handle<K extends CommandName>(command: K, handler: CommandHandler<K>): void;
}

/** A part of the engine with a start/stop lifecycle (market data, risk, execution...). */
export interface EngineComponent {
  readonly name: string;
  start(context: ComponentContext): Promise<void> | void;
  stop?(): Promise<void> | void;
}

/** Options for {@link Kernel}. */
export interface KernelOptions {
  readonly clock: Clock;
  readonly mode: EngineMode;
}

/**
 * The engine kernel: one clock, one message bus, components started in registration order
 * and stopped in reverse, and one command router. Modes (backtest, replay, paper, live) are
 * different wirings of this same kernel, never different code.
 */
export class Kernel {
  /** Engine-wide message bus; the host forwards its events to clients. */
  readonly bus = new MessageBus<EngineEvent>();
  private readonly lifecycle = new Lifecycle('kernel');
  private readonly components: EngineComponent[] = [];
  private readonly handlers = new Map<CommandName, CommandHandler<CommandName>>();
  private startedAt = 0;

  private readonly options: KernelOptions;

  constructor(options: KernelOptions) {
    this.options = options;
    this.handlers.set('GetEngineStatus', () => ({
      protocol: PROTOCOL_VERSION,
      state: this.lifecycle.state,
      mode: options.mode,
      now: Math.trunc(options.clock.now()),
      startedAt: this.startedAt,
      components: this.components.map((c) => c.name),
    }));
  }

  /** The kernel's lifecycle state. */
  get state(): LifecycleState {
    return this.lifecycle.state;
  }

  /** Adds a component; only before start. */
  register(component: EngineComponent): void {
    if (this.lifecycle.state !== 'created') {
      throw new Error(`kernel: cannot register ${component.name} once started`);
    }
    this.components.push(component);
  }

  /** Starts every component in order and announces `EngineStarted`. */
  async start(): Promise<void> {
    this.lifecycle.transition('starting');
    const context: ComponentContext = {
      clock: this.options.clock,
      bus: this.bus,
      mode: this.options.mode,
      handle: (command, handler) => {
        if (this.handlers.has(command)) throw new Error(`kernel: ${command} already has a handler`);
        this.handlers.set(command, handler as CommandHandler<CommandName>);
      },
    };
    try {
      for (const component of this.components) await component.start(context);
    } catch (error) {
      this.lifecycle.transition('failed');
      throw error;
    }
    this.startedAt = Math.trunc(this.options.clock.now());
    this.lifecycle.transition('running');
    this.bus.publish({
      event: 'EngineStarted',
      payload: { at: this.startedAt, mode: this.options.mode, protocol: PROTOCOL_VERSION },
    });
  }

  /** Stops every component in reverse order. */
  async stop(): Promise<void> {
    this.lifecycle.transition('stopping');
    for (const component of [...this.components].reverse()) await component.stop?.();
    this.lifecycle.transition('stopped');
  }

  /** Runs a validated command through its handler. */
  async execute<K extends CommandName>(command: K, payload: ParsedCommandRequest<K>): Promise<CommandResponse<K>> {
    if (this.lifecycle.state !== 'running' && command !== 'GetEngineStatus') {
      throw new TransportError(`the engine is ${this.lifecycle.state}`, 'ENGINE_UNAVAILABLE');
    }
    const handler = this.handlers.get(command) as CommandHandler<K> | undefined;
    if (!handler) throw new NotImplementedError(`command ${command}`);
    return handler(payload);
  }
}
