import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SyntheticMinutes } from '../../../src/adapters/hl-sim/synthetic-minutes.ts';
import { runHyperdesk } from '../../helpers/cli-process.ts';
import { startMockAnthropic, type MockReply } from '../../helpers/mock-anthropic.ts';
import { ROOT, tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());
const GUIDE = join(ROOT, 'tests', 'fixtures', 'learning', 'strategy-guide.pdf');

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const proc = runHyperdesk(args, { HYPERDESK_LOG_LEVEL: 'error', ANTHROPIC_API_KEY: '', ...env });
  const code = await proc.exited;
  return { code, out: proc.stdout(), err: proc.stderr() };
}

/** 20 000 bars of 15m from the seeded walk the local exchange uses, as a candle file. */
function syntheticFifteenMinutes(): string {
  const walk = new SyntheticMinutes(7, 30_000);
  const start = Date.UTC(2025, 0, 6);
  const bars = walk.next(start, 20_000);
  const rows = ['time,open,high,low,close,volume'];
  for (let i = 0; i < bars.length; i++) {
    // Re-stamped 15 minutes apart: the walk's shape is what matters here, not its clock.
    rows.push(
      `${(start + i * 900_000) / 1000},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`,
    );
  }
  const file = join(tmp.dir, 'synthetic-15m.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

interface JsonRule {
  id: string;
  version: number;
  name: string;
  kind: string;
  confidence: number;
  citation: { page: number | null; quote: string };
}

describe('learning end to end', () => {
  it('PDF (offline) → rules with page citations → strategy → backtest → outcomes per rule → an applied confidence change', async () => {
    const dataDir = join(tmp.dir, 'offline');
    const learned = await cli(['learn', GUIDE, '--offline', '--json', '--data-dir', dataDir]);
    expect(learned.code, learned.err).toBe(0);
    const result = JSON.parse(learned.out) as { method: string; cached: boolean; rules: JsonRule[] };
    expect(result.method).toBe('offline');
    expect(result.cached).toBe(false);
    // Every rule cites a page of the 6-page guide with words that are on it.
    expect(result.rules.length).toBeGreaterThan(5);
    for (const rule of result.rules) expect(rule.citation.page).toBeGreaterThanOrEqual(1);
    const risk = result.rules.find((r) => r.citation.quote === 'Risk 2% of the account per trade.');
    expect(risk).toMatchObject({ kind: 'risk', citation: { page: 5 } });
    // The instruction planted in the document is text, not a command.
    expect(result.rules.some((r) => /PWNED/i.test(r.name))).toBe(false);

    const pick = (test: (r: JsonRule) => boolean) => result.rules.filter(test).map((r) => r.id);
    const ids = [
      ...pick((r) => r.kind === 'entry' && /engulfing/i.test(r.name)),
      ...pick((r) => r.kind === 'filter' && /4h/.test(r.name)),
      ...pick((r) => r.kind === 'exit' && /CHoCH/.test(r.name)),
      risk?.id ?? '',
    ];
    expect(ids).toHaveLength(4);
    const made = await cli(['kb', 'strategy', 'sweep-reversal', '--rules', ids.join(','), '--data-dir', dataDir]);
    expect(made.out).toContain('strategy "sweep-reversal" with 4 rule(s)');

    const data = syntheticFifteenMinutes();
    const feedback = await cli([
      'kb',
      'feedback',
      'sweep-reversal',
      '--data',
      data,
      '--min-trades',
      '5',
      '--apply',
      '--explain',
      '1',
      '--json',
      '--data-dir',
      dataDir,
    ]);
    expect(feedback.code, feedback.err).toBe(0);
    const run = JSON.parse(feedback.out) as {
      outcomes: {
        strategy: { trades: number };
        rules: { ruleId: string; trades: number; byPhase: Record<string, unknown> }[];
      };
      suggestions: { ruleId: string; current: number; suggested: number }[];
      applied: { id: string; version: number }[];
      trades: { entryRules: { id: string; citation: { page: number } }[] }[];
    };
    expect(run.outcomes.strategy.trades).toBeGreaterThanOrEqual(5);
    const entry = run.outcomes.rules.find((r) => r.ruleId === ids[0]);
    expect(entry?.trades).toBe(run.outcomes.strategy.trades);
    expect(Object.keys(entry?.byPhase ?? {}).length).toBeGreaterThan(0);
    // The first trade is explained by its rules, with their pages.
    expect(run.trades[0]?.entryRules.map((r) => r.id)).toContain(ids[0]);
    expect(run.suggestions.length).toBeGreaterThan(0);
    expect(run.applied.map((a) => a.version)).toEqual(run.suggestions.map(() => 2));

    const rules = await cli(['kb', 'rules', '--json', '--data-dir', dataDir]);
    const stored = JSON.parse(rules.out) as { id: string; version: number; rule: { confidence: number } }[];
    const changed = run.suggestions[0];
    expect(stored.find((r) => r.id === changed?.ruleId)).toMatchObject({
      version: 2,
      rule: { confidence: changed?.suggested },
    });

    const search = await cli(['kb', 'search', 'engulfing', '--json', '--data-dir', dataDir]);
    expect((JSON.parse(search.out) as unknown[]).length).toBeGreaterThan(0);
  });

  it('Claude (a local Messages API): rules with verified citations; the same file again costs 0 calls; the key is never shown', async () => {
    const key = 'sk-ant-test-0123456789abcdef0123456789abcdef';
    const reply = (request: { document: string }): MockReply => {
      const quote = 'Risk 2% of the account per trade.';
      if (!request.document.includes(quote)) return { kind: 'tool', input: { rules: [] } };
      return {
        kind: 'tool',
        input: {
          rules: [
            {
              name: 'Risk 2 % per trade',
              kind: 'risk',
              timeframes: [],
              conditions: [],
              direction: null,
              stop: null,
              targets: [],
              riskPercent: 2,
              confidence: 0.9,
              citation: { sourceId: 'model-made-this-up', page: 5, timestamp: null, quote },
            },
          ],
        },
      };
    };
    const mock = await startMockAnthropic({ apiKey: key, reply });
    try {
      const dataDir = join(tmp.dir, 'claude');
      const env = { ANTHROPIC_API_KEY: key, HYPERDESK_ANTHROPIC_BASE_URL: mock.url };
      const first = await cli(['learn', GUIDE, '--data-dir', dataDir], env);
      expect(first.code, first.err).toBe(0);
      expect(first.out).toMatch(/strategy-guide\.pdf: 1 rule\(s\) by Claude/);
      expect(first.out).toContain('p. 5: “Risk 2% of the account per trade.”');
      const calls = mock.requests.length;
      expect(calls).toBeGreaterThan(0);
      const again = await cli(['learn', GUIDE, '--data-dir', dataDir], env);
      expect(again.out).toContain('learned before, 0 model calls');
      expect(mock.requests.length).toBe(calls);
      for (const output of [first.out, first.err, again.out, again.err]) expect(output).not.toContain(key);
    } finally {
      await mock.close();
    }
  });

  it('refuses what it cannot learn from with a clear line, and writes nothing', async () => {
    const dataDir = join(tmp.dir, 'bad');
    const text = join(tmp.dir, 'notes.txt');
    writeFileSync(text, 'buy low, sell high');
    const wrong = await cli(['learn', text, '--offline', '--data-dir', dataDir]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toContain('notes.txt: HyperDesk learns from PDFs (.pdf)');
    const encrypted = await cli([
      'learn',
      join(ROOT, 'tests', 'fixtures', 'learning', 'encrypted.pdf'),
      '--offline',
      '--data-dir',
      dataDir,
    ]);
    expect(encrypted.err).toContain('encrypted.pdf is password-protected');
    const rules = await cli(['kb', 'rules', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(rules.out)).toEqual([]);
  });
});
