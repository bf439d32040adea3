import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFundingFile } from '../../../src/adapters/files/funding-file.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());

function file(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

describe('funding files', () => {
  it('reads Hyperliquid fundingHistory JSON, sorted by time', async () => {
    const path = file(
      'hl.json',
      JSON.stringify([
        { coin: 'BTC', fundingRate: '-0.00000625', premium: '-0.0005', time: 1_700_003_600_012 },
        { coin: 'BTC', fundingRate: '0.0000125', premium: '0.0001', time: 1_700_000_000_009 },
      ]),
    );
    await expect(readFundingFile(path)).resolves.toEqual([
      { time: 1_700_000_000_009, rate: '0.0000125' },
      { time: 1_700_003_600_012, rate: '-0.00000625' },
    ]);
  });

  it('reads a CSV with a time column (ISO or unix) and a rate column', async () => {
    const path = file('rates.csv', 'time,rate\n2024-01-01T00:00:00Z,0.0001\n1704070800,-0.00002\n');
    await expect(readFundingFile(path)).resolves.toEqual([
      { time: Date.UTC(2024, 0, 1), rate: '0.0001' },
      { time: Date.UTC(2024, 0, 1, 1), rate: '-0.00002' },
    ]);
  });

  it('refuses bad files with the file and line named, never the full path', async () => {
    const cases: [string, string, RegExp][] = [
      ['a.csv', 'when,what\n1,2\n', /funding file a\.csv: the header must name a time column and a rate column/],
      ['b.csv', 'time,rate\n2024-01-01,1e-4\n', /funding file b\.csv, line 2: "1e-4" is not a decimal rate/],
      ['c.csv', 'time,rate\nyesterday,0.1\n', /funding file c\.csv, line 2: "yesterday" is not a time/],
      [
        'd.csv',
        'time,rate\n1704067200,0.1\n1704067200,0.2\n',
        /funding file d\.csv: two rates at 2024-01-01T00:00:00\.000Z/,
      ],
      ['e.json', '[{"time": 1, "fundingRate": 0.1}]', /funding file e\.json: 0: /],
      ['f.json', '[{"time": 1,', /funding file f\.json is not valid JSON/],
      ['g.csv', 'time,rate\n', /funding file g\.csv has no rates/],
    ];
    for (const [name, text, message] of cases) {
      const error = await readFundingFile(file(name, text)).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain(tmp.dir);
    }
    await expect(readFundingFile(join(tmp.dir, 'missing.csv'))).rejects.toThrow(
      'funding file missing.csv cannot be read (ENOENT)',
    );
  });
});
