"""
Reference run of backtesting.py for HyperDesk's parity test and benchmark.

Runs FractionalBacktest(SmaCross, cash=100_000, commission=.0005, exclusive_orders=True,
finalize_trades=True) with SMA(10)/SMA(20) on a candle CSV (time,open,high,low,close,volume;
time in unix seconds) and prints JSON: run time, statistics and every trade as
[entryBar, exitBar, entryPrice, exitPrice, size].

Usage: python3 scripts/peer/backtesting-py-sma-cross.py <candles.csv> [--repeat N]
Needs pandas and backtesting (pip install backtesting).
"""
import json
import sys
import time

import pandas as pd
from backtesting import Strategy
from backtesting.lib import FractionalBacktest, crossover


def sma(values, n):
    return pd.Series(values).rolling(n).mean()


class SmaCross(Strategy):
    fast = 10
    slow = 20

    def init(self):
        self.sma1 = self.I(sma, self.data.Close, self.fast)
        self.sma2 = self.I(sma, self.data.Close, self.slow)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[sys.argv.index('--repeat') + 1]) if '--repeat' in sys.argv else 1
    df = pd.read_csv(path)
    df.index = pd.to_datetime(df['time'], unit='s')
    df = df.rename(columns=str.capitalize)[['Open', 'High', 'Low', 'Close', 'Volume']]
    bt = FractionalBacktest(df, SmaCross, cash=100_000, commission=.0005,
                            exclusive_orders=True, finalize_trades=True)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        stats = bt.run()
        times.append(time.perf_counter() - started)
    trades = stats['_trades']
    print(json.dumps({
        'runSeconds': sorted(times)[len(times) // 2],
        'trades': len(trades),
        'equityFinal': float(stats['Equity Final [$]']),
        'winRatePct': float(stats['Win Rate [%]']),
        'list': [[int(t.EntryBar), int(t.ExitBar), float(t.EntryPrice), float(t.ExitPrice), float(t.Size)]
                 for t in trades.itertuples()],
    }))


if __name__ == '__main__':
    main()
