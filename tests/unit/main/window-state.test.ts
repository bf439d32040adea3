import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadWindowState,
  parseWindowState,
  restoreBounds,
  saveWindowState,
  trackWindowState,
  type Rect,
  type TimerLike,
} from '../../../src/main/window-state.ts';

const LAPTOP = { workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
const RIGHT = { workArea: { x: 1920, y: 0, width: 2560, height: 1400 } };
const DEFAULTS = { width: 1400, height: 900, minWidth: 900, minHeight: 600 };
const saved = (bounds: Rect, maximized = false) => ({ bounds, maximized });

describe('restoreBounds', () => {
  it('restores a window that fits where it was', () => {
    expect(restoreBounds(saved({ x: 100, y: 50, width: 1200, height: 800 }, true), [LAPTOP], DEFAULTS)).toEqual({
      x: 100,
      y: 50,
      width: 1200,
      height: 800,
      maximized: true,
    });
  });

  it('keeps a window on the second display it was on', () => {
    const restored = restoreBounds(saved({ x: 2100, y: 100, width: 1600, height: 1000 }), [LAPTOP, RIGHT], DEFAULTS);
    expect(restored).toMatchObject({ x: 2100, y: 100, width: 1600, height: 1000 });
  });

  it('moves an off-screen window (monitor unplugged) back onto the nearest display', () => {
    const restored = restoreBounds(saved({ x: 2500, y: 200, width: 1200, height: 800 }), [LAPTOP], DEFAULTS);
    expect(restored).toEqual({ x: 1920 - 1200, y: 200, width: 1200, height: 800, maximized: false });
    const above = restoreBounds(saved({ x: -3000, y: -2000, width: 1000, height: 700 }), [LAPTOP], DEFAULTS);
    expect(above).toMatchObject({ x: 0, y: 0, width: 1000, height: 700 });
  });

  it('pulls a partly visible window entirely onto the display it mostly covers', () => {
    const restored = restoreBounds(saved({ x: 1500, y: 900, width: 1000, height: 700 }), [LAPTOP], DEFAULTS);
    expect(restored).toMatchObject({ x: 920, y: 340, width: 1000, height: 700 });
  });

  it('shrinks a window larger than the display to its work area', () => {
    const restored = restoreBounds(saved({ x: -50, y: -50, width: 5000, height: 3000 }), [LAPTOP], DEFAULTS);
    expect(restored).toEqual({ x: 0, y: 0, width: 1920, height: 1040, maximized: false });
  });

  it('raises a tiny saved size to the minimum, but never beyond a small display', () => {
    expect(restoreBounds(saved({ x: 10, y: 10, width: 50, height: 40 }), [LAPTOP], DEFAULTS)).toMatchObject({
      width: 900,
      height: 600,
    });
    const small = { workArea: { x: 0, y: 0, width: 800, height: 560 } };
    expect(restoreBounds(saved({ x: 10, y: 10, width: 1200, height: 800 }), [small], DEFAULTS)).toEqual({
      x: 0,
      y: 0,
      width: 800,
      height: 560,
      maximized: false,
    });
  });

  it('opens at the default size, centred, when nothing usable is known', () => {
    const centred = { width: 1400, height: 900, maximized: false };
    expect(restoreBounds(null, [LAPTOP], DEFAULTS)).toEqual(centred);
    expect(restoreBounds(saved({ x: 0, y: 0, width: 1000, height: 700 }), [], DEFAULTS)).toEqual(centred);
  });
});

describe('window state file', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = () => {
    dir = mkdtempSync(join(tmpdir(), 'hd-window-'));
    return join(dir, 'sub', 'window-state.json');
  };

  it('round-trips through disk', () => {
    const path = file();
    const state = saved({ x: 10, y: 20, width: 1300, height: 850 }, true);
    saveWindowState(path, state);
    expect(loadWindowState(path)).toEqual(state);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(state);
  });

  it('ignores a missing or corrupt file', () => {
    const path = file();
    expect(loadWindowState(path)).toBeNull();
    saveWindowState(path, saved({ x: 0, y: 0, width: 1000, height: 700 }));
    for (const corrupt of ['{"bounds":{"x":1', 'null', '[]', '"text"', '{}']) {
      writeFileSync(path, corrupt);
      expect(loadWindowState(path)).toBeNull();
    }
  });

  it('rejects malformed values field by field', () => {
    const ok = { x: 1, y: 2, width: 1000, height: 700 };
    expect(parseWindowState({ bounds: ok })).toEqual({ bounds: ok, maximized: false });
    expect(parseWindowState({ bounds: ok, maximized: 'yes' })).toEqual({ bounds: ok, maximized: false });
    expect(parseWindowState({ bounds: { ...ok, x: 1.6 } })?.bounds.x).toBe(2);
    for (const bad of [
      { ...ok, width: 0 },
      { ...ok, height: -5 },
      { ...ok, x: '1' },
      { ...ok, y: null },
      { ...ok, x: Number.NaN },
      { ...ok, width: Number.POSITIVE_INFINITY },
      { ...ok, x: 1e12 },
    ]) {
      expect(parseWindowState({ bounds: bad })).toBeNull();
    }
  });
});

/** A window whose events the test fires, with manual timers. */
function fakeWindow() {
  const listeners = new Map<string, (() => void)[]>();
  const state = { bounds: { x: 0, y: 0, width: 1000, height: 700 }, maximized: false, minimized: false };
  const window = {
    on: (event: string, listener: () => void) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
    getNormalBounds: () => state.bounds,
    isMaximized: () => state.maximized,
    isMinimized: () => state.minimized,
    isDestroyed: () => false,
  };
  const fire = (event: string) => listeners.get(event)?.forEach((l) => l());
  const timers: { fn: () => void; ms: number }[] = [];
  const fakeTimers: TimerLike = {
    setTimeout: (fn, ms) => {
      const t = { fn, ms };
      timers.push(t);
      return t;
    },
    clearTimeout: (handle) => {
      const i = timers.indexOf(handle as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const runTimers = () => timers.splice(0).forEach((t) => t.fn());
  return { window, state, fire, timers, fakeTimers, runTimers };
}

describe('trackWindowState', () => {
  it('debounces moves and resizes into one write with the latest bounds', () => {
    const { window, state, fire, timers, fakeTimers, runTimers } = fakeWindow();
    const writes: unknown[] = [];
    trackWindowState(window, { save: (s) => writes.push(s), debounceMs: 250, timers: fakeTimers });
    for (let i = 1; i <= 20; i++) {
      state.bounds = { ...state.bounds, x: i * 10 };
      fire('move');
    }
    fire('resize');
    expect(writes).toEqual([]);
    expect(timers).toHaveLength(1);
    expect(timers[0]?.ms).toBe(250);
    runTimers();
    expect(writes).toEqual([{ bounds: { x: 200, y: 0, width: 1000, height: 700 }, maximized: false }]);
  });

  it('saves maximized with the normal bounds, at once on close, and skips minimized states', () => {
    const { window, state, fire, timers, fakeTimers } = fakeWindow();
    const writes: { maximized: boolean }[] = [];
    trackWindowState(window, { save: (s) => writes.push(s), timers: fakeTimers });
    state.maximized = true;
    fire('maximize');
    fire('close');
    expect(timers).toHaveLength(0);
    expect(writes).toEqual([{ bounds: state.bounds, maximized: true }]);
    state.minimized = true;
    fire('close');
    expect(writes).toHaveLength(1);
  });

  it('logs a failed write instead of throwing into Electron', () => {
    const { window, fire, fakeTimers } = fakeWindow();
    const log: string[] = [];
    trackWindowState(window, {
      save: () => {
        throw new Error('disk full');
      },
      timers: fakeTimers,
      log: (m) => log.push(m),
    });
    expect(() => fire('close')).not.toThrow();
    expect(log).toEqual([expect.stringContaining('disk full')]);
  });
});
