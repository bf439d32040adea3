/**
 * `npm run bench`: performance of the foundation, each figure next to a reference measured in
 * the same run, so the ratio means something on a noisy machine. Nothing here fails on an
 * absolute time; results go to stdout and artifacts/bench.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CandleFileReader } from '../src/adapters/files/candle-file-reader.ts';
import { dispatchRequest } from '../src/host/command-dispatcher.ts';
import { createEngine } from '../src/host/create-engine.ts';
import { WorkerSupervisor } from '../src/host/worker-supervisor.ts';
import { PROTOCOL_VERSION, type RequestMessage } from '../src/shared/contract/protocol.ts';
import { measure, type Timing } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLES_DIR = join(ROOT, 'resources', 'samples');
const SAMPLE = join(SAMPLES_DIR, 'BTC-SYNTH_1h_synthetic.csv');
const LOAD = { source: { kind: 'sample', name: 'synthetic-btc-1h' }, coin: 'BTC-SYNTH', interval: '1h' };

interface Row {
  readonly name: string;
  readonly subject: Timing;
  readonly reference: Timing;
  readonly referenceName: string;
}

const request = (command: string, payload: unknown, id = 'b'): RequestMessage => ({
  v: PROTOCOL_VERSION,
  type: 'request',
  id,
  command,
  payload,
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hyperdesk-bench-'));
  const rows: Row[] = [];
  try {
    const config = {
      dbPath: join(dir, 'bench.db'),
      samplesDir: SAMPLES_DIR,
      dataRoots: [dir],
      mode: 'research' as const,
    };

    // Reference: the same dispatcher and kernel called in-process, no thread hop.
    const local = createEngine({ ...config, dbPath: join(dir, 'local.db') });
    await local.kernel.start();
    const loaded = await dispatchRequest(local.kernel, request('LoadCandles', LOAD));
    if (!loaded.ok) throw new Error(loaded.error.message);
    const seriesId = (loaded.result as { seriesId: string }).seriesId;

    const supervisor = new WorkerSupervisor({
      workerUrl: new URL('../src/host/engine-worker.ts', import.meta.url),
      config,
    });
    await supervisor.start();
    await supervisor.request(request('LoadCandles', LOAD));

    const status = request('GetEngineStatus', {});
    rows.push({
      name: 'command round trip via worker (GetEngineStatus)',
      subject: await measure(() => supervisor.request(status), 2000),
      referenceName: 'same command in-process',
      reference: await measure(() => dispatchRequest(local.kernel, status), 2000),
    });

    const query = request('QueryCandles', { seriesId, limit: 2000 });
    rows.push({
      name: 'chart query via worker (2,000 candles)',
      subject: await measure(() => supervisor.request(query), 300),
      referenceName: 'same query in-process',
      reference: await measure(() => dispatchRequest(local.kernel, query), 300),
    });

    const csv = readFileSync(SAMPLE, 'utf8');
    rows.push({
      name: 'parse + validate sample CSV (2,000 rows)',
      subject: await measure(() => new CandleFileReader({ stream: [csv] }, { interval: '1h' }).readAll(), 200),
      referenceName: 'bare split and Number() with no checks',
      reference: await measure(() => csv.split('\n').map((line) => line.split(',').map(Number)), 200),
    });

    await supervisor.stop();
    await local.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const fmt = (t: Timing) => `${(t.median * 1000).toFixed(1)} µs (p99 ${(t.p99 * 1000).toFixed(1)})`;
  for (const row of rows) {
    const ratio = row.subject.median / row.reference.median;
    console.log(
      `${row.name}\n  ${fmt(row.subject)}  vs ${row.referenceName}: ${fmt(row.reference)}  → ×${ratio.toFixed(2)}`,
    );
  }
  mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
  writeFileSync(
    join(ROOT, 'artifacts', 'bench.json'),
    `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`,
  );
}

await main();
