/**
 * The bar being processed on one timeframe, with its predecessor and the ATR, shared by that
 * timeframe's detectors. One instance per timeframe is reused for every bar: detectors read
 * it during `update` and never keep a reference to it.
 */
export class BarState {
  /** Number of bars seen, including this one. */
  count = 0;
  time = 0;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  /** ATR including this bar; NaN until enough bars. */
  atr = Number.NaN;
  /** Open time of the base bar at whose close this bar completed: the time of its events. */
  eventTime = 0;
  previousOpen = 0;
  previousHigh = 0;
  previousLow = 0;
  previousClose = 0;

  /** True from the second bar on. */
  get hasPrevious(): boolean {
    return this.count > 1;
  }
}
