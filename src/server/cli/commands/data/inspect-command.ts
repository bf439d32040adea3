import type { Command } from 'commander';
import { basename } from 'node:path';
import { inspectCandles } from '../../../../adapters/candle-cache/inspect-candles.ts';
import { isoTime, parseInterval } from '../../cli-options.ts';
import type { CliIo } from '../../program.ts';

/** `hyperdesk data inspect <file>`: size, span, interval and gaps of a candle file. */
export function registerDataInspect(data: Command, io: CliIo): void {
  data
    .command('inspect <file>')
    .description('report the rows, span, interval and every gap of a candle file')
    .option('--interval <interval>', 'the interval (detected from the bars when not given)')
    .option(
      '--json',
      'print {"rows","first","last","interval","missingBars","gaps":[{"from","to","bars"}]} (unix ms)',
      false,
    )
    .action(async (file: string, opts: { interval?: string; json: boolean }) => {
      const interval = opts.interval === undefined ? undefined : parseInterval(opts.interval);
      const report = await inspectCandles(file, interval, basename(file));
      if (opts.json) {
        const { rows, first, last, missingBars, gaps, format } = report;
        io.out(`${JSON.stringify({ rows, first, last, interval: report.interval, missingBars, gaps, format })}\n`);
        return;
      }
      io.out(
        `${basename(file)}: ${report.format} format, ${report.rows.toLocaleString()} bars of ${report.interval}, ` +
          `${isoTime(report.first)} to ${isoTime(report.last)}\n`,
      );
      io.out(`missing bars: ${report.missingBars.toLocaleString()} in ${report.gaps.length} gaps\n`);
      for (const gap of report.gaps) io.out(`  ${isoTime(gap.from)} .. ${isoTime(gap.to)}  ${gap.bars} bars\n`);
      if (report.volumeMissing) io.out('the file has no volume column\n');
    });
}
