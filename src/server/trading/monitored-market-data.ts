import type { Timeframe } from '../../shared/values/timeframe.ts';
import {
  HlMarketData,
  type CandleFeed,
  type CandleFeedHandlers,
  type HlMarketDataOptions,
} from '../../adapters/hyperliquid/hl-market-data.ts';
import type { HlConnectionState } from '../../adapters/hyperliquid/hl-socket.ts';

/**
 * Hyperliquid market data that also tells the server how its candle feed's connection is
 * doing (the session's recorder only needs to hear about reconnections): readiness and the
 * venue-connected metric come from it.
 */
export class MonitoredMarketData extends HlMarketData {
  private readonly onFeedConnection: (state: HlConnectionState) => void;

  constructor(options: HlMarketDataOptions, onFeedConnection: (state: HlConnectionState) => void) {
    super(options);
    this.onFeedConnection = onFeedConnection;
  }

  override subscribeCandles(coin: string, interval: Timeframe, handlers: CandleFeedHandlers): Promise<CandleFeed> {
    return super.subscribeCandles(coin, interval, {
      ...handlers,
      onConnection: (state) => {
        handlers.onConnection?.(state);
        this.onFeedConnection(state);
      },
    });
  }
}
