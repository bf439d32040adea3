import type { Command } from 'commander';
import { writeFileAtomic } from '../../../adapters/files/write-file-atomic.ts';
import { statsJson, tradeJson } from '../../../adapters/report/backtest-json.ts';
import { walkForwardHtml } from '../../../adapters/report/walk-forward-html.ts';
import { parseObjective } from '../../../engine/backtest/sweep.ts';
import { walkForward, type WalkForwardResult } from '../../../engine/backtest/walk-forward.ts';
import { BacktestPool } from '../../../host/backtest-pool.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../../shared/values/timeframe.ts';
import { loadBars, resolveStrategyOption, venueOption, withBacktestOptions } from '../backtest-options.ts';
import { progressPrinter } from '../cli-options.ts';
import type { CliIo } from '../program.ts';
import { gridOption, withGridOptions, workersOption, type GridCliOptions } from './sweep-command.ts';

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A window length: a number of bars (`20000`) or a duration (`90m`, `36h`, `14d`, `2w`). */
export function parseWindowLength(text: string, interval: Timeframe, option: string): number {
  const bars = /^\d+$/.exec(text.trim());
  if (bars) return Number(text);
  const duration = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  if (!duration) throw new ValidationError(`${option}: "${text}" is not a number of bars or a duration like 14d`);
  const ms = Number(duration[1]) * (UNIT_MS[duration[2] as string] as number);
  const n = Math.round(ms / TIMEFRAME_MS[interval]);
  if (n < 1) throw new ValidationError(`${option}: ${text} is shorter than one ${interval} bar`);
  return n;
}

function summary(result: WalkForwardResult, label: string, time: Float64Array): string {
  const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 16));
  const lines = [
    `${result.stitched.strategy.id} walk-forward on ${label}: ${result.windows.length} windows × ${result.combinations} combinations`,
  ];
  for (const o of result.windows) {
    const w = o.window;
    const best = o.best ? result.varying.map((k) => `${k}=${JSON.stringify(o.best?.[k])}`).join(' ') : 'none';
    const oos = o.outOfSample?.stats;
    lines.push(
      `  ${String(w.index + 1).padStart(3)}  OOS ${iso(time[w.oosStart])} → ${iso(time[w.oosEnd - 1])}  ${best.padEnd(20)} OOS return ${oos ? `${oos.returnPct.toFixed(2)}%` : '-'}`,
    );
  }
  const s = result.stitched.stats;
  lines.push(
    `  stitched out-of-sample: return ${s.returnPct.toFixed(2)}%, max drawdown ${s.maxDrawdownPct.toFixed(2)}%, ${s.trades} trades, Sharpe ${s.sharpe === null ? '-' : s.sharpe.toFixed(3)}`,
    `  walk-forward efficiency: ${result.efficiency === null ? '-' : result.efficiency.toFixed(3)}`,
  );
  for (const note of result.stitched.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/** `hyperdesk walkforward`: rolling in-sample optimisation, out-of-sample test, stitched. */
export function registerWalkForward(program: Command, io: CliIo): void {
  withGridOptions(
    withBacktestOptions(
      program
        .command('walkforward')
        .description('walk-forward analysis: optimise on each in-sample window, test on the next out-of-sample one'),
    ),
  )
    .requiredOption('--in-sample <length>', 'in-sample window: bars (e.g. 20000) or a duration (e.g. 14d)')
    .requiredOption('--out-of-sample <length>', 'out-of-sample window: bars or a duration')
    .option('--step <length>', 'how far windows move (default: the out-of-sample length)')
    .option('--anchored', 'every in-sample window starts at the first bar (expanding)', false)
    .option('--json', 'print one JSON object: {objective, efficiency, windows, stitched:{stats, trades}}', false)
    .option('--report <file.html>', 'write a self-contained HTML report')
    .action(
      async (
        opts: GridCliOptions & {
          inSample: string;
          outOfSample: string;
          step?: string;
          anchored: boolean;
          json: boolean;
          report?: string;
        },
      ) => {
        const strategy = await resolveStrategyOption(opts);
        const venue = await venueOption(opts);
        const grid = gridOption(opts);
        const objective = parseObjective(opts.objective);
        const { bars, interval, label } = await loadBars(opts);
        const plan = {
          inSample: parseWindowLength(opts.inSample, interval, '--in-sample'),
          outOfSample: parseWindowLength(opts.outOfSample, interval, '--out-of-sample'),
          step: opts.step === undefined ? undefined : parseWindowLength(opts.step, interval, '--step'),
          anchored: opts.anchored,
        };
        const pool = new BacktestPool({ bars, interval, workers: workersOption(opts) });
        const progress = progressPrinter(io.err, process.stderr.isTTY === true);
        let result: WalkForwardResult;
        try {
          result = await walkForward(
            bars,
            interval,
            { strategy, grid, venue, objective, ...plan },
            pool.run,
            (done, total) => progress('walkforward', done / total, `${done}/${total} in-sample runs`),
          );
        } finally {
          await pool.close();
        }
        if (process.stderr.isTTY) io.err('\n');
        if (opts.report) await writeFileAtomic(opts.report, walkForwardHtml(result, { label, time: bars.time }));
        if (!opts.json) {
          io.out(summary(result, label, bars.time));
          return;
        }
        io.out(
          `${JSON.stringify({
            strategy: strategy.id,
            data: label,
            objective: result.objective,
            combinations: result.combinations,
            efficiency: result.efficiency,
            windows: result.windows.map((o) => ({
              ...o.window,
              isFrom: bars.time[o.window.isStart],
              isTo: bars.time[o.window.isEnd - 1],
              oosFrom: bars.time[o.window.oosStart],
              oosTo: bars.time[o.window.oosEnd - 1],
              best: o.best,
              inSample: o.inSample,
              outOfSample: o.outOfSample ? statsJson(o.outOfSample.stats) : null,
              efficiency: o.efficiency,
            })),
            stitched: {
              stats: statsJson(result.stitched.stats),
              trades: result.stitched.trades.toArray().map(tradeJson),
              notes: result.stitched.notes,
            },
          })}\n`,
        );
      },
    );
}
