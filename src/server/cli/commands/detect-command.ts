import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CandleFileReader } from '../../../adapters/files/candle-file-reader.ts';
import { ALL_FAMILIES, DetectionEngine } from '../../../engine/detect/detection-engine.ts';
import type { DetectionEvent, DetectorFamily } from '../../../engine/detect/detection-events.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import type { Timeframe } from '../../../shared/values/timeframe.ts';
import { parseInterval } from '../cli-options.ts';
import type { CliIo } from '../program.ts';

/** `hyperdesk detect`: run the detection engine over a candle file. */
export function registerDetect(program: Command, io: CliIo): void {
  program
    .command('detect')
    .description('detect patterns, structure, market cycle and confluence setups in a candle file')
    .requiredOption('--data <file>', 'candle file (any format `data import` reads)')
    .option('--interval <interval>', 'interval of the file (detected when not given)')
    .option(
      '--tf <list>',
      'timeframes to analyse, e.g. 15m,1h,4h (default: the file interval); the lowest is the entry timeframe, the next gives the bias',
    )
    .option('--only <list>', `event families: ${ALL_FAMILIES.join(',')}`)
    .option('--config <file>', 'JSON file of detection parameters (see docs/strategy-concepts.md)')
    .option(
      '--json',
      'print one JSON event per line: time (unix ms of the bar that confirmed it), tf, kind, fields',
      false,
    )
    .action(
      async (opts: { data: string; interval?: string; tf?: string; only?: string; config?: string; json: boolean }) => {
        const only = opts.only?.split(',').map((f) => f.trim());
        for (const family of only ?? []) {
          if (!ALL_FAMILIES.includes(family as DetectorFamily)) {
            throw new ValidationError(`--only: "${family}" is not one of ${ALL_FAMILIES.join(', ')}`);
          }
        }
        let config: unknown = {};
        if (opts.config) {
          try {
            config = JSON.parse(await readFile(opts.config, 'utf8'));
          } catch (error) {
            throw new ValidationError(
              `--config: ${basename(opts.config)} is not readable JSON (${(error as Error).message})`,
            );
          }
        }
        const reader = new CandleFileReader(opts.data, {
          interval: opts.interval === undefined ? undefined : parseInterval(opts.interval),
        });
        const requested = opts.tf?.split(',').map((tf) => parseInterval(tf.trim(), '--tf'));
        const counts = new Map<string, number>();
        let out = '';
        let engine: DetectionEngine | null = null;
        const onEvent = (event: DetectionEvent) => {
          if (opts.json) out += `${JSON.stringify(event)}\n`;
          else counts.set(`${event.tf} ${event.kind}`, (counts.get(`${event.tf} ${event.kind}`) ?? 0) + 1);
        };
        let bars = 0;
        for await (const batch of reader.batches()) {
          if (!engine) {
            if (!reader.interval)
              throw new ValidationError(`${basename(opts.data)}: cannot tell its interval; pass --interval`);
            engine = new DetectionEngine({
              base: reader.interval,
              timeframes: (requested ?? [reader.interval]) as Timeframe[],
              only: only as DetectorFamily[] | undefined,
              config: config as object,
              onEvent,
            });
          }
          const { time, open, high, low, close, volume } = batch;
          for (let i = 0; i < batch.length; i++) {
            engine.push(
              time[i] as number,
              open[i] as number,
              high[i] as number,
              low[i] as number,
              close[i] as number,
              volume[i] as number,
            );
          }
          bars += batch.length;
          if (out.length > 0) {
            const accepted = io.out(out);
            out = '';
            if (accepted === false) await io.drain?.();
          }
        }
        if (opts.json) return;
        io.out(`${basename(opts.data)}: ${bars.toLocaleString()} ${reader.interval} bars\n`);
        for (const [key, n] of [...counts.entries()].sort()) io.out(`  ${key.padEnd(24)} ${n.toLocaleString()}\n`);
      },
    );
}
