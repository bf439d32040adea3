import { describe, expect, it } from 'vitest';
import { NotImplementedUpdater, shouldInstallUpdate, type EngineMode } from '../../../src/main/update-policy.ts';

const MODES: EngineMode[] = ['research', 'backtest', 'replay', 'paper', 'live'];

describe('shouldInstallUpdate', () => {
  it('never installs in live mode while orders are working or a position is open', () => {
    expect(shouldInstallUpdate({ mode: 'live', ordersLive: 1, positionsOpen: 0 })).toEqual({
      install: false,
      reason: 'live-orders',
    });
    expect(shouldInstallUpdate({ mode: 'live', ordersLive: 0, positionsOpen: 2 })).toEqual({
      install: false,
      reason: 'live-position',
    });
    expect(shouldInstallUpdate({ mode: 'live', ordersLive: 3, positionsOpen: 1 }).install).toBe(false);
  });

  it('waits for a paper session with orders or positions to end', () => {
    expect(shouldInstallUpdate({ mode: 'paper', ordersLive: 0, positionsOpen: 1 })).toEqual({
      install: false,
      reason: 'paper-session',
    });
  });

  it('installs when nothing is exposed, in every mode', () => {
    for (const mode of MODES)
      expect(shouldInstallUpdate({ mode, ordersLive: 0, positionsOpen: 0 })).toEqual({ install: true });
  });

  it('treats counts it cannot trust as exposure', () => {
    for (const bad of [-1, Number.NaN, 0.5, Number.POSITIVE_INFINITY, undefined as unknown as number]) {
      for (const mode of MODES) {
        expect(shouldInstallUpdate({ mode, ordersLive: bad, positionsOpen: 0 })).toEqual({
          install: false,
          reason: 'unknown-exposure',
        });
        expect(shouldInstallUpdate({ mode, ordersLive: 0, positionsOpen: bad }).install).toBe(false);
      }
    }
  });
});

describe('NotImplementedUpdater', () => {
  it('says auto-update is not wired and installs nothing', async () => {
    const updater = new NotImplementedUpdater();
    expect(updater.wired).toBe(false);
    await expect(updater.checkForUpdates()).resolves.toEqual({
      status: 'not-implemented',
      message: expect.stringContaining('not wired'),
    });
  });
});
