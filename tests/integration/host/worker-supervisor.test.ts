import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerSupervisor, type WorkerSupervisorOptions } from '../../../src/host/worker-supervisor.ts';
import { EngineClient } from '../../../src/shared/client/engine-client.ts';
import type { HyperdeskError } from '../../../src/shared/contract/errors.ts';
import type { EventMessage, ResponseMessage } from '../../../src/shared/contract/protocol.ts';
import { SAMPLE_CANDLES, SAMPLE_LOAD, testEngineConfig } from '../../helpers/engine-config.ts';
import { GatewayTransport } from '../../helpers/gateway-transport.ts';
import { ENGINE_WORKER, tempDir } from '../../helpers/paths.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const CRASHABLE_WORKER = new URL('../../fixtures/crashable-engine-worker.ts', import.meta.url);
const HANGING_WORKER = new URL('../../fixtures/hanging-engine-worker.ts', import.meta.url);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A supervisor on its own store, not started, cleaned up after the test. */
function createSupervisor(options: Partial<WorkerSupervisorOptions> = {}) {
  const tmp = tempDir();
  const supervisor = new WorkerSupervisor({
    workerUrl: ENGINE_WORKER,
    config: testEngineConfig(tmp.dir),
    restartDelayMs: 10,
    ...options,
  });
  cleanups.push(() => tmp.remove());
  cleanups.push(() => supervisor.stop());
  return { supervisor, dir: tmp.dir };
}

async function startEngine(options: Partial<WorkerSupervisorOptions> = {}) {
  const { supervisor, dir } = createSupervisor(options);
  const events: EventMessage[] = [];
  supervisor.onEvent((e) => events.push(e));
  await supervisor.start();
  const client = new EngineClient(new GatewayTransport(supervisor), { requestTimeoutMs: 10_000 });
  return { supervisor, client, events, dir };
}

function raw(supervisor: WorkerSupervisor, message: unknown): Promise<ResponseMessage> {
  // Bypasses the client's own validation: what a buggy or hostile peer would send.
  return supervisor.request(message as never);
}

describe('engine in a worker thread', () => {
  it('answers a command round trip with a validated response', async () => {
    const { client } = await startEngine();
    const status = await client.request('GetEngineStatus', {});
    expect(status).toMatchObject({
      protocol: 1,
      state: 'running',
      mode: 'research',
      components: ['market-data', 'replay', 'detection', 'backtest', 'trading', 'knowledge', 'settings'],
    });
  });

  it('loads candles, announces CandlesLoaded and serves chart queries', async () => {
    const { client } = await startEngine();
    const loaded = new Promise((resolve) => client.on('CandlesLoaded', resolve));
    const info = await client.request('LoadCandles', SAMPLE_LOAD);
    expect(info).toMatchObject({ count: SAMPLE_CANDLES, synthetic: true, coin: 'BTC-SYNTH', interval: '1h' });
    await expect(loaded).resolves.toMatchObject({ seriesId: info.seriesId, count: SAMPLE_CANDLES });

    const last = await client.request('QueryCandles', { seriesId: info.seriesId, limit: 5 });
    expect(last.candles).toHaveLength(5);
    expect(last.candles.at(-1)?.time).toBe(info.last);
    const range = await client.request('QueryCandles', {
      seriesId: info.seriesId,
      from: info.first ?? 0,
      to: (info.first ?? 0) + 2 * 3_600_000,
    });
    expect(range.candles.map((c) => c.time)).toEqual([0, 1, 2].map((h) => (info.first ?? 0) + h * 3_600_000));
  });

  it('answers malformed messages with errors naming the field, and keeps running', async () => {
    const { supervisor, client } = await startEngine();
    const missing = await raw(supervisor, {
      v: 1,
      type: 'request',
      id: 'a',
      command: 'LoadCandles',
      payload: { coin: 'BTC' },
    });
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    expect(missing.error.code).toBe('VALIDATION');
    expect(missing.error.message).toContain('source');
    expect(missing.error.message).toContain('interval');

    const badInterval = await raw(supervisor, {
      v: 1,
      type: 'request',
      id: 'b',
      command: 'LoadCandles',
      payload: { ...SAMPLE_LOAD, interval: '2m' },
    });
    expect(!badInterval.ok && badInterval.error.message).toMatch(/interval: Invalid option/);

    const unknown = await raw(supervisor, { v: 1, type: 'request', id: 'c', command: 'Nope', payload: {} });
    expect(!unknown.ok && unknown.error.code).toBe('UNKNOWN_COMMAND');

    const version = await raw(supervisor, { v: 99, type: 'request', id: 'd', command: 'GetEngineStatus', payload: {} });
    expect(!version.ok && version.error.code).toBe('PROTOCOL_MISMATCH');

    const extra = await raw(supervisor, {
      v: 1,
      type: 'request',
      id: 'e',
      command: 'GetEngineStatus',
      payload: { x: 1 },
    });
    expect(!extra.ok && extra.error.message).toMatch(/GetEngineStatus: payload/);

    await expect(client.request('GetEngineStatus', {})).resolves.toMatchObject({ state: 'running' });
    expect(supervisor.restartCount).toBe(0);
  });

  it('restarts a crashed worker: the request in flight fails at once, then an event, then state is back', async () => {
    const { client, events, supervisor } = await startEngine({ workerUrl: CRASHABLE_WORKER });
    const info = await client.request('LoadCandles', SAMPLE_LOAD);
    const restarted = new Promise((resolve) => client.on('EngineRestarted', resolve));

    const started = Date.now();
    const crash = client.request('LoadCandles', { ...SAMPLE_LOAD, coin: 'CRASH' });
    await expect(crash).rejects.toMatchObject({ code: 'ENGINE_RESTARTED' } satisfies Partial<HyperdeskError>);
    expect(Date.now() - started).toBeLessThan(5_000);

    await expect(restarted).resolves.toMatchObject({ restarts: 1, reason: expect.stringContaining('code 3') });
    expect(supervisor.state).toBe('running');
    // The series comes back from the store, not from memory.
    const after = await client.request('QueryCandles', { seriesId: info.seriesId });
    expect(after.candles).toHaveLength(SAMPLE_CANDLES);
    // Event numbering keeps growing across the restart, so clients can spot gaps.
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('gives up after too many crashes and says so with an event', async () => {
    const { client, supervisor } = await startEngine({ workerUrl: CRASHABLE_WORKER, maxRestarts: 1 });
    const failed = new Promise((resolve) => client.on('EngineFailed', resolve));
    await expect(client.request('LoadCandles', { ...SAMPLE_LOAD, coin: 'CRASH' })).rejects.toMatchObject({
      code: 'ENGINE_RESTARTED',
    });
    await waitFor(() => (supervisor.state === 'running' ? true : undefined), 10_000, 'first restart');
    await expect(client.request('LoadCandles', { ...SAMPLE_LOAD, coin: 'CRASH' })).rejects.toMatchObject({
      code: 'ENGINE_RESTARTED',
    });
    await expect(failed).resolves.toMatchObject({ restarts: 1 });
    expect(supervisor.state).toBe('failed');
    await expect(client.request('GetEngineStatus', {})).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
  });

  it('stopped while starting, never reports running and answers requests as unavailable', async () => {
    const { supervisor } = createSupervisor();
    const starting = supervisor.start();
    await supervisor.stop();
    await expect(starting).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    expect(supervisor.state).toBe('stopped');
    const response = await raw(supervisor, { v: 1, type: 'request', id: 'z', command: 'GetEngineStatus', payload: {} });
    expect(response).toMatchObject({
      ok: false,
      error: { code: 'ENGINE_UNAVAILABLE', message: 'the engine is stopped' },
    });
  });

  it('stopped while restarting after a crash, stays stopped', async () => {
    const { client, supervisor, events } = await startEngine({ workerUrl: CRASHABLE_WORKER });
    await expect(client.request('LoadCandles', { ...SAMPLE_LOAD, coin: 'CRASH' })).rejects.toMatchObject({
      code: 'ENGINE_RESTARTED',
    });
    expect(supervisor.state).toBe('restarting');
    await supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(supervisor.state).toBe('stopped');
    expect(events.map((e) => e.event)).not.toContain('EngineRestarted');
  });

  it('answers requests in flight at a clean stop as unavailable, not as a crash', async () => {
    const { supervisor } = await startEngine();
    const inFlight = raw(supervisor, { v: 1, type: 'request', id: 'w', command: 'LoadCandles', payload: SAMPLE_LOAD });
    await supervisor.stop();
    const response = await inFlight;
    // Either it finished before the stop or it was cut off by it; never "restarted".
    if (!response.ok) expect(response.error.code).toBe('ENGINE_UNAVAILABLE');
  });

  it('never lets a request wait forever on a hung engine', async () => {
    const { supervisor } = await startEngine({
      workerUrl: HANGING_WORKER,
      requestTimeoutMs: 200,
      shutdownTimeoutMs: 200,
    });
    const response = await raw(supervisor, {
      v: 1,
      type: 'request',
      id: 'h',
      command: 'LoadCandles',
      payload: { ...SAMPLE_LOAD, coin: 'HANG' },
    });
    expect(response).toMatchObject({ id: 'h', ok: false, error: { code: 'TIMEOUT' } });
  });

  it('shuts down cleanly, leaving the store readable by the next run', async () => {
    const { client, supervisor, dir } = await startEngine();
    const info = await client.request('LoadCandles', SAMPLE_LOAD);
    await supervisor.stop();
    const db = new BetterSqlite3(join(dir, 'hyperdesk.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT bar_count FROM candle_series WHERE series_id = ?').get(info.seriesId)).toEqual({
        bar_count: SAMPLE_CANDLES,
      });
    } finally {
      db.close();
    }
  });
});
