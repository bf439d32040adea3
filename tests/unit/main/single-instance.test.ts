import { describe, expect, it } from 'vitest';
import { claimSingleInstance } from '../../../src/main/single-instance.ts';

function fakeApp(gotLock: boolean) {
  const listeners: (() => void)[] = [];
  const app = {
    quits: 0,
    requestSingleInstanceLock: () => gotLock,
    on: (event: 'second-instance', listener: () => void) => {
      expect(event).toBe('second-instance');
      listeners.push(listener);
    },
    quit() {
      app.quits++;
    },
  };
  return { app, secondLaunch: () => listeners.forEach((l) => l()), listeners };
}

function fakeWindow(state: { minimized?: boolean; visible?: boolean; destroyed?: boolean } = {}) {
  const calls: string[] = [];
  return {
    calls,
    isDestroyed: () => state.destroyed ?? false,
    isMinimized: () => state.minimized ?? false,
    isVisible: () => state.visible ?? true,
    restore: () => calls.push('restore'),
    show: () => calls.push('show'),
    focus: () => calls.push('focus'),
  };
}

describe('single-instance lock', () => {
  it('a second process without the lock quits and registers nothing', () => {
    const { app, listeners } = fakeApp(false);
    expect(claimSingleInstance(app, () => null)).toBeNull();
    expect(app.quits).toBe(1);
    expect(listeners).toHaveLength(0);
  });

  it('the first process focuses its window when another launch is attempted', () => {
    const { app, secondLaunch } = fakeApp(true);
    const window = fakeWindow();
    expect(claimSingleInstance(app, () => window)).not.toBeNull();
    expect(app.quits).toBe(0);
    secondLaunch();
    expect(window.calls).toEqual(['focus']);
  });

  it('restores a minimized window and shows a hidden one before focusing', () => {
    const { app, secondLaunch } = fakeApp(true);
    const window = fakeWindow({ minimized: true, visible: false });
    claimSingleInstance(app, () => window);
    secondLaunch();
    expect(window.calls).toEqual(['restore', 'show', 'focus']);
  });

  it('a launch during start-up focuses the window once it is ready', () => {
    const { app, secondLaunch } = fakeApp(true);
    let current: ReturnType<typeof fakeWindow> | null = null;
    const instance = claimSingleInstance(app, () => current);
    secondLaunch();
    current = fakeWindow();
    instance?.windowReady();
    instance?.windowReady();
    expect(current.calls).toEqual(['focus']);
  });

  it('ignores a destroyed window', () => {
    const { app, secondLaunch } = fakeApp(true);
    const window = fakeWindow({ destroyed: true });
    claimSingleInstance(app, () => window);
    expect(() => secondLaunch()).not.toThrow();
    expect(window.calls).toEqual([]);
  });
});
