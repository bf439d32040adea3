/** The contract path: commands through the worker against the same command in-process. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CandleFileReader } from '../../src/adapters/files/candle-file-reader.ts';
import { dispatchRequest } from '../../src/host/command-dispatcher.ts';
import { createEngine } from '../../src/host/create-engine.ts';
import { WorkerSupervisor } from '../../src/host/worker-supervisor.ts';
import { PROTOCOL_VERSION, type RequestMessage } from '../../src/shared/contract/protocol.ts';
import { measure, type BenchRow } from '../stats.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLES_DIR = join(ROOT, 'resources', 'samples');
const SAMPLE = join(SAMPLES_DIR, 'BTC-SYNTH_1h_synthetic.csv');
const LOAD = { source: { kind: 'sample', name: 'synthetic-btc-1h' }, coin: 'BTC-SYNTH', interval: '1h' };

const request = (command: string, payload: unknown, id = 'b'): RequestMessage => ({
  v: PROTOCOL_VERSION,
  type: 'request',
  id,
  command,
  payload,
});

/** Command round trips and chart queries through the worker, against in-process calls. */
export async function contractSuite(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hyperdesk-bench-'));
  const rows: BenchRow[] = [];
  const suite = 'contract';
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
      workerUrl: new URL('../../src/host/engine-worker.ts', import.meta.url),
      config,
    });
    await supervisor.start();
    await supervisor.request(request('LoadCandles', LOAD));

    const status = request('GetEngineStatus', {});
    rows.push({
      suite,
      name: 'command round trip via worker (GetEngineStatus)',
      subject: await measure(() => supervisor.request(status), 2000),
      referenceName: 'same command in-process',
      reference: await measure(() => dispatchRequest(local.kernel, status), 2000),
    });

    const query = request('QueryCandles', { seriesId, limit: 2000 });
    rows.push({
      suite,
      name: 'chart query via worker (2,000 candles)',
      subject: await measure(() => supervisor.request(query), 300),
      referenceName: 'same query in-process',
      reference: await measure(() => dispatchRequest(local.kernel, query), 300),
    });

    const csv = readFileSync(SAMPLE, 'utf8');
    rows.push({
      suite,
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

  return rows;
}
