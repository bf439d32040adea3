import { useMemo } from 'react';
import { readTrades, tradesCsv } from './backtest-results.ts';
import { DownloadLink, fileSafe } from './download-link.tsx';
import { EquityChart } from './equity-chart.tsx';
import { reportHtml } from './report-html.ts';
import { metricOf, walkForwardCsv, walkForwardRows, type WalkForwardView } from './research-model.ts';
import { formatStat } from './backtest-results.ts';

/**
 * A walk-forward analysis: one row per window (periods, the parameters the in-sample period
 * chose, its metric, and how they did out of sample), the stitched out-of-sample equity, and
 * exports (windows as CSV, the stitched run as an HTML report).
 */
export function WalkForwardSummary({ view, seriesId }: { readonly view: WalkForwardView; readonly seriesId: string }) {
  const rows = useMemo(() => walkForwardRows(view), [view]);
  const metric = metricOf(view.objective.key);
  const csv = useMemo(() => walkForwardCsv(view), [view]);
  const trades = useMemo(() => readTrades(view.trades), [view]);
  const tradeCsv = useMemo(() => tradesCsv(trades), [trades]);
  const html = useMemo(
    () =>
      reportHtml({
        title: `Walk-forward: ${view.strategy.id}, stitched out-of-sample run`,
        strategy: view.strategy,
        seriesId,
        stats: view.stats,
        trades,
        equity: view.equity.equity,
        notes: view.notes,
        generatedAt: view.at,
        tables: [
          {
            caption: 'Windows',
            head: [
              '#',
              'In sample',
              'Out of sample',
              'Chosen',
              `In-sample ${metric.label}`,
              'OOS return',
              'OOS Sharpe',
              'OOS trades',
            ],
            rows: rows.map((r) => [
              String(r.window),
              r.inSample,
              r.outOfSample,
              r.params,
              r.inSampleMetric,
              r.oosReturn,
              r.oosSharpe,
              r.oosTrades,
            ]),
          },
        ],
      }),
    [view, seriesId, rows, metric.label, trades],
  );
  const base = `walkforward-${fileSafe(view.strategy.id)}-${fileSafe(view.runId)}`;
  return (
    <section className="results walk-forward" aria-label="Walk-forward results" data-testid="walk-forward">
      <div className="results-head">
        <h3>Walk-forward</h3>
        <DownloadLink
          text={csv}
          type="text/csv"
          filename={`${base}.csv`}
          label="Windows CSV"
          testId="walk-forward-csv"
        />
        <DownloadLink
          text={tradeCsv}
          type="text/csv"
          filename={`${base}-trades.csv`}
          label="Trades CSV"
          testId="walk-forward-trades-csv"
        />
        <DownloadLink
          text={html}
          type="text/html"
          filename={`${base}.html`}
          label="HTML report"
          testId="walk-forward-html"
        />
      </div>
      <div className="wf-scroll">
        <table className="wf-table" data-testid="walk-forward-table">
          <caption className="visually-hidden">Walk-forward windows</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Out of sample</th>
              <th scope="col">
                <abbr title={`Chosen ${view.params.join(' / ')}`}>{view.params.join(' / ')}</abbr>
              </th>
              <th scope="col" className="num">
                <abbr title={`In-sample ${metric.label}`}>IS {metric.label}</abbr>
              </th>
              <th scope="col" className="num">
                <abbr title="Out-of-sample return">OOS ret.</abbr>
              </th>
              <th scope="col" className="num">
                <abbr title="Out-of-sample Sharpe">Sharpe</abbr>
              </th>
              <th scope="col" className="num">
                <abbr title="Out-of-sample trades">Tr.</abbr>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.window}
                data-testid="walk-forward-window"
                title={`In sample ${r.inSample}; out of sample ${r.outOfSample}`}
              >
                <th scope="row">{r.window}</th>
                <td className="wf-wrap">{r.outOfSampleDays}</td>
                <td>
                  <abbr title={r.params}>{r.paramValues}</abbr>
                </td>
                <td className="num">{r.inSampleMetric}</td>
                <td className={`num${r.sign > 0 ? ' pos' : r.sign < 0 ? ' neg' : ''}`}>{r.oosReturn}</td>
                <td className="num">{r.oosSharpe}</td>
                <td className="num">{r.oosTrades}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted" data-testid="walk-forward-total">
        Stitched out of sample: return {formatStat(view.stats.returnPct, 'pct')}, Sharpe{' '}
        {formatStat(view.stats.sharpe, 'ratio')}, max drawdown {formatStat(view.stats.maxDrawdownPct, 'pct')},{' '}
        {formatStat(view.stats.trades, 'int')} trades, final equity {formatStat(view.stats.equityFinal, 'money')}
        {view.efficiency !== null ? `, efficiency ${formatStat(view.efficiency, 'ratio')}` : ''}.
      </p>
      <EquityChart equity={view.equity.equity} label="Stitched out-of-sample equity" />
      {view.notes.length > 0 && (
        <ul className="notes muted">
          {view.notes.slice(0, 10).map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
