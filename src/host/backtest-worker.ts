/**
 * Entry point of a backtest worker thread: runs backtest jobs over bars shared with the
 * pool (SharedArrayBuffers, never copied) and posts each result back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { BacktestJobSchema, runJob } from '../engine/backtest/backtest-job.ts';
import type { CandleColumns } from '../engine/data/candle-columns.ts';
import { toWireError } from '../shared/contract/errors.ts';
import { parseOrThrow } from '../shared/contract/validation.ts';
import { TimeframeSchema } from '../shared/values/timeframe.ts';

const buffer = z.instanceof(SharedArrayBuffer);
const SharedBarsSchema = z.object({
  length: z.number().int().nonnegative(),
  interval: TimeframeSchema,
  time: buffer,
  open: buffer,
  high: buffer,
  low: buffer,
  close: buffer,
  volume: buffer,
});

const port = parentPort;
if (!port) throw new Error('backtest-worker must run in a worker thread');

const shared = parseOrThrow(SharedBarsSchema, workerData, 'backtest worker data');
const view = (b: SharedArrayBuffer) => new Float64Array(b, 0, shared.length);
const bars: CandleColumns = {
  length: shared.length,
  time: view(shared.time),
  open: view(shared.open),
  high: view(shared.high),
  low: view(shared.low),
  close: view(shared.close),
  volume: view(shared.volume),
};

port.on('message', (raw: unknown) => {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'number' ? raw.id : -1;
  try {
    const job = parseOrThrow(BacktestJobSchema, raw, 'backtest job');
    port.postMessage({ type: 'result', result: runJob(bars, shared.interval, job) });
  } catch (error) {
    port.postMessage({ type: 'error', id, error: toWireError(error) });
  }
});
port.postMessage({ type: 'ready' });
