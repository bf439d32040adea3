import { afterEach, describe, expect, it } from 'vitest';
import { WorkerSupervisor } from '../../../src/host/worker-supervisor.ts';
import { EngineClient } from '../../../src/shared/client/engine-client.ts';
import type { EventPayload } from '../../../src/shared/contract/events.ts';
import { SAMPLE_CANDLES, SAMPLE_LOAD, testEngineConfig } from '../../helpers/engine-config.ts';
import { GatewayTransport } from '../../helpers/gateway-transport.ts';
import { ENGINE_WORKER, tempDir } from '../../helpers/paths.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startWorker() {
  const tmp = tempDir();
  const supervisor = new WorkerSupervisor({ workerUrl: ENGINE_WORKER, config: testEngineConfig(tmp.dir) });
  cleanups.push(() => tmp.remove());
  cleanups.push(() => supervisor.stop());
  await supervisor.start();
  const client = new EngineClient(new GatewayTransport(supervisor), { requestTimeoutMs: 20_000 });
  return client;
}

describe('timeframes, detections and backtests served by the engine worker', () => {
  it('answers through the client, whose schemas parse every response and event', async () => {
    const client = await startWorker();
    const status = await client.request('GetEngineStatus', {});
    expect(status.components).toEqual([
      'market-data',
      'replay',
      'detection',
      'backtest',
      'trading',
      'knowledge',
      'settings',
    ]);
    const info = await client.request('LoadCandles', SAMPLE_LOAD);

    const daily = await client.request('QueryCandles', { seriesId: info.seriesId, interval: '1d' });
    expect(daily.candles.length).toBeGreaterThan(SAMPLE_CANDLES / 24 - 3);
    expect(daily.candles.length).toBeLessThanOrEqual(Math.ceil(SAMPLE_CANDLES / 24));
    expect(daily.candles.every((c) => c.time % 86_400_000 === 0)).toBe(true);
    await expect(client.request('QueryCandles', { seriesId: info.seriesId, interval: '5m' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });

    const detections = await client.request('QueryDetections', { seriesId: info.seriesId, timeframes: ['1h', '4h'] });
    expect(detections.events.length).toBeGreaterThan(0);
    expect(detections.events.some((e) => e.tf === '4h')).toBe(true);

    const progress: EventPayload<'BacktestProgress'>[] = [];
    const finished: EventPayload<'BacktestFinished'>[] = [];
    const failed: EventPayload<'BacktestFailed'>[] = [];
    client.on('BacktestProgress', (e) => progress.push(e));
    client.on('BacktestFinished', (e) => finished.push(e));
    client.on('BacktestFailed', (e) => failed.push(e));
    const { runId } = await client.request('RunBacktest', {
      seriesId: info.seriesId,
      strategy: { id: 'sma-cross', params: { fast: 5, slow: 20 } },
      venue: { capital: '10000' },
    });
    const done = await waitFor(() => finished.find((f) => f.runId === runId), 20_000, 'BacktestFinished');
    expect(progress.filter((p) => p.runId === runId).at(-1)).toMatchObject({ done: SAMPLE_CANDLES });
    expect(done.trades.length).toBeGreaterThan(2);
    expect(done.stats.capital).toBe('10000');
    expect(done.equity.time).toHaveLength(SAMPLE_CANDLES);
    expect(failed).toEqual([]);
    await expect(client.request('CancelBacktest', { runId })).resolves.toEqual({ runId, canceled: false });
    await expect(
      client.request('RunBacktest', { seriesId: info.seriesId, strategy: { id: 'nope' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('unknown strategy "nope"') });
  });
});
