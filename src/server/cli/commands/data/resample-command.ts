import type { Command } from 'commander';
import { basename } from 'node:path';
import { writeCsvFile } from '../../../../adapters/candle-cache/export-candles.ts';
import { CandleFileReader } from '../../../../adapters/files/candle-file-reader.ts';
import { resample } from '../../../../engine/data/resample.ts';
import { ValidationError } from '../../../../shared/contract/errors.ts';
import { parseInterval } from '../../cli-options.ts';
import type { CliIo } from '../../program.ts';

/** `hyperdesk data resample <file> --to 1h --out <file>`. */
export function registerDataResample(data: Command, io: CliIo): void {
  data
    .command('resample <file>')
    .description('aggregate a candle file to a higher interval and write it in HyperDesk CSV')
    .requiredOption('--to <interval>', 'target interval, e.g. 1h')
    .requiredOption('--out <file>', 'output CSV (written atomically)')
    .option('--from <interval>', 'interval of the input (detected when not given)')
    .option('--keep-partial', 'keep a first or last bucket the input only partly covers', false)
    .option(
      '--week-start <day>',
      'monday (calendar weeks) or thursday (epoch-aligned, as Hyperliquid 1w candles)',
      'monday',
    )
    .action(
      async (
        file: string,
        opts: { to: string; out: string; from?: string; keepPartial: boolean; weekStart: string },
      ) => {
        if (opts.weekStart !== 'monday' && opts.weekStart !== 'thursday') {
          throw new ValidationError(`--week-start: "${opts.weekStart}" is not monday or thursday`);
        }
        const to = parseInterval(opts.to, '--to');
        const reader = new CandleFileReader(file, {
          interval: opts.from === undefined ? undefined : parseInterval(opts.from, '--from'),
        });
        const bars = await reader.readAll();
        if (!reader.interval) throw new ValidationError(`${basename(file)}: cannot tell its interval; pass --from`);
        const out = resample(bars, reader.interval, to, {
          partial: opts.keepPartial ? 'keep' : 'drop',
          weekStart: opts.weekStart,
        });
        const count = await writeCsvFile(opts.out, [out]);
        io.out(
          `wrote ${count.toLocaleString()} ${to} bars (from ${bars.length.toLocaleString()} ${reader.interval} bars) to ${basename(opts.out)}\n`,
        );
      },
    );
}
