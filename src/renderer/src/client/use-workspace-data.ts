import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import type { SeriesInfo } from '../../../shared/contract/series.ts';
import type { Candle } from '../../../shared/values/candle.ts';
import type { Timeframe } from '../../../shared/values/timeframe.ts';
import { markCandlesArrived } from '../chart/chart-perf.ts';
import { higherTimeframe, validTimeframes } from '../chart/timeframes.ts';
import {
  NO_OVERLAYS,
  OVERLAY_FAMILIES,
  overlaysFromDetections,
  type ChartOverlays,
} from '../chart/detection-overlays.ts';
import { useEngineStore } from '../state/engine-store.ts';
import { useWorkspaceStore } from '../state/workspace-store.ts';
import { useEngineClient } from './engine-context.ts';
import { isUnsupportedError, queryCandles, queryDetections } from './engine-features.ts';

/** Most detections asked for at once; the chart cannot show more markers usefully anyway. */
const DETECTION_LIMIT = 5000;

function retryUnlessUnsupported(failures: number, error: Error): boolean {
  return !isUnsupportedError(error) && failures < 2;
}

/** The series named in the page address (`?series=<id>`), for links and tests; null for the sample. */
function requestedSeriesId(): string | null {
  return new URLSearchParams(window.location.search).get('series');
}

/**
 * Finds the series to show and selects it in the workspace store: the one named by
 * `?series=<id>` when given (it must be loaded already), else the first bundled sample, loaded
 * here. Keys include the engine epoch, so everything is fetched again after an engine restart.
 */
export function useWorkspaceSeries(): { readonly info: SeriesInfo | null; readonly error: string | null } {
  const client = useEngineClient();
  const connected = useEngineStore((s) => s.connection === 'open');
  const epoch = useEngineStore((s) => s.engineEpoch);
  const wanted = useMemo(() => requestedSeriesId(), []);

  const listed = useQuery({
    queryKey: ['series', epoch],
    queryFn: () => client.request('ListSeries', {}),
    enabled: connected && wanted !== null,
  });
  const samples = useQuery({
    queryKey: ['samples', epoch],
    queryFn: () => client.request('ListSamples', {}),
    enabled: connected && wanted === null,
  });
  const sample = samples.data?.samples[0];
  const loaded = useQuery({
    queryKey: ['load-sample', sample?.name, epoch],
    queryFn: () =>
      client.request('LoadCandles', {
        source: { kind: 'sample', name: sample?.name ?? '' },
        coin: sample?.coin ?? '',
        interval: sample?.interval ?? '1h',
      }),
    enabled: connected && sample !== undefined,
  });

  const info =
    wanted === null ? (loaded.data ?? null) : (listed.data?.series.find((s) => s.seriesId === wanted) ?? null);
  useEffect(() => {
    if (info) useWorkspaceStore.getState().selectSeries(info);
  }, [info]);

  const failure = listed.error ?? samples.error ?? loaded.error;
  let error: string | null = failure ? failure.message : null;
  if (!error && wanted === null && samples.isSuccess && !sample) error = 'No bundled sample dataset found';
  if (!error && wanted !== null && listed.isSuccess && !info) error = `Series "${wanted}" is not loaded in the engine`;
  return { info, error };
}

/** Candles of a chart and the key its paint is measured under. */
export interface ChartCandles {
  readonly candles: readonly Candle[] | null;
  readonly perfKey: string;
  readonly error: string | null;
}

/**
 * Candles of `series` at `timeframe`, resampled by the engine when it differs from the
 * series' interval. While a new timeframe loads, the previous bars stay on screen.
 */
export function useChartCandles(series: SeriesInfo | null, timeframe: Timeframe | null): ChartCandles {
  const client = useEngineClient();
  const connected = useEngineStore((s) => s.connection === 'open');
  const epoch = useEngineStore((s) => s.engineEpoch);
  const seriesId = series?.seriesId ?? '';
  const tf = timeframe ?? series?.interval ?? null;
  const perfKey = `${seriesId}@${tf ?? ''}`;
  const query = useQuery({
    queryKey: ['candles', seriesId, tf, epoch],
    queryFn: async () => {
      const interval = tf === null || tf === series?.interval ? null : tf;
      try {
        const candles = await queryCandles(client, seriesId, interval);
        markCandlesArrived(perfKey);
        return candles;
      } catch (error) {
        if (interval !== null && isUnsupportedError(error)) {
          const store = useWorkspaceStore.getState();
          store.disableFeature('resample');
          if (series) store.setTimeframe(series.interval);
        }
        throw error;
      }
    },
    enabled: connected && series !== null && tf !== null,
    placeholderData: keepPreviousData,
    retry: retryUnlessUnsupported,
  });
  return { candles: query.data ?? null, perfKey, error: query.error ? query.error.message : null };
}

/**
 * Detection overlays of `series` at `timeframe` while overlays are on. An engine without
 * `QueryDetections` switches the feature off instead of showing an error.
 */
export function useDetectionOverlays(series: SeriesInfo | null, timeframe: Timeframe | null): ChartOverlays {
  const client = useEngineClient();
  const connected = useEngineStore((s) => s.connection === 'open');
  const epoch = useEngineStore((s) => s.engineEpoch);
  const on = useWorkspaceStore((s) => s.overlaysOn && s.features.detections);
  const families = useWorkspaceStore((s) => s.overlayFamilies);
  const seriesId = series?.seriesId ?? '';
  // The next timeframe up gives confluence setups their bias (as in a backtest); only the
  // chart's own timeframe is drawn.
  const bias = series && timeframe ? higherTimeframe(timeframe, validTimeframes(series.interval, true)) : null;
  const query = useQuery({
    queryKey: ['detections', seriesId, timeframe, bias, epoch],
    queryFn: async () => {
      try {
        return await queryDetections(client, {
          seriesId,
          ...(timeframe ? { timeframes: bias ? [timeframe, bias] : [timeframe] } : {}),
          limit: DETECTION_LIMIT,
        });
      } catch (error) {
        if (isUnsupportedError(error)) useWorkspaceStore.getState().disableFeature('detections');
        throw error;
      }
    },
    enabled: connected && on && series !== null && timeframe !== null,
    retry: retryUnlessUnsupported,
  });
  const events = on ? query.data?.events : undefined;
  return useMemo(() => {
    if (!events) return NO_OVERLAYS;
    return overlaysFromDetections(events, new Set(OVERLAY_FAMILIES.filter((f) => families[f])), timeframe ?? undefined);
  }, [events, families, timeframe]);
}
