/**
 * What panels ask the chart to show besides candles. The chart workspace draws these; panels
 * (backtest, replay, trading) produce them.
 */

/** A marker on a bar: a trade entry or exit, a signal, a structure event. */
export interface ChartMarker {
  /** Open time of the bar it belongs to, unix ms. */
  readonly time: number;
  readonly position: 'aboveBar' | 'belowBar' | 'inBar';
  readonly shape: 'arrowUp' | 'arrowDown' | 'circle' | 'square';
  readonly color: string;
  readonly text: string;
  /** Who made it ("backtest", "replay", "detection"): markers are replaced per kind. */
  readonly kind: string;
}

/** A horizontal price line (a stop, a target, a range edge, a liquidity level). */
export interface ChartPriceLine {
  readonly price: number;
  readonly color: string;
  readonly title: string;
  readonly kind: string;
  readonly dashed?: boolean;
}

/** A request to bring a moment into view (a clicked trade); `nonce` repeats a jump to the same time. */
export interface ChartFocus {
  readonly time: number;
  readonly nonce: number;
}
