import { useEffect, useMemo, useState } from 'react';
import type { SeriesInfo } from '../../../shared/contract/series.ts';
import type { ChartMarker, ChartPriceLine } from '../chart/chart-types.ts';
import { syncCharts, type PriceChartHandle } from '../chart/chart-sync.ts';
import { higherTimeframe, validTimeframes } from '../chart/timeframes.ts';
import { useChartCandles, useDetectionOverlays } from '../client/use-workspace-data.ts';
import { useWorkspaceStore } from '../state/workspace-store.ts';
import { ChartToolbar } from './chart-toolbar.tsx';
import { PriceChart } from './price-chart.tsx';

function flatten<T>(byKind: Readonly<Record<string, readonly T[]>>): readonly T[] {
  const lists = Object.values(byKind);
  return lists.length === 1 ? (lists[0] as readonly T[]) : lists.flat();
}

/**
 * Toolbar and chart(s) of the selected series: the selected timeframe with panel markers,
 * price lines and detection overlays, and in the two-chart layout a higher timeframe above
 * it, its time scale and crosshair tied to the lower chart.
 */
export function ChartWorkspace({ series }: { readonly series: SeriesInfo }) {
  const timeframe = useWorkspaceStore((s) => s.timeframe) ?? series.interval;
  const resample = useWorkspaceStore((s) => s.features.resample);
  const layout = useWorkspaceStore((s) => s.layout);
  const theme = useWorkspaceStore((s) => s.theme);
  const markersByKind = useWorkspaceStore((s) => s.markers);
  const linesByKind = useWorkspaceStore((s) => s.priceLines);
  const focus = useWorkspaceStore((s) => s.focus);
  const markers = useMemo<readonly ChartMarker[]>(() => flatten(markersByKind), [markersByKind]);
  const priceLines = useMemo<readonly ChartPriceLine[]>(() => flatten(linesByKind), [linesByKind]);

  const valid = useMemo(() => validTimeframes(series.interval, resample), [series.interval, resample]);
  const higher = higherTimeframe(timeframe, valid);
  const dual = layout === 'dual' && higher !== null;

  const main = useChartCandles(series, timeframe);
  const context = useChartCandles(dual ? series : null, higher);
  const overlays = useDetectionOverlays(series, timeframe);

  const [upper, setUpper] = useState<PriceChartHandle | null>(null);
  const [lower, setLower] = useState<PriceChartHandle | null>(null);
  useEffect(() => (upper && lower ? syncCharts(upper, lower) : undefined), [upper, lower]);

  const label = `${series.coin} ${timeframe}`;
  const error = main.error ?? (dual ? context.error : null);
  return (
    <section className="chart-area" aria-label={`Chart workspace, ${label}`}>
      <ChartToolbar valid={valid} higher={higher} />
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      <div className={dual ? 'chart-stack chart-stack-dual' : 'chart-stack'}>
        {dual && context.candles && (
          <PriceChart
            candles={context.candles}
            label={`${series.coin} ${higher}, higher timeframe`}
            theme={theme}
            testId="price-chart-htf"
            perfKey={context.perfKey}
            onReady={setUpper}
          />
        )}
        {main.candles ? (
          <PriceChart
            candles={main.candles}
            label={label}
            markers={markers}
            priceLines={priceLines}
            focus={focus}
            overlays={overlays}
            theme={theme}
            perfKey={main.perfKey}
            onReady={setLower}
          />
        ) : (
          !error && <div className="placeholder">Loading candles…</div>
        )}
      </div>
    </section>
  );
}
