import type { MessageBoxOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { engineAlert, RESTART_BUTTON, watchEngineCrashes } from '../../../src/main/engine-alerts.ts';
import type { EventMessage } from '../../../src/shared/contract/protocol.ts';

const event = (name: string, payload: unknown, seq = 1): EventMessage => ({
  v: 1,
  type: 'event',
  event: name,
  seq,
  payload,
});
const RESTARTED = event('EngineRestarted', { at: 1, reason: 'worker exited with code 3', restarts: 1 });
const FAILED = event('EngineFailed', { at: 2, reason: 'worker exited with code 3', restarts: 3 });

/** A supervisor stand-in whose events the test publishes. */
function fakeSupervisor() {
  const listeners = new Set<(e: EventMessage) => void>();
  return {
    onEvent: (l: (e: EventMessage) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    publish: (e: EventMessage) => listeners.forEach((l) => l(e)),
    listeners,
  };
}

/** A dialog whose boxes stay open until the test answers them. */
function fakeDialog() {
  const shown: { window: string | null; options: MessageBoxOptions; answer: (response: number) => void }[] = [];
  const showMessageBox = (window: string | null, options: MessageBoxOptions) =>
    new Promise<{ response: number }>((resolve) =>
      shown.push({ window, options, answer: (response) => resolve({ response }) }),
    );
  return { shown, showMessageBox };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function watch(window: string | null = 'main-window') {
  const supervisor = fakeSupervisor();
  const dialog = fakeDialog();
  let relaunches = 0;
  const log: string[] = [];
  const stop = watchEngineCrashes<string>({
    engine: supervisor,
    showMessageBox: dialog.showMessageBox,
    getWindow: () => window,
    relaunch: () => relaunches++,
    log: (m) => log.push(m),
  });
  return { supervisor, dialog, stop, log, relaunches: () => relaunches };
}

describe('engineAlert', () => {
  it('describes a restart as a warning with the reason and a prompt to check orders', () => {
    expect(engineAlert(RESTARTED)).toMatchObject({
      type: 'warning',
      message: expect.stringContaining('restarted'),
      detail: expect.stringMatching(/code 3.*orders/s),
    });
  });

  it('describes a failure as an error offering a restart', () => {
    expect(engineAlert(FAILED)).toMatchObject({
      type: 'error',
      buttons: ['Restart HyperDesk', 'Close'],
      defaultId: RESTART_BUTTON,
      cancelId: 1,
    });
  });

  it('ignores other events and survives a malformed payload', () => {
    expect(engineAlert(event('CandlesLoaded', {}))).toBeNull();
    expect(engineAlert(event('EngineFailed', 'garbage'))?.detail).toContain('unknown');
  });
});

describe('watchEngineCrashes', () => {
  it('shows the dialog without waiting for it: the listener returns while the box is open', () => {
    const { supervisor, dialog } = watch();
    supervisor.publish(RESTARTED);
    // Still open (never answered), yet publish returned and later events are handled.
    expect(dialog.shown).toHaveLength(1);
    expect(dialog.shown[0]).toMatchObject({ window: 'main-window', options: { type: 'warning' } });
    supervisor.publish(FAILED);
    expect(dialog.shown.map((d) => d.options.type)).toEqual(['warning', 'error']);
  });

  it('does not stack dialogs during a crash loop, and shows the next one once closed', async () => {
    const { supervisor, dialog } = watch();
    supervisor.publish(RESTARTED);
    supervisor.publish(RESTARTED);
    expect(dialog.shown).toHaveLength(1);
    dialog.shown[0]?.answer(0);
    await flush();
    supervisor.publish(RESTARTED);
    expect(dialog.shown).toHaveLength(2);
  });

  it('relaunches only when the user picks Restart in the failure dialog', async () => {
    const close = watch();
    close.supervisor.publish(FAILED);
    close.dialog.shown[0]?.answer(1);
    await flush();
    expect(close.relaunches()).toBe(0);

    const restart = watch();
    restart.supervisor.publish(FAILED);
    restart.dialog.shown[0]?.answer(RESTART_BUTTON);
    await flush();
    expect(restart.relaunches()).toBe(1);

    const restarted = watch();
    restarted.supervisor.publish(RESTARTED);
    restarted.dialog.shown[0]?.answer(0);
    await flush();
    expect(restarted.relaunches()).toBe(0);
  });

  it('shows an unparented dialog when there is no window, and logs dialog errors', async () => {
    const { supervisor, dialog } = watch(null);
    supervisor.publish(FAILED);
    expect(dialog.shown[0]?.window).toBeNull();

    const log: string[] = [];
    const engine = fakeSupervisor();
    watchEngineCrashes<string>({
      engine,
      showMessageBox: () => Promise.reject(new Error('no display')),
      getWindow: () => null,
      relaunch: () => undefined,
      log: (m) => log.push(m),
    });
    expect(() => engine.publish(FAILED)).not.toThrow();
    await flush();
    expect(log).toEqual([expect.stringContaining('no display')]);
  });

  it('unsubscribes', () => {
    const { supervisor, stop } = watch();
    expect(supervisor.listeners.size).toBe(1);
    stop();
    expect(supervisor.listeners.size).toBe(0);
  });
});
