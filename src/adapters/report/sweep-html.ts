import type { Heatmap, SweepResult } from '../../engine/backtest/sweep.ts';
import { escapeHtml } from './svg-charts.ts';

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1040px;color:#1d2330;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.meta{color:#5b6475}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
td,th{padding:4px 8px;border:1px solid #e3e6eb;text-align:right;white-space:nowrap}th{background:#eef1f5}
.heat td{min-width:56px;color:#111}
`;

/** A colour from red (worst) through white to green (best). */
function shade(value: number | null, min: number, max: number, minimize: boolean): string {
  if (value === null) return '#f3f4f6';
  let t = max === min ? 0.5 : (value - min) / (max - min);
  if (minimize) t = 1 - t;
  const r = t < 0.5 ? 255 : Math.round(255 - (t - 0.5) * 2 * 150);
  const g = t > 0.5 ? 255 : Math.round(105 + t * 2 * 150);
  const b = Math.round(255 - Math.abs(t - 0.5) * 2 * 150);
  return `rgb(${r},${g},${b})`;
}

/** A heatmap as an HTML table: rows are `y` values, columns `x` values. */
export function heatmapTable(heatmap: Heatmap, minimize: boolean): string {
  const all = heatmap.values.flat().filter((v): v is number => v !== null);
  const min = Math.min(...all);
  const max = Math.max(...all);
  const head = `<tr><th>${escapeHtml(heatmap.y)} \\ ${escapeHtml(heatmap.x)}</th>${heatmap.xs.map((x) => `<th>${escapeHtml(String(x))}</th>`).join('')}</tr>`;
  const rows = heatmap.ys.map(
    (y, r) =>
      `<tr><th>${escapeHtml(String(y))}</th>${(heatmap.values[r] ?? [])
        .map((v) => `<td style="background:${shade(v, min, max, minimize)}">${v === null ? '' : v.toFixed(3)}</td>`)
        .join('')}</tr>`,
  );
  return `<table class="heat">${head}${rows.join('')}</table>`;
}

/** A sweep as one self-contained HTML page: the heatmap and the ranked runs. */
export function sweepHtml(result: SweepResult, meta: { label: string; strategy: string }): string {
  const objective = `${result.objective.minimize ? '-' : ''}${result.objective.key}`;
  const ranked = result.rows
    .slice(0, 200)
    .map(
      (row, i) =>
        `<tr><td>${i + 1}</td>${result.varying.map((n) => `<td>${escapeHtml(JSON.stringify(row.params[n]))}</td>`).join('')}<td>${row.objective === null ? '-' : row.objective.toFixed(4)}</td><td>${row.stats.returnPct.toFixed(2)}</td><td>${row.stats.maxDrawdownPct.toFixed(2)}</td><td>${row.stats.trades}</td><td>${row.stats.winRatePct === null ? '-' : row.stats.winRatePct.toFixed(2)}</td></tr>`,
    )
    .join('');
  const heat = result.heatmap
    ? `<h2>Heatmap of ${escapeHtml(objective)}</h2>${heatmapTable(result.heatmap, result.objective.minimize)}`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(meta.strategy)} sweep · HyperDesk</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(meta.strategy)} sweep on ${escapeHtml(meta.label)}</h1>
<p class="meta">${result.rows.length} runs ranked by ${escapeHtml(objective)}${result.skipped.length ? `; ${result.skipped.length} combination(s) skipped` : ''}.</p>
${heat}
<h2>Best runs</h2><table><tr><th>#</th>${result.varying.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}<th>${escapeHtml(objective)}</th><th>Return [%]</th><th>Max DD [%]</th><th>Trades</th><th>Win [%]</th></tr>${ranked}</table>
</body></html>
`;
}
