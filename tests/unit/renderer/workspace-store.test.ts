import { beforeEach, describe, expect, it } from 'vitest';
import type { ChartMarker } from '../../../src/renderer/src/chart/chart-types.ts';
import { initialWorkspaceState, useWorkspaceStore } from '../../../src/renderer/src/state/workspace-store.ts';
import type { SeriesInfo } from '../../../src/shared/contract/series.ts';

const series = (seriesId: string): SeriesInfo => ({
  seriesId,
  source: 'sample:x',
  coin: 'BTC',
  interval: '1h',
  label: 'x.csv',
  synthetic: true,
  count: 10,
  first: 0,
  last: 9 * 3_600_000,
});
const marker = (kind: string, time = 0): ChartMarker => ({
  time,
  position: 'aboveBar',
  shape: 'circle',
  color: '#fff',
  text: 'x',
  kind,
});

describe('workspace store', () => {
  beforeEach(() => useWorkspaceStore.setState(initialWorkspaceState()));

  it('replaces markers and lines per producer kind, and drops a kind on an empty list', () => {
    const store = useWorkspaceStore.getState();
    store.setMarkers('backtest', [marker('backtest')]);
    store.setMarkers('replay', [marker('replay'), marker('replay', 1)]);
    store.setMarkers('backtest', [marker('backtest', 2)]);
    expect(Object.keys(useWorkspaceStore.getState().markers)).toEqual(['backtest', 'replay']);
    expect(useWorkspaceStore.getState().markers['backtest']?.[0]?.time).toBe(2);
    store.setMarkers('replay', []);
    expect(Object.keys(useWorkspaceStore.getState().markers)).toEqual(['backtest']);
    store.setPriceLines('backtest', [{ price: 1, color: '#fff', title: 'stop', kind: 'backtest' }]);
    expect(useWorkspaceStore.getState().priceLines['backtest']).toHaveLength(1);
  });

  it('repeats a focus on the same time with a new nonce', () => {
    useWorkspaceStore.getState().focusOn(1000);
    const first = useWorkspaceStore.getState().focus;
    useWorkspaceStore.getState().focusOn(1000);
    expect(useWorkspaceStore.getState().focus).toEqual({ time: 1000, nonce: (first?.nonce ?? 0) + 1 });
  });

  it('starts a new series at its own interval, without the old series markers', () => {
    const store = useWorkspaceStore.getState();
    store.selectSeries(series('a'));
    store.setTimeframe('4h');
    store.setMarkers('backtest', [marker('backtest')]);
    store.selectSeries(series('a'));
    expect(useWorkspaceStore.getState().timeframe).toBe('4h');
    store.selectSeries(series('b'));
    expect(useWorkspaceStore.getState().timeframe).toBe('1h');
    expect(useWorkspaceStore.getState().markers).toEqual({});
  });

  it('switches overlay families, layout, theme and features', () => {
    const store = useWorkspaceStore.getState();
    store.toggleOverlayFamily('swings');
    store.setOverlaysOn(true);
    store.setLayout('dual');
    store.setTheme('light');
    store.disableFeature('detections');
    const s = useWorkspaceStore.getState();
    expect(s.overlayFamilies.swings).toBe(false);
    expect(s.overlayFamilies.ranges).toBe(true);
    expect([s.overlaysOn, s.layout, s.theme, s.features.detections]).toEqual([true, 'dual', 'light', false]);
  });
});
