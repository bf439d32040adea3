import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hyperdesk } from '../../helpers/cli-process.ts';
import { SAMPLES_DIR, tempDir } from '../../helpers/paths.ts';

const SAMPLE = join(SAMPLES_DIR, 'BTC-SYNTH_1h_synthetic.csv');
const tmp = tempDir();
afterAll(() => tmp.remove());

const cli = hyperdesk;

describe('hyperdesk detect', () => {
  it('prints one JSON event per line with time, tf and kind first', async () => {
    const { code, out } = await cli('detect', '--data', SAMPLE, '--tf', '1h,4h', '--json');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1000);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of events.slice(0, 50)) expect(Object.keys(e).slice(0, 3)).toEqual(['time', 'tf', 'kind']);
    expect(new Set(events.map((e) => e.tf))).toEqual(new Set(['1h', '4h']));
    expect(new Set(events.map((e) => e.kind))).toEqual(
      new Set(['pattern', 'swing', 'trend', 'bos', 'choch', 'range', 'liquidity-pool', 'sweep', 'phase', 'setup']),
    );
  });

  it('limits output to the families asked for', async () => {
    const { out } = await cli('detect', '--data', SAMPLE, '--only', 'structure', '--json');
    const kinds = new Set(
      out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { kind: string }).kind),
    );
    expect([...kinds].sort()).toEqual(['bos', 'choch', 'liquidity-pool', 'range', 'sweep', 'swing', 'trend']);
  });

  it('takes parameters from a config file and explains bad ones', async () => {
    const config = join(tmp.dir, 'detect.json');
    writeFileSync(config, JSON.stringify({ structure: { swingBars: 5 } }));
    const loose = await cli('detect', '--data', SAMPLE, '--only', 'structure', '--json');
    const strict = await cli('detect', '--data', SAMPLE, '--only', 'structure', '--config', config, '--json');
    const swings = (text: string) => text.split('\n').filter((l) => l.includes('"kind":"swing"')).length;
    expect(swings(strict.out)).toBeLessThan(swings(loose.out));

    writeFileSync(config, JSON.stringify({ structure: { swingBars: 0 } }));
    const bad = await cli('detect', '--data', SAMPLE, '--config', config);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('detection config: structure.swingBars');
    expect((await cli('detect', '--data', SAMPLE, '--only', 'vibes')).err).toContain('--only: "vibes" is not one of');
    expect((await cli('detect', '--data', SAMPLE, '--tf', '1h,3m')).err).toContain(
      'timeframe 3m cannot be built from 1h bars',
    );
  });

  it('summarises counts without --json', async () => {
    const { code, out } = await cli('detect', '--data', SAMPLE);
    expect(code).toBe(0);
    expect(out).toContain('BTC-SYNTH_1h_synthetic.csv: 2,000 1h bars');
    expect(out).toMatch(/1h swing\s+\d/);
  });
});
