import type { IChartApi, ISeriesApi, LogicalRange, MouseEventParams, Time, UTCTimestamp } from 'lightweight-charts';

/** What a parent needs to tie two charts together (time scale and crosshair sync). */
export interface PriceChartHandle {
  readonly chart: IChartApi;
  readonly series: ISeriesApi<'Candlestick'>;
  /** The chart's container, to see which chart the user is working in. */
  readonly element: HTMLElement;
  /** The bar containing `time` (chart seconds): its open time and close, or null before the data. */
  barAt(time: number): { readonly time: UTCTimestamp; readonly close: number } | null;
}

/**
 * Keeps two charts of different timeframes on the same stretch of time, with one crosshair.
 * Bars of different timeframes have different logical indexes, so the visible range is
 * copied as times (`setVisibleRange`) and the crosshair is put on the bar containing the
 * hovered time. The chart under the pointer leads and the other follows; without that rule
 * each chart's snapped range would feed back into the other. Returns the function that
 * unties them.
 */
export function syncCharts(a: PriceChartHandle, b: PriceChartHandle): () => void {
  let leader: PriceChartHandle = b;
  let applying = false;

  const copyRange = (from: PriceChartHandle, to: PriceChartHandle) => {
    const range = from.chart.timeScale().getVisibleRange();
    if (!range || to.series.data().length === 0 || applying) return;
    applying = true;
    try {
      to.chart.timeScale().setVisibleRange(range);
    } finally {
      applying = false;
    }
  };

  const onRange = (self: PriceChartHandle, other: PriceChartHandle) => (range: LogicalRange | null) => {
    if (range === null) return;
    // The follower moved on its own (new bars): put it back in line with the leader.
    if (self === leader) copyRange(self, other);
    else copyRange(other, self);
  };

  const onCrosshair = (self: PriceChartHandle, other: PriceChartHandle) => (param: MouseEventParams<Time>) => {
    if (self !== leader) return;
    const bar = param.time === undefined ? null : other.barAt(param.time as number);
    if (bar) other.chart.setCrosshairPosition(bar.close, bar.time, other.series);
    else other.chart.clearCrosshairPosition();
  };

  const rangeA = onRange(a, b);
  const rangeB = onRange(b, a);
  const crossA = onCrosshair(a, b);
  const crossB = onCrosshair(b, a);
  const leadA = () => (leader = a);
  const leadB = () => (leader = b);
  a.chart.timeScale().subscribeVisibleLogicalRangeChange(rangeA);
  b.chart.timeScale().subscribeVisibleLogicalRangeChange(rangeB);
  a.chart.subscribeCrosshairMove(crossA);
  b.chart.subscribeCrosshairMove(crossB);
  a.element.addEventListener('pointerenter', leadA);
  b.element.addEventListener('pointerenter', leadB);
  a.element.addEventListener('focusin', leadA);
  b.element.addEventListener('focusin', leadB);
  copyRange(b, a);
  return () => {
    a.chart.timeScale().unsubscribeVisibleLogicalRangeChange(rangeA);
    b.chart.timeScale().unsubscribeVisibleLogicalRangeChange(rangeB);
    a.chart.unsubscribeCrosshairMove(crossA);
    b.chart.unsubscribeCrosshairMove(crossB);
    a.element.removeEventListener('pointerenter', leadA);
    b.element.removeEventListener('pointerenter', leadB);
    a.element.removeEventListener('focusin', leadA);
    b.element.removeEventListener('focusin', leadB);
  };
}
