import { describe, expect, it } from 'vitest';
import { Kernel, type ComponentContext, type EngineComponent } from '../../../src/engine/kernel/kernel.ts';
import { Lifecycle } from '../../../src/engine/kernel/lifecycle.ts';
import { VirtualClock } from '../../../src/engine/kernel/virtual-clock.ts';

class Recorder implements EngineComponent {
  readonly name: string;
  private readonly log: string[];
  constructor(name: string, log: string[]) {
    this.name = name;
    this.log = log;
  }
  start(context: ComponentContext): void {
    this.log.push(`start ${this.name}`);
    if (this.name === 'a') context.handle('ListSeries', () => ({ series: [] }));
  }
  stop(): void {
    this.log.push(`stop ${this.name}`);
  }
}

describe('VirtualClock', () => {
  it('moves only forward, only when told', () => {
    const clock = new VirtualClock(1000);
    clock.advanceBy(500);
    expect(clock.now()).toBe(1500);
    clock.advanceTo(1500);
    expect(() => clock.advanceTo(1499)).toThrow(/cannot go back/);
    expect(() => clock.advanceTo(Number.NaN)).toThrow(/finite/);
  });
});

describe('Lifecycle', () => {
  it('allows the documented path and refuses shortcuts', () => {
    const life = new Lifecycle('x');
    expect(() => life.transition('running')).toThrow('x: illegal lifecycle transition created → running');
    life.transition('starting');
    life.transition('running');
    life.transition('stopping');
    life.transition('stopped');
    expect(() => life.transition('starting')).toThrow(/stopped → starting/);
  });
});

describe('Kernel', () => {
  it('starts components in order, stops them in reverse, and announces the start on its clock', async () => {
    const log: string[] = [];
    const clock = new VirtualClock(42_000);
    const kernel = new Kernel({ clock, mode: 'backtest' });
    kernel.register(new Recorder('a', log));
    kernel.register(new Recorder('b', log));
    const events: unknown[] = [];
    kernel.bus.subscribeAll((e) => events.push(e));
    await kernel.start();
    expect(events).toEqual([{ event: 'EngineStarted', payload: { at: 42_000, mode: 'backtest', protocol: 1 } }]);
    expect(() => kernel.register(new Recorder('c', log))).toThrow(/once started/);
    await kernel.stop();
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('routes commands to their handler and reports status', async () => {
    const kernel = new Kernel({ clock: new VirtualClock(7), mode: 'research' });
    kernel.register(new Recorder('a', []));
    await expect(kernel.execute('ListSeries', {})).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    await kernel.start();
    await expect(kernel.execute('ListSeries', {})).resolves.toEqual({ series: [] });
    await expect(kernel.execute('GetEngineStatus', {})).resolves.toEqual({
      protocol: 1,
      state: 'running',
      mode: 'research',
      now: 7,
      startedAt: 7,
      components: ['a'],
    });
    await expect(kernel.execute('ListSamples', {})).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED' });
  });

  it('refuses a second handler for the same command, failing the start', async () => {
    const kernel = new Kernel({ clock: new VirtualClock(), mode: 'research' });
    kernel.register(new Recorder('a', []));
    kernel.register(new Recorder('a', []));
    await expect(kernel.start()).rejects.toThrow(/ListSeries already has a handler/);
    expect(kernel.state).toBe('failed');
  });
});
