import { memo, useState } from 'react';
import { formatPnl } from './backtest-results.ts';

/** A trade row as the list shows it (backtest or replay). */
export interface TradeRow {
  readonly side: 'long' | 'short';
  readonly entryTime: number;
  readonly exitTime: number | null;
  readonly entryPrice: number;
  readonly exitPrice: number | null;
  readonly pnl: number | null;
  readonly exitReason?: string;
}

const PAGE = 50;

const TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  year: '2-digit',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** A time as "dd/mm/yy, hh:mm" UTC. */
export function formatTime(time: number | null): string {
  return time === null || !Number.isFinite(time) ? '—' : TIME.format(time);
}

function formatPrice(price: number | null): string {
  return price === null || !Number.isFinite(price) ? '—' : price.toLocaleString('en-US', { maximumFractionDigits: 8 });
}

/**
 * Trades as a table, newest last, capped at 50 rows with "Show more". A row is a button for
 * keyboard and mouse alike: click or Enter brings its entry into view on the chart.
 */
export const TradeList = memo(function TradeList({
  trades,
  testId,
  selected,
  onSelect,
  caption,
}: {
  readonly trades: readonly TradeRow[];
  readonly testId: string;
  readonly selected: number | null;
  readonly onSelect?: (index: number) => void;
  readonly caption: string;
}) {
  const [shown, setShown] = useState(PAGE);
  if (trades.length === 0) return <p className="muted">No trades yet.</p>;
  const visible = trades.slice(0, shown);
  return (
    <div className="trade-list">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Side</th>
            <th scope="col">Entry</th>
            <th scope="col">Exit</th>
            <th scope="col" className="num">
              P&amp;L
            </th>
          </tr>
        </thead>
        <tbody>
          {visible.map((t, i) => {
            const label = `Trade ${i + 1}: ${t.side} from ${formatTime(t.entryTime)} at ${formatPrice(t.entryPrice)}${
              t.exitTime === null ? ', open' : ` to ${formatTime(t.exitTime)} at ${formatPrice(t.exitPrice)}`
            }, P&L ${t.pnl === null ? 'open' : formatPnl(t.pnl)}`;
            return (
              <tr
                key={`${t.entryTime}-${i}`}
                data-testid={testId}
                data-entry-time={t.entryTime}
                className={`${onSelect ? 'trade-row-action' : ''}${selected === i ? ' trade-row-selected' : ''}`}
                tabIndex={onSelect ? 0 : undefined}
                aria-label={onSelect ? label : undefined}
                aria-current={selected === i ? 'true' : undefined}
                onClick={onSelect ? () => onSelect(i) : undefined}
                onKeyDown={
                  onSelect
                    ? (e) => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          onSelect(i);
                        }
                      }
                    : undefined
                }
              >
                <td>{i + 1}</td>
                <td className={t.side === 'long' ? 'side-long' : 'side-short'}>{t.side}</td>
                <td title={formatPrice(t.entryPrice)}>{formatTime(t.entryTime)}</td>
                <td title={t.exitReason ? `${formatPrice(t.exitPrice)} · ${t.exitReason}` : formatPrice(t.exitPrice)}>
                  {formatTime(t.exitTime)}
                </td>
                <td className={`num ${t.pnl !== null && t.pnl < 0 ? 'pnl-loss' : 'pnl-win'}`}>
                  {t.pnl === null ? 'open' : formatPnl(t.pnl)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {trades.length > shown && (
        <button type="button" className="link-button" onClick={() => setShown((n) => n + PAGE)}>
          Show more ({trades.length - shown} more)
        </button>
      )}
    </div>
  );
});
