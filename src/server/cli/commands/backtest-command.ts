import type { Command } from 'commander';
import { backtestJson } from '../../../adapters/report/backtest-json.ts';
import { backtestHtml } from '../../../adapters/report/html-report.ts';
import { formatStat, STAT_LABELS } from '../../../adapters/report/stat-labels.ts';
import { writeFileAtomic } from '../../../adapters/files/write-file-atomic.ts';
import { runBacktest, type BacktestResult } from '../../../engine/backtest/backtest-session.ts';
import { formatSizing } from '../../../engine/trading/sizing.ts';
import {
  loadBars,
  resolveStrategyOption,
  venueOption,
  withBacktestOptions,
  type BacktestCliOptions,
} from '../backtest-options.ts';
import type { CliIo } from '../program.ts';

function summary(result: BacktestResult, label: string, ms: number): string {
  const { strategy } = result;
  const params = Object.entries(strategy.params)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  const lines = [
    `${strategy.id} on ${label} (${result.time.length.toLocaleString('en-US')} ${result.interval} bars, ${ms.toFixed(0)} ms)`,
    `  ${params} · sizing ${formatSizing(strategy.sizing)} · fill ${result.venue.fill}`,
    '',
    ...STAT_LABELS.map(([key, name, format]) => `  ${name.padEnd(26)} ${formatStat(result.stats[key], format)}`),
  ];
  for (const note of result.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/** `hyperdesk backtest`: run a strategy over a candle file on the simulated venue. */
export function registerBacktest(program: Command, io: CliIo): void {
  withBacktestOptions(
    program.command('backtest').description('backtest a strategy over a candle file on the simulated venue'),
  )
    .option(
      '--json',
      'print one JSON object: {version, strategy, data, venue, stats, trades, notes}; times unix ms, money exact',
      false,
    )
    .option('--report <file.html>', 'write a self-contained HTML report (stats, equity, drawdown, trades)')
    .action(async (opts: BacktestCliOptions & { json: boolean; report?: string }) => {
      const strategy = await resolveStrategyOption(opts);
      const venue = await venueOption(opts);
      const { bars, interval, label } = await loadBars(opts);
      const started = performance.now();
      const result = runBacktest(bars, { interval, strategy, venue });
      const ms = performance.now() - started;
      const data = { label, coin: null };
      if (opts.report) await writeFileAtomic(opts.report, backtestHtml(result, data));
      if (opts.json) {
        const accepted = io.out(`${backtestJson(result, data)}\n`);
        if (accepted === false) await io.drain?.();
        return;
      }
      io.out(summary(result, label, ms));
      if (opts.report) io.out(`report written to ${opts.report}\n`);
    });
}
