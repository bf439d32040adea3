import {
  CandlestickSeries,
  ColorType,
  createChart,
  type CandlestickData,
  type IChartApi,
  type ISeriesApi,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { Candle } from '../../../shared/values/candle.ts';
import { toChartTime } from '../chart/chart-time.ts';
import { pricePrecision } from '../chart/price-precision.ts';

/** Props of {@link PriceChart}. */
export interface PriceChartProps {
  readonly candles: readonly Candle[];
  /** Accessible name, e.g. "BTC 1h". */
  readonly label: string;
}

function toBars(candles: readonly Candle[]): CandlestickData[] {
  return candles.map((c) => ({ time: toChartTime(c.time), open: c.open, high: c.high, low: c.low, close: c.close }));
}

/**
 * A candlestick chart. It owns one lightweight-charts instance, created in an effect and
 * removed on unmount. After each `setData` it writes the number of bars the chart really
 * holds to `data-candle-count`, which end-to-end tests read.
 */
export function PriceChart({ candles, label }: PriceChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const seriesRef = useRef<ISeriesApi<'Candlestick'> | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const chart = createChart(container, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: '#0f1419' },
        textColor: '#c7d0d9',
        // The built-in logo injects a <style> element, which the CSP forbids; the attribution
        // the library's licence asks for is in the status bar instead.
        attributionLogo: false,
      },
      grid: { vertLines: { color: '#1c232b' }, horzLines: { color: '#1c232b' } },
      timeScale: { timeVisible: true, secondsVisible: false },
      rightPriceScale: { borderColor: '#2a3441' },
    });
    chartRef.current = chart;
    seriesRef.current = chart.addSeries(CandlestickSeries, {
      upColor: '#26a69a',
      downColor: '#ef5350',
      borderVisible: false,
      wickUpColor: '#26a69a',
      wickDownColor: '#ef5350',
    });
    return () => {
      chart.remove();
      chartRef.current = null;
      seriesRef.current = null;
    };
  }, []);

  useEffect(() => {
    const series = seriesRef.current;
    const container = containerRef.current;
    if (!series || !container) return;
    const precision = pricePrecision(candles);
    series.applyOptions({ priceFormat: { type: 'price', precision, minMove: 10 ** -precision } });
    series.setData(toBars(candles));
    chartRef.current?.timeScale().fitContent();
    container.dataset.candleCount = String(series.data().length);
  }, [candles]);

  return (
    <div
      ref={containerRef}
      className="price-chart"
      role="img"
      aria-label={`Candlestick chart, ${label}`}
      data-testid="price-chart"
    />
  );
}
