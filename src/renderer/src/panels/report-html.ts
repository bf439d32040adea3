import { equityPath, formatStat, statRows, type BacktestTrade } from './backtest-results.ts';
import { formatParam } from './research-model.ts';
import { formatTime } from './trade-list.tsx';

/**
 * A self-contained HTML report of a run, built from the result the engine sent (statistics,
 * trades with exact decimal money, equity curve): one file with its own styles and an inline
 * SVG chart, no script, nothing fetched. Pure, so it is unit-tested without a DOM.
 */

/** What the report shows. */
export interface ReportInput {
  readonly title: string;
  readonly strategy: {
    readonly id: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly sizing: string;
  };
  readonly seriesId: string;
  readonly stats: Readonly<Record<string, unknown>>;
  readonly trades: readonly BacktestTrade[];
  readonly equity: readonly number[];
  readonly notes?: readonly string[];
  /** Extra sections (walk-forward windows...), as header cells and rows of text. */
  readonly tables?: readonly {
    readonly caption: string;
    readonly head: readonly string[];
    readonly rows: readonly (readonly string[])[];
  }[];
  /** When it was made, unix ms (the report's "generated" line). */
  readonly generatedAt: number;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1040px;color:#1d2330;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.meta{color:#5b6475;margin:0 0 16px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
td,th{padding:3px 8px;border-bottom:1px solid #e3e6eb;text-align:right;white-space:nowrap}
th{background:#eef1f5}td:first-child,th:first-child{text-align:left}
figure{margin:16px 0;background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:8px}
svg{width:100%;height:auto}.pos{color:#15803d}.neg{color:#b91c1c}.notes li{color:#92400e}
`;

function table(head: readonly string[], rows: readonly (readonly string[])[], caption?: string): string {
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : '';
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>${cap}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The report as one HTML document. */
export function reportHtml(input: ReportInput): string {
  const rows = statRows(input.stats);
  const stats = [...rows.main, ...rows.more].map((r) => [r.label, r.value]);
  const params = Object.entries(input.strategy.params)
    .map(([k, v]) => `${k}=${formatParam(typeof v === 'object' ? JSON.stringify(v) : v)}`)
    .join(', ');
  const path = equityPath(input.equity, 1000, 240);
  const chart = path
    ? `<figure><figcaption>Equity ${escapeHtml(formatStat(input.equity[0], 'money'))} → ${escapeHtml(
        formatStat(input.equity[input.equity.length - 1], 'money'),
      )}</figcaption><svg viewBox="0 0 1000 240" preserveAspectRatio="none" role="img" aria-label="Equity curve"><path d="${path}" fill="none" stroke="#2563eb" stroke-width="1.5" vector-effect="non-scaling-stroke"/></svg></figure>`
    : '<p>No equity curve.</p>';
  const trades = input.trades.map((t, i) => [
    String(i + 1),
    t.side,
    formatTime(t.entryTime),
    formatTime(t.exitTime),
    t.exact?.entryPrice ?? String(t.entryPrice),
    t.exact?.exitPrice ?? String(t.exitPrice),
    t.exact?.qty ?? String(t.qty),
    t.exact?.pnl ?? String(t.pnl),
    t.exitReason,
  ]);
  const notes =
    input.notes && input.notes.length > 0
      ? `<h2>Notes</h2><ul class="notes">${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
      : '';
  const extra = (input.tables ?? []).map((t) => `<h2>${escapeHtml(t.caption)}</h2>${table(t.head, t.rows)}`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p class="meta">${escapeHtml(input.seriesId)} · ${escapeHtml(input.strategy.id)}${params ? ` (${escapeHtml(params)})` : ''} · sizing ${escapeHtml(input.strategy.sizing)} · generated ${escapeHtml(new Date(input.generatedAt).toISOString())}</p>
${chart}
<h2>Statistics</h2>
${table(['Statistic', 'Value'], stats)}
${extra}
${notes}
<h2>Trades (${input.trades.length})</h2>
${table(['#', 'Side', 'Entry (UTC)', 'Exit (UTC)', 'Entry price', 'Exit price', 'Size', 'P&L', 'Exit'], trades)}
</body></html>
`;
}
