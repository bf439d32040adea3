import type { WalkForwardResult } from '../../engine/backtest/walk-forward.ts';
import { backtestSections, htmlPage, settingsLine } from './html-report.ts';
import { escapeHtml } from './svg-charts.ts';

function day(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function num(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? '-' : v.toFixed(digits);
}

/** A walk-forward analysis as a self-contained HTML page: the windows, then the stitched test periods. */
export function walkForwardHtml(result: WalkForwardResult, meta: { label: string; time: Float64Array }): string {
  const objective = `${result.objective.minimize ? '-' : ''}${result.objective.key}`;
  const rows = result.windows
    .map((o) => {
      const w = o.window;
      const best = o.best ? result.varying.map((k) => `${k}=${JSON.stringify(o.best?.[k])}`).join(' ') : 'none';
      const oos = o.outOfSample?.stats;
      return `<tr><td>${w.index + 1}</td><td>${day(meta.time[w.isStart])} → ${day(meta.time[w.isEnd - 1])}</td><td>${day(meta.time[w.oosStart])} → ${day(meta.time[w.oosEnd - 1])}</td><td>${escapeHtml(best)}</td><td>${num(o.inSample?.[result.objective.key] as number | null | undefined, 3)}</td><td>${num(o.inSample?.returnPct)}</td><td>${num(oos?.returnPct)}</td><td>${oos?.trades ?? '-'}</td><td>${num(o.efficiency)}</td></tr>`;
    })
    .join('');
  const title = `${result.stitched.strategy.id} walk-forward on ${meta.label}`;
  return htmlPage(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(settingsLine(result.stitched, result.varying))} · ${result.combinations} combination(s) per window, best by ${escapeHtml(objective)} · walk-forward efficiency ${num(result.efficiency)}</p>
<h2>Windows</h2><table><tr><th>#</th><th>In-sample (UTC)</th><th>Out-of-sample (UTC)</th><th>Best parameters</th><th>IS ${escapeHtml(objective)}</th><th>IS return [%]</th><th>OOS return [%]</th><th>OOS trades</th><th>Efficiency</th></tr>${rows}</table>
<h2>Stitched out-of-sample periods</h2>${backtestSections(result.stitched)}`,
  );
}
