import type { Command } from 'commander';
import { writeFileAtomic } from '../../../adapters/files/write-file-atomic.ts';
import { sweepHtml } from '../../../adapters/report/sweep-html.ts';
import { parseGridOption, type ParamGrid } from '../../../engine/backtest/param-grid.ts';
import { parseObjective, sweep, type SweepResult } from '../../../engine/backtest/sweep.ts';
import { BacktestPool } from '../../../host/backtest-pool.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import {
  loadBars,
  resolveStrategyOption,
  venueOption,
  withBacktestOptions,
  type BacktestCliOptions,
} from '../backtest-options.ts';
import { progressPrinter, collect } from '../cli-options.ts';
import type { CliIo } from '../program.ts';

/** Options shared by `sweep` and `walkforward`. */
export interface GridCliOptions extends BacktestCliOptions {
  grid: string[];
  objective: string;
  workers?: string;
}

/** Adds `--grid`, `--objective` and `--workers`. */
export function withGridOptions(command: Command): Command {
  return command
    .option('--grid <name=spec>', 'parameter values: name=start:stop:step or name=a,b,c (repeatable)', collect, [])
    .option('--objective <stat>', 'statistic to maximise (prefix - to minimise), e.g. sqn, sharpe, returnPct', 'sqn')
    .option('--workers <n>', 'worker threads (default: one per core)');
}

/** The grid the options give; at least one parameter. */
export function gridOption(options: GridCliOptions): ParamGrid {
  if (options.grid.length === 0)
    throw new ValidationError('--grid: give at least one parameter to vary, e.g. --grid fast=5:25:5');
  const grid: Record<string, unknown[]> = {};
  for (const text of options.grid) {
    const [name, values] = parseGridOption(text);
    if (grid[name]) throw new ValidationError(`--grid: ${name} is given twice`);
    grid[name] = values;
  }
  return grid;
}

/** The `--workers` option. */
export function workersOption(options: GridCliOptions): number | undefined {
  if (options.workers === undefined) return undefined;
  const n = Number(options.workers);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new ValidationError(`--workers: "${options.workers}" is not a whole number 1..256`);
  return n;
}

function table(result: SweepResult, top: number): string {
  const lines = [
    `${result.rows.length} runs, objective ${result.objective.minimize ? '-' : ''}${result.objective.key}`,
  ];
  for (const row of result.rows.slice(0, top)) {
    const params = result.varying.map((name) => `${name}=${JSON.stringify(row.params[name])}`).join(' ');
    lines.push(
      `  ${String(row.objective === null ? '-' : row.objective.toFixed(4)).padStart(12)}  ${params.padEnd(28)} return ${row.stats.returnPct.toFixed(2)}%  trades ${row.stats.trades}`,
    );
  }
  if (result.skipped.length > 0)
    lines.push(`  ${result.skipped.length} combination(s) skipped: ${result.skipped[0]?.reason ?? ''}`);
  return `${lines.join('\n')}\n`;
}

/** `hyperdesk sweep`: a grid of parameters, every core busy, ranked by an objective. */
export function registerSweep(program: Command, io: CliIo): void {
  withGridOptions(
    withBacktestOptions(
      program.command('sweep').description('run a strategy over a grid of parameters and rank the results'),
    ),
  )
    .option('--top <n>', 'rows to print (default 10)', '10')
    .option('--json', 'print one JSON object: {objective, varying, rows, skipped, heatmap}', false)
    .option('--report <file.html>', 'write a self-contained HTML report with the heatmap')
    .action(async (opts: GridCliOptions & { top: string; json: boolean; report?: string }) => {
      const strategy = await resolveStrategyOption(opts);
      const venue = await venueOption(opts);
      const grid = gridOption(opts);
      const objective = parseObjective(opts.objective);
      const { bars, interval, label } = await loadBars(opts);
      const pool = new BacktestPool({ bars, interval, workers: workersOption(opts) });
      const progress = progressPrinter(io.err, process.stderr.isTTY === true);
      const started = performance.now();
      let result: SweepResult;
      try {
        result = await sweep(
          { strategy, grid, venue, objective, start: 0, end: bars.length },
          pool.run,
          (done, total) => progress('sweep', done / total, `${done}/${total} runs`),
        );
      } finally {
        await pool.close();
      }
      const seconds = (performance.now() - started) / 1000;
      if (process.stderr.isTTY) io.err('\n');
      if (opts.report) await writeFileAtomic(opts.report, sweepHtml(result, { label, strategy: strategy.id }));
      if (opts.json) {
        io.out(`${JSON.stringify({ strategy: strategy.id, data: label, ...result })}\n`);
        return;
      }
      io.out(`${strategy.id} on ${label}: ${seconds.toFixed(2)} s on ${pool.size} worker(s)\n`);
      io.out(table(result, Number(opts.top) || 10));
    });
}
