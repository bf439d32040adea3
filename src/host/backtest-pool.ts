import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { BacktestJob, BacktestJobResult } from '../engine/backtest/backtest-job.ts';
import { BacktestJobSchema, runJob } from '../engine/backtest/backtest-job.ts';
import type { JobRunner } from '../engine/backtest/research-runs.ts';
import type { RunJobs } from '../engine/backtest/sweep.ts';
import { CANDLE_FIELDS, type CandleColumns } from '../engine/data/candle-columns.ts';
import { fromWireError, TransportError, WireErrorSchema } from '../shared/contract/errors.ts';
import type { Timeframe } from '../shared/values/timeframe.ts';

/** Options for {@link BacktestPool}. */
export interface BacktestPoolOptions {
  readonly bars: CandleColumns;
  readonly interval: Timeframe;
  /** Worker threads (default: one per core). */
  readonly workers?: number;
  /** The worker entry (default: backtest-worker.ts beside this file). */
  readonly workerUrl?: URL | string;
}

const WorkerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('result'),
    result: z.object({ id: z.number().int(), stats: z.record(z.string(), z.unknown()) }),
  }),
  z.object({ type: z.literal('error'), id: z.number().int(), error: WireErrorSchema }),
]);

interface Slot {
  readonly worker: Worker;
  ready: Promise<void>;
}

/**
 * Worker threads that run backtest jobs over one set of bars, every core busy. The bars are
 * copied once into shared memory; workers start once and serve every run until `close()`.
 * A job that fails fails its run with the job's error; when a run fails, every worker is
 * stopped (their jobs in flight belong to the failed run) and fresh ones serve the next run.
 * A worker that dies, busy or idle, is replaced. Workers keep the process alive: close the
 * pool when done.
 */
export class BacktestPool {
  private readonly options: BacktestPoolOptions;
  private readonly shared: Record<string, unknown>;
  private slots: Slot[] = [];
  private busy = false;

  constructor(options: BacktestPoolOptions) {
    this.options = options;
    const { bars } = options;
    const shared: Record<string, unknown> = { length: bars.length, interval: options.interval };
    for (const field of CANDLE_FIELDS) {
      const buffer = new SharedArrayBuffer(Math.max(8, bars.length * 8));
      new Float64Array(buffer, 0, bars.length).set(bars[field]);
      shared[field] = buffer;
    }
    this.shared = shared;
  }

  /** Number of worker threads used. */
  get size(): number {
    return Math.max(1, this.options.workers ?? availableParallelism());
  }

  /** Starts the workers now (otherwise the first run does). */
  async start(): Promise<void> {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Runs `jobs` across the workers; results come back in job order. */
  readonly run: RunJobs = async (jobs, onProgress) => {
    if (this.busy) throw new Error('backtest-pool: one run at a time');
    this.busy = true;
    try {
      await this.start();
      return await this.dispatch(jobs, onProgress);
    } catch (error) {
      await this.close();
      throw error;
    } finally {
      this.busy = false;
    }
  };

  /** Stops every worker. */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const url = this.options.workerUrl ?? new URL('./backtest-worker.ts', import.meta.url);
    const worker = new Worker(url, { workerData: this.shared });
    const slot: Slot = { worker, ready: Promise.resolve() };
    // A worker that exits (crash, out of memory, terminate) leaves the pool; start() replaces it.
    worker.once('exit', () => {
      this.slots = this.slots.filter((s) => s !== slot);
    });
    // An 'error' is followed by 'exit'; the run watching the worker reports it.
    worker.on('error', () => undefined);
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (raw: unknown) => {
        if (WorkerMessageSchema.safeParse(raw).data?.type === 'ready') {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) => reject(new TransportError(`a backtest worker exited on start (code ${code})`)));
    });
    // A failed start is reported by the run that waits for it.
    slot.ready.catch(() => undefined);
    return slot;
  }

  private dispatch(
    jobs: readonly BacktestJob[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<BacktestJobResult[]> {
    return new Promise((resolve, reject) => {
      const results = new Array<BacktestJobResult | undefined>(jobs.length);
      let next = 0;
      let done = 0;
      let settled = false;
      const cleanups: (() => void)[] = [];
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        for (const cleanup of cleanups) cleanup();
        if (error) reject(error);
        else resolve(results as BacktestJobResult[]);
      };
      if (jobs.length === 0) {
        finish();
        return;
      }
      if (this.slots.length === 0) {
        finish(new TransportError('every backtest worker exited before the run started'));
        return;
      }
      for (const slot of this.slots) {
        const { worker } = slot;
        const feed = () => {
          if (next < jobs.length) worker.postMessage({ ...jobs[next++], id: next - 1 });
        };
        const onMessage = (raw: unknown) => {
          const message = WorkerMessageSchema.safeParse(raw);
          if (!message.success || message.data.type === 'ready') return;
          if (message.data.type === 'error') {
            finish(fromWireError(message.data.error));
            return;
          }
          const result = message.data.result as unknown as BacktestJobResult;
          results[result.id] = result;
          done++;
          onProgress?.(done, jobs.length);
          if (done === jobs.length) finish();
          else feed();
        };
        const onExit = (code: number) =>
          finish(new TransportError(`a backtest worker exited (code ${code}) during the run`));
        worker.on('message', onMessage);
        worker.on('exit', onExit);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('exit', onExit);
        });
        feed();
      }
    });
  }
}

/** Runs jobs one after another in this thread: for one core, small grids and tests. */
export function runJobsInline(bars: CandleColumns, interval: Timeframe): RunJobs {
  return async (jobs, onProgress) => {
    const results: BacktestJobResult[] = [];
    for (const job of jobs) {
      results.push(runJob(bars, interval, BacktestJobSchema.parse(job)));
      onProgress?.(results.length, jobs.length);
      // Let timers and I/O run between jobs.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return results;
  };
}

/**
 * The job runner a host gives `BacktestService` (option `jobRunner`): each sweep or
 * walk-forward gets its own pool over its bars, closed when the run ends or is canceled (a
 * cancel terminates the workers, so the run stops at once).
 */
export function poolJobRunner(options: { readonly workers?: number; readonly workerUrl?: URL | string } = {}) {
  return (bars: CandleColumns, interval: Timeframe): JobRunner => {
    const pool = new BacktestPool({ bars, interval, ...options });
    return { run: pool.run, close: () => pool.close() };
  };
}
