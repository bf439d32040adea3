import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineStyle,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Candle } from '../../../shared/values/candle.ts';
import { barIndexAtOrBefore, buildBars, type ChartBars } from '../chart/chart-bars.ts';
import { measureChartComplete, measureChartPaint } from '../chart/chart-perf.ts';
import type { PriceChartHandle } from '../chart/chart-sync.ts';
import { CHART_PALETTES, chartThemeOptions, type Theme } from '../chart/chart-theme.ts';
import { toChartTime } from '../chart/chart-time.ts';
import type { ChartFocus, ChartMarker, ChartPriceLine } from '../chart/chart-types.ts';
import { NO_OVERLAYS, type ChartOverlays } from '../chart/detection-overlays.ts';
import { pricePrecision } from '../chart/price-precision.ts';
import { useWorkspaceStore } from '../state/workspace-store.ts';
import { useChartTradingLines, type TradingChart } from '../trading/chart-trading-lines.ts';

/** Props of {@link PriceChart}. */
export interface PriceChartProps {
  readonly candles: readonly Candle[];
  /** Accessible name, e.g. "BTC 1h". */
  readonly label: string;
  /** Markers from panels (trades, signals). */
  readonly markers?: readonly ChartMarker[];
  /** Price lines from panels (stops, targets). */
  readonly priceLines?: readonly ChartPriceLine[];
  /** Brings this moment (unix ms) to the middle of the view; a new nonce repeats the jump. */
  readonly focus?: ChartFocus | null;
  /** Detection overlays, drawn like markers and lines. */
  readonly overlays?: ChartOverlays;
  readonly theme?: Theme;
  /** Paint of new candles is measured under this key (see chart-perf.ts). */
  readonly perfKey?: string;
  readonly testId?: string;
  /** Called with the chart once created, and with null before it goes. */
  readonly onReady?: (handle: PriceChartHandle | null) => void;
}

const NO_MARKERS: readonly ChartMarker[] = [];
const NO_LINES: readonly ChartPriceLine[] = [];
/** Bars in view after a load: all of a short series; the most recent ones of a long one, where
 * fitting 100,000 bars into a few hundred pixels would show nothing readable (and paint slowly). */
const INITIAL_BARS = 300;
/** Series longer than this are drawn progressively: the most recent {@link PROGRESSIVE_TAIL_BARS} first. */
const PROGRESSIVE_MIN_BARS = 20_000;
const PROGRESSIVE_TAIL_BARS = 2_000;

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function lineKey(line: ChartPriceLine): string {
  return `${line.kind}|${line.price}|${line.title}|${line.color}|${line.dashed === true}`;
}

/**
 * Markers as the series wants them: on the bar containing their time (a 1h trade lands on
 * its 4h bar), sorted by time, dropped when before the first bar.
 */
function toSeriesMarkers(markers: readonly ChartMarker[], times: Float64Array): SeriesMarker<Time>[] {
  const out: SeriesMarker<Time>[] = [];
  for (const m of markers) {
    const index = barIndexAtOrBefore(times, toChartTime(m.time));
    if (index < 0) continue;
    out.push({
      time: times[index] as UTCTimestamp,
      position: m.position,
      shape: m.shape,
      color: m.color,
      text: m.text,
    });
  }
  return out.sort((a, b) => (a.time as number) - (b.time as number));
}

/**
 * The workspace chart: candles, a volume histogram on its own scale along the bottom,
 * markers, price lines, detection overlays and the trading session's working orders (which
 * can be dragged to a new price, see chart-trading-lines.ts). It owns one lightweight-charts instance,
 * created in an effect and removed on unmount. Each kind of input has its own effect, so new
 * markers never re-send the bars: `setData` runs only when the candles change, markers are
 * replaced only when the list differs, price lines are added and removed one by one.
 * `data-candle-count` and `data-marker-count` on the container report what the chart holds,
 * for end-to-end tests.
 */
export function PriceChart({
  candles,
  label,
  markers = NO_MARKERS,
  priceLines = NO_LINES,
  focus = null,
  overlays = NO_OVERLAYS,
  theme = 'dark',
  perfKey,
  testId = 'price-chart',
  onReady,
}: PriceChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const seriesRef = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volumeRef = useRef<ISeriesApi<'Histogram'> | null>(null);
  const markersRef = useRef<ISeriesMarkersPluginApi<Time> | null>(null);
  const barsRef = useRef<ChartBars | null>(null);
  /** Index of the chart's first bar in `barsRef`: above 0 while a long series is drawn progressively. */
  const offsetRef = useRef(0);
  const drawnMarkersRef = useRef<{ list: readonly ChartMarker[]; bars: ChartBars | null }>({ list: [], bars: null });
  const linesRef = useRef(new Map<string, IPriceLine>());
  const onReadyRef = useRef(onReady);
  /** The chart once created, for the trading session's order lines. */
  const [tradingChart, setTradingChart] = useState<TradingChart | null>(null);
  const coin = useWorkspaceStore((s) => s.series?.coin ?? null);
  useChartTradingLines(tradingChart, coin);
  const palette = CHART_PALETTES[theme];

  // A ref, so a new key alone (a timeframe switch still showing the old bars) never re-sends them.
  const perfKeyRef = useRef(perfKey);

  useEffect(() => {
    onReadyRef.current = onReady;
    perfKeyRef.current = perfKey;
  }, [onReady, perfKey]);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const initial = CHART_PALETTES[theme];
    const chart = createChart(container, {
      ...chartThemeOptions(initial),
      autoSize: true,
      timeScale: { timeVisible: true, secondsVisible: false, borderColor: initial.border },
    });
    const series = chart.addSeries(CandlestickSeries, {
      borderVisible: false,
      priceScaleId: 'right',
    });
    // Candles keep the upper three quarters, volume the bottom fifth, so they never overlap.
    series.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.25 } });
    const volume = chart.addSeries(HistogramSeries, {
      priceScaleId: 'volume',
      priceFormat: { type: 'volume' },
      lastValueVisible: false,
      priceLineVisible: false,
    });
    chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 }, visible: false });
    chartRef.current = chart;
    seriesRef.current = series;
    volumeRef.current = volume;
    markersRef.current = createSeriesMarkers(series, []);
    const lines = linesRef.current;
    setTradingChart({ chart, series, element: container });
    onReadyRef.current?.({
      chart,
      series,
      element: container,
      barAt: (time) => {
        const bars = barsRef.current;
        if (!bars) return null;
        const index = barIndexAtOrBefore(bars.times, time);
        return index < 0 ? null : { time: bars.times[index] as UTCTimestamp, close: bars.closes[index] as number };
      },
    });
    return () => {
      onReadyRef.current?.(null);
      setTradingChart(null);
      lines.clear();
      drawnMarkersRef.current = { list: [], bars: null };
      chart.remove();
      chartRef.current = null;
      seriesRef.current = null;
      volumeRef.current = null;
      markersRef.current = null;
      barsRef.current = null;
    };
    // The chart is created once; theme changes are applied by the next effect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    chartRef.current?.applyOptions(chartThemeOptions(palette));
    seriesRef.current?.applyOptions({
      upColor: palette.up,
      downColor: palette.down,
      wickUpColor: palette.up,
      wickDownColor: palette.down,
    });
  }, [palette]);

  // Built once per candle list (and theme, which colours the volume bars), not per render.
  // Long series go in twice: the most recent bars first, so the chart paints at once, then
  // everything right after that paint. Feeding 100,000 bars to the chart takes longer than a
  // first paint may (see chart-perf.ts); nobody looks at the oldest bars in the first second.
  const tailStart = candles.length > PROGRESSIVE_MIN_BARS ? candles.length - PROGRESSIVE_TAIL_BARS : 0;
  const bars = useMemo(
    () => buildBars(candles, palette.volumeUp, palette.volumeDown, tailStart),
    [candles, palette.volumeUp, palette.volumeDown, tailStart],
  );

  useEffect(() => {
    const chart = chartRef.current;
    const series = seriesRef.current;
    const volume = volumeRef.current;
    const container = containerRef.current;
    if (!chart || !series || !volume || !container) return;
    const timeScale = chart.timeScale();
    const previous = barsRef.current;
    const visible = previous ? timeScale.getVisibleLogicalRange() : null;
    const rightIndex = visible ? Math.round(visible.to) + offsetRef.current : -1;
    const rightTime = previous?.times[Math.min(previous.times.length - 1, rightIndex)];
    const precision = pricePrecision(candles);
    series.applyOptions({ priceFormat: { type: 'price', precision, minMove: 10 ** -precision } });
    barsRef.current = bars;
    const n = bars.times.length;
    const offset = bars.offset;
    offsetRef.current = offset;
    series.setData(bars.candles);
    volume.setData(bars.volume);
    if (n > 0) {
      let from: number;
      let to: number;
      if (visible && rightTime !== undefined) {
        // Same place in time after a timeframe switch: keep the right edge, and as many bars as before.
        const width = Math.max(20, Math.min(visible.to - visible.from, n));
        const index = barIndexAtOrBefore(bars.times, rightTime);
        to = (index < 0 ? n - 1 : index) + 2;
        from = to - 2 - width;
      } else {
        from = Math.max(0, n - INITIAL_BARS);
        to = n + 2;
      }
      if (n <= INITIAL_BARS && !visible) timeScale.fitContent();
      else timeScale.setVisibleLogicalRange({ from: from - offset, to: to - offset });
    }
    container.dataset.candleCount = String(series.data().length);
    const key = perfKeyRef.current;
    if (key) measureChartPaint(key, n, offset > 0);
    if (offset === 0) return;

    let cancelled = false;
    const frame = requestAnimationFrame(() =>
      setTimeout(() => {
        if (cancelled) return;
        const range = timeScale.getVisibleLogicalRange();
        const all = buildBars(candles, palette.volumeUp, palette.volumeDown);
        series.setData(all.candles);
        volume.setData(all.volume);
        offsetRef.current = 0;
        if (range) timeScale.setVisibleLogicalRange({ from: range.from + offset, to: range.to + offset });
        container.dataset.candleCount = String(series.data().length);
        if (key) measureChartComplete(key, n);
      }, 0),
    );
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
    };
  }, [bars, candles, palette.volumeUp, palette.volumeDown]);

  const allMarkers = useMemo(
    () =>
      overlays.markers.length === 0
        ? markers
        : markers.length === 0
          ? overlays.markers
          : [...markers, ...overlays.markers],
    [markers, overlays.markers],
  );

  useEffect(() => {
    const plugin = markersRef.current;
    const container = containerRef.current;
    if (!plugin || !container) return;
    const drawn = drawnMarkersRef.current;
    if (drawn.bars === bars && sameItems(drawn.list, allMarkers)) return;
    const seriesMarkers = toSeriesMarkers(allMarkers, bars.times);
    plugin.setMarkers(seriesMarkers);
    drawnMarkersRef.current = { list: allMarkers, bars };
    container.dataset.markerCount = String(seriesMarkers.length);
  }, [allMarkers, bars]);

  useEffect(() => {
    const series = seriesRef.current;
    if (!series) return;
    const wanted = new Map<string, ChartPriceLine>();
    for (const line of [...priceLines, ...overlays.priceLines]) wanted.set(lineKey(line), line);
    const lines = linesRef.current;
    for (const [key, line] of lines) {
      if (!wanted.has(key)) {
        series.removePriceLine(line);
        lines.delete(key);
      }
    }
    for (const [key, line] of wanted) {
      if (lines.has(key)) continue;
      lines.set(
        key,
        series.createPriceLine({
          price: line.price,
          color: line.color,
          title: line.title,
          lineWidth: 1,
          lineStyle: line.dashed ? LineStyle.Dashed : LineStyle.Solid,
          axisLabelVisible: true,
        }),
      );
    }
  }, [priceLines, overlays.priceLines]);

  useEffect(() => {
    const chart = chartRef.current;
    const current = barsRef.current;
    if (!chart || !focus || !current || current.times.length === 0) return;
    const index = Math.max(0, barIndexAtOrBefore(current.times, toChartTime(focus.time)));
    const timeScale = chart.timeScale();
    const visible = timeScale.getVisibleLogicalRange();
    const half = visible ? Math.max(10, (visible.to - visible.from) / 2) : INITIAL_BARS / 2;
    const at = index - offsetRef.current;
    timeScale.setVisibleLogicalRange({ from: at - half, to: at + half });
    // Only a new focus request moves the view (bars are read from a ref): new bars alone must
    // not jump back to it.
  }, [focus]);

  return (
    <div
      ref={containerRef}
      className="price-chart"
      role="img"
      aria-label={`Candlestick chart, ${label}`}
      data-testid={testId}
    />
  );
}
