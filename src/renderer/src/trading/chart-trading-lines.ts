import type { Decimal } from 'decimal.js';
import { LineStyle, type AutoscaleInfo, type IChartApi, type IPriceLine, type ISeriesApi } from 'lightweight-charts';
import { useEffect, useMemo, useRef } from 'react';
import { requestModify, useModifyStore } from './modify-store.ts';
import { dragPrice, hitTestLine, linesRange, pendingModify, tradingLines, type TradingLine } from './order-lines.ts';
import { useTradingStore } from './trading-store.ts';

/** The chart a session's lines are drawn on. */
export interface TradingChart {
  readonly chart: IChartApi;
  readonly series: ISeriesApi<'Candlestick'>;
  readonly element: HTMLElement;
}

/** How often the lines' pixel rows are written to the container (for tests and tools). */
const REPORT_MS = 250;

interface Drag {
  readonly line: TradingLine;
  price: Decimal | null;
}

/**
 * The trading session's working orders and entry as price lines on `target` while it shows
 * the session's market (`coin`), and dragging an order's line to move it: pointer down within
 * a few pixels of the line, move, release; the chart's own scrolling and scaling are off while
 * dragging (lightweight-charts has no drag of its own). The new price, on the venue's tick,
 * goes to the modify confirmation; the line stays there until it is confirmed or dropped.
 * The lines are kept in the price scale's autoscale, so a working order is always in view.
 * `data-trading-lines` on the container lists each line's id, price and pixel row.
 */
export function useChartTradingLines(target: TradingChart | null, coin: string | null): void {
  const state = useTradingStore((s) => s.state);
  const pending = useModifyStore((s) => s.pending);
  const lines = useMemo(
    () => (state !== null && coin !== null && state.coin === coin ? tradingLines(state) : []),
    [state, coin],
  );
  const decimals = state?.priceDecimals ?? null;
  const linesRef = useRef<readonly TradingLine[]>(lines);
  const dragRef = useRef<Drag | null>(null);
  const drawnRef = useRef(new Map<string, IPriceLine>());

  // Lines are added, moved and removed one by one; the one being dragged is left where it is.
  useEffect(() => {
    linesRef.current = lines;
    if (!target) return;
    const drawn = drawnRef.current;
    const wanted = new Set(lines.map((l) => l.id));
    for (const [id, line] of drawn) {
      if (!wanted.has(id)) {
        target.series.removePriceLine(line);
        drawn.delete(id);
      }
    }
    for (const line of lines) {
      if (dragRef.current?.line.id === line.id) continue;
      const moved = pending?.cloid === line.id ? pending.to : null;
      const options = {
        price: (moved ?? line.price).toNumber(),
        color: line.color,
        title: moved ? `${line.title} → ${moved.toFixed()}` : line.title,
        lineWidth: 2 as const,
        lineStyle: moved ? LineStyle.Dotted : line.dashed ? LineStyle.Dashed : LineStyle.Solid,
        axisLabelVisible: true,
      };
      const existing = drawn.get(line.id);
      if (existing) existing.applyOptions(options);
      else drawn.set(line.id, target.series.createPriceLine(options));
    }
    target.element.setAttribute('data-trading-line-count', String(lines.length));
  }, [target, lines, pending]);

  // Forget the drawn lines when the chart goes (they go with it).
  useEffect(() => {
    const drawn = drawnRef.current;
    return () => drawn.clear();
  }, [target]);

  // The committed prices (not a line being dragged) widen the autoscale.
  useEffect(() => {
    if (!target) return;
    target.series.applyOptions({
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const base = original();
        const range = linesRange(linesRef.current);
        if (!base?.priceRange || !range) return base;
        return {
          ...base,
          priceRange: {
            minValue: Math.min(base.priceRange.minValue, range.min),
            maxValue: Math.max(base.priceRange.maxValue, range.max),
          },
        };
      },
    });
    return () => target.series.applyOptions({ autoscaleInfoProvider: undefined });
  }, [target]);

  // Dragging.
  useEffect(() => {
    if (!target || decimals === null) return;
    const { chart, series, element } = target;
    const rowOf = (event: PointerEvent) => event.clientY - element.getBoundingClientRect().top;
    const toY = (price: number) => series.priceToCoordinate(price);
    const toPrice = (y: number) => series.coordinateToPrice(y);

    const onMove = (event: PointerEvent) => {
      const drag = dragRef.current;
      if (!drag) return;
      const price = dragPrice(rowOf(event), toPrice, decimals);
      if (!price) return;
      drag.price = price;
      drawnRef.current.get(drag.line.id)?.applyOptions({
        price: price.toNumber(),
        title: `${drag.line.title} → ${price.toFixed()}`,
        lineStyle: LineStyle.Dotted,
      });
    };
    const finish = () => {
      const drag = dragRef.current;
      dragRef.current = null;
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', finish);
      window.removeEventListener('pointercancel', finish);
      chart.applyOptions({ handleScroll: true, handleScale: true });
      element.style.cursor = '';
      if (!drag) return;
      const modify = drag.line.order && drag.price ? pendingModify(drag.line.order, drag.price) : null;
      if (modify) requestModify(modify);
      else {
        // Back where it was: nothing to ask.
        drawnRef.current.get(drag.line.id)?.applyOptions({
          price: drag.line.price.toNumber(),
          title: drag.line.title,
          lineStyle: drag.line.dashed ? LineStyle.Dashed : LineStyle.Solid,
        });
      }
    };
    const onDown = (event: PointerEvent) => {
      if (event.button !== 0 || dragRef.current) return;
      const line = hitTestLine(linesRef.current, rowOf(event), toY);
      if (!line) return;
      // Ours, not the chart's: no pan starts under the drag.
      event.preventDefault();
      event.stopPropagation();
      dragRef.current = { line, price: null };
      chart.applyOptions({ handleScroll: false, handleScale: false });
      element.style.cursor = 'ns-resize';
      window.addEventListener('pointermove', onMove);
      window.addEventListener('pointerup', finish);
      window.addEventListener('pointercancel', finish);
    };
    // The chart listens for mouse and touch events too: while dragging they stop here.
    const swallow = (event: Event) => {
      if (dragRef.current) event.stopPropagation();
    };
    const onHover = (event: PointerEvent) => {
      if (dragRef.current) return;
      element.style.cursor = hitTestLine(linesRef.current, rowOf(event), toY) ? 'ns-resize' : '';
    };
    element.addEventListener('pointerdown', onDown, { capture: true });
    element.addEventListener('mousedown', swallow, { capture: true });
    element.addEventListener('touchstart', swallow, { capture: true });
    element.addEventListener('pointermove', onHover);
    return () => {
      element.removeEventListener('pointerdown', onDown, { capture: true });
      element.removeEventListener('mousedown', swallow, { capture: true });
      element.removeEventListener('touchstart', swallow, { capture: true });
      element.removeEventListener('pointermove', onHover);
      if (dragRef.current) finish();
    };
  }, [target, decimals]);

  // Where each line is on screen, for tests and tools that drive the chart.
  useEffect(() => {
    if (!target) return;
    const { series, element } = target;
    let last = '';
    const report = () => {
      const rows = linesRef.current.map((l) => ({
        id: l.id,
        price: l.price.toFixed(),
        y: series.priceToCoordinate(l.price.toNumber()),
      }));
      const text = JSON.stringify(rows);
      if (text !== last) element.setAttribute('data-trading-lines', text);
      last = text;
    };
    report();
    const timer = setInterval(report, REPORT_MS);
    return () => clearInterval(timer);
  }, [target]);
}
