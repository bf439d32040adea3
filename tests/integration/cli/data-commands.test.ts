import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/adapters/hl-sim/sim-clock.ts';
import { SimMarket } from '../../../src/adapters/hl-sim/sim-market.ts';
import { startHlSim } from '../../../src/adapters/hl-sim/hl-sim-server.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteCandleStore } from '../../../src/adapters/sqlite/sqlite-candle-store.ts';
import { findGaps } from '../../../src/engine/data/gaps.ts';
import { numericLines } from '../../helpers/candle-text.ts';
import { hyperdesk, runHyperdesk } from '../../helpers/cli-process.ts';
import { SAMPLES_DIR, tempDir } from '../../helpers/paths.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());
const SAMPLE = join(SAMPLES_DIR, 'BTC-SYNTH_1h_synthetic.csv');

const cli = hyperdesk;

describe('hyperdesk data (CLI)', () => {
  const dataDir = join(tmp.dir, 'data');

  it('inspect --json reports rows, span, interval and gaps in unix ms', async () => {
    const holed = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .filter((_, i) => i < 10 || i > 13)
      .join('\n');
    const file = join(tmp.dir, 'holed.csv');
    writeFileSync(file, holed);
    const { code, out } = await cli('data', 'inspect', file, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown>;
    const first = Date.UTC(2024, 0, 1);
    expect(report).toEqual({
      rows: 1996,
      first,
      last: first + 1999 * 3_600_000,
      interval: '1h',
      missingBars: 4,
      gaps: [{ from: first + 9 * 3_600_000, to: first + 12 * 3_600_000, bars: 4 }],
      format: 'hyperdesk',
    });
  });

  it('import → list → export round-trips the file', async () => {
    const imported = await cli(
      'data',
      'import',
      SAMPLE,
      '--coin',
      'SYN',
      '--interval',
      '1h',
      '--source',
      'sample',
      '--data-dir',
      dataDir,
    );
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('imported 2,000 bars (hyperdesk format) into sample:SYN:1h');
    const list = await cli('data', 'list', '--json', '--data-dir', dataDir);
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ seriesId: 'sample:SYN:1h', count: 2000 })]);
    const out = join(tmp.dir, 'exported.csv');
    const exported = await cli(
      'data',
      'export',
      '--coin',
      'SYN',
      '--interval',
      '1h',
      '--source',
      'sample',
      '--out',
      out,
      '--data-dir',
      dataDir,
    );
    expect(exported.code).toBe(0);
    expect(numericLines(readFileSync(out, 'utf8'))).toEqual(numericLines(readFileSync(SAMPLE, 'utf8')));
  });

  it('refuses a bad file in one clear line, and --skip-bad lists every skipped line', async () => {
    const bad = join(tmp.dir, 'bad.csv');
    writeFileSync(
      bad,
      'time,open,high,low,close,volume\n1699999200,10,12,9,11,5\n1700002800,10,9,12,11,5\n1700006400,10,12,9,11,5\n',
    );
    const refused = await cli('data', 'import', bad, '--coin', 'X', '--interval', '1h', '--data-dir', dataDir);
    expect(refused.code).toBe(1);
    expect(refused.err.trim()).toBe('hyperdesk: bad.csv: line 3: low is above min(open, close)');
    const skipped = await cli(
      'data',
      'import',
      bad,
      '--coin',
      'X',
      '--interval',
      '1h',
      '--skip-bad',
      '--data-dir',
      dataDir,
    );
    expect(skipped.code).toBe(0);
    expect(skipped.err).toContain('skipped line 3: low is above min(open, close)');
    expect(skipped.out).toContain('skipped 1 bad rows');
  });

  it('resamples a file to a higher interval, writing our CSV', async () => {
    const out = join(tmp.dir, 'daily.csv');
    const { code, out: text } = await cli('data', 'resample', SAMPLE, '--to', '1d', '--out', out);
    expect(code).toBe(0);
    expect(text).toContain('wrote 83 1d bars (from 2,000 1h bars)');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('time,open,high,low,close,volume');
    expect(lines).toHaveLength(84);
  });

  it('explains bad options', async () => {
    expect((await cli('data', 'resample', SAMPLE, '--to', '7m', '--out', join(tmp.dir, 'x.csv'))).err).toContain(
      '--to: "7m" is not an interval',
    );
    expect((await cli('data', 'download', '--coin', 'BTC', '--interval', '1h', '--data-dir', dataDir)).err).toContain(
      'choose the venue: --network mainnet, --network testnet, or --api-url URL',
    );
    const backwards = await cli(
      'data',
      'download',
      '--coin',
      'BTC',
      '--interval',
      '1h',
      '--api-url',
      'http://127.0.0.1:9',
      '--from',
      '2024-02-01',
      '--to',
      '1704067200',
      '--data-dir',
      dataDir,
    );
    expect(backwards.err.trim()).toBe('hyperdesk: --from (2024-02-01T00:00:00Z) is after --to (2024-01-01T00:00:00Z)');
    expect(
      (
        await cli(
          'data',
          'download',
          '--coin',
          'BTC',
          '--interval',
          '1h',
          '--network',
          'mainnet',
          '--from',
          'soon',
          '--data-dir',
          dataDir,
        )
      ).err,
    ).toContain('--from: "soon" is not a time');
  });
});

describe('hyperdesk data download (CLI) against hl-sim', () => {
  it('survives kill -9 midway: the next run resumes and completes with no gaps or duplicates', async () => {
    const clock = new SimClock(); // real time: the CLI uses the wall clock
    const market = new SimMarket({ clock, coins: [{ name: 'BTC' }], historyMinutes: 14_000, historyLimit: Infinity });
    const sim = await startHlSim({ market, clock, latencyMs: 400 });
    const dataDir = join(tmp.dir, 'download');
    // The last bar that closed more than the downloader's 3 s margin ago: started right after a
    // minute turned, the bar that just closed would not count as closed yet.
    const lastClosed = Math.floor((Date.now() - 10_000) / 60_000) * 60_000 - 60_000;
    const from = String(lastClosed - 11_999 * 60_000);
    const args = [
      'data',
      'download',
      '--coin',
      'BTC',
      '--interval',
      '1m',
      '--from',
      from,
      '--to',
      String(lastClosed),
      '--api-url',
      sim.url,
      '--data-dir',
      dataDir,
    ];
    try {
      const first = runHyperdesk(args);
      await waitFor(() => (first.stderr().includes('window 1/3') ? true : undefined), 20_000, 'first window');
      first.child.kill('SIGKILL');
      await first.exited;

      const second = runHyperdesk([...args, '--json']);
      expect(await second.exited).toBe(0);
      const result = JSON.parse(second.stdout()) as {
        skipped: number;
        requested: number;
        series: { seriesId: string };
      };
      expect(result.skipped).toBeGreaterThanOrEqual(1);
      expect(result.skipped + result.requested).toBe(3);

      const db = openDatabase(join(dataDir, 'hyperdesk.db'));
      try {
        const bars = new SqliteCandleStore(db, Date.now).readCandles(result.series.seriesId);
        expect(bars.length).toBe(12_000);
        expect(bars.time[0]).toBe(Number(from));
        expect(findGaps(bars.time, '1m').missingBars).toBe(0);
      } finally {
        db.close();
      }
    } finally {
      await sim.close();
    }
  }, 60_000);
});
