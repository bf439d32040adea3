import { appendFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { KnowledgeStore } from '../../../src/adapters/sqlite/knowledge/knowledge-store.ts';
import { SqliteCandleStore } from '../../../src/adapters/sqlite/sqlite-candle-store.ts';
import { runFeedback } from '../../../src/host/learning/feedback-service.ts';
import type { RuleSummary } from '../../../src/shared/contract/knowledge-commands.ts';
import { SAMPLE_LOAD } from '../../helpers/engine-config.ts';
import { ROOT, tempDir } from '../../helpers/paths.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { startKnowledgeEngine } from './knowledge-driver.ts';

/*
 * Strategies and the feedback loop through the contract, as the worker serves them: the guide
 * learned offline, a strategy made from its rules and compiled (which rules run, which cannot
 * and why), feedback run on the bundled sample series with progress (the same figures as
 * `kb feedback`'s path), a suggestion approved into a new rule version with its evidence, a
 * stale suggestion refused; feedback runs and learning jobs canceled.
 */

const GUIDE = join(ROOT, 'tests', 'fixtures', 'learning', 'strategy-guide.pdf');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start() {
  const tmp = tempDir();
  const data = join(tmp.dir, 'data');
  mkdirSync(data, { recursive: true });
  copyFileSync(GUIDE, join(data, 'strategy-guide.pdf'));
  cleanups.push(() => tmp.remove());
  const e = await startKnowledgeEngine(tmp.dir, data);
  cleanups.push(() => e.engine.close());
  return { ...e, dir: tmp.dir, guide: join(data, 'strategy-guide.pdf') };
}

/** The guide's engulfing entry, 4h filter, 15m CHoCH exit and 2 % risk rules. */
function pickRules(rules: readonly RuleSummary[]) {
  const one = (test: (r: RuleSummary) => boolean, what: string) => {
    const found = rules.find(test);
    if (!found) throw new Error(`the guide has no ${what} rule`);
    return found;
  };
  return {
    entry: one((r) => r.kind === 'entry' && /engulfing/i.test(r.name), 'engulfing entry'),
    filter: one((r) => r.kind === 'filter' && /4h/.test(r.name), '4h filter'),
    exit: one((r) => r.kind === 'exit' && /CHoCH/.test(r.name), 'CHoCH exit'),
    risk: one((r) => r.kind === 'risk' && /2%/.test(r.name), '2 % risk'),
  };
}

describe('strategy and feedback commands', () => {
  it('makes a strategy from rules, compiles it, runs feedback on a stored series and approves a suggestion', async () => {
    const e = await start();
    const series = await e.call('LoadCandles', SAMPLE_LOAD);
    const { finished } = await e.learn(e.guide);
    const picked = pickRules(finished.rules);
    const ids = [picked.entry.id, picked.filter.id, picked.exit.id, picked.risk.id];

    const made = await e.call('CreateStrategy', { name: 'sweep reversal', ruleIds: ids, note: 'from the guide' });
    expect(made).toMatchObject({ name: 'sweep reversal', note: 'from the guide' });
    expect(made.rules.map((r) => r.id)).toEqual(ids);
    expect(made.rules[0]?.citation.page).toBe(picked.entry.citation.page);
    expect((await e.fail('CreateStrategy', { name: 'sweep reversal', ruleIds: ids })).code).toBe('VALIDATION');
    expect((await e.fail('CreateStrategy', { name: 'other', ruleIds: ['r-nothere'] })).code).toBe('NOT_FOUND');
    expect((await e.fail('CreateStrategy', { name: 'other', ruleIds: [] })).message).toMatch(/ruleIds/);
    expect((await e.fail('CreateStrategy', { name: '  ', ruleIds: ids })).message).toMatch(/name/);
    const listed = await e.call('ListStrategies', {});
    expect(listed.strategies.map((s) => s.name)).toEqual(['sweep reversal']);

    // On 1h bars the 15m exit cannot run, and the report says why; the entry and filter run.
    const compiled = await e.call('CompileStrategy', { name: 'sweep reversal', interval: '1h' });
    expect(compiled.used.map((u) => u.id)).toEqual(expect.arrayContaining([picked.entry.id, picked.filter.id]));
    expect(compiled.unsupported).toEqual([
      { id: picked.exit.id, name: picked.exit.name, reason: expect.stringMatching(/15m.*cannot be built from 1h/) },
    ]);
    expect(compiled.sizing).toBe('risk:2');
    expect((await e.fail('CompileStrategy', { name: 'nope', interval: '1h' })).code).toBe('NOT_FOUND');
    // A strategy of a risk rule alone has no entry: refused, naming what is missing.
    await e.call('CreateStrategy', { name: 'risk only', ruleIds: [picked.risk.id] });
    expect((await e.fail('CompileStrategy', { name: 'risk only', interval: '1h' })).message).toMatch(/entry/);

    const { feedbackId } = await e.call('RunFeedback', {
      strategy: 'sweep reversal',
      seriesId: series.seriesId,
      minTrades: 5,
    });
    const end = await e.feedbackEnd(feedbackId);
    expect(end.failed).toBeUndefined();
    const run = end.finished!;
    const progress = e.of('FeedbackProgress', feedbackId);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ done: 2000, total: 2000 });
    expect(run.compiled.unsupported.map((u) => u.id)).toEqual([picked.exit.id]);
    expect(run.outcomes.strategy.trades).toBeGreaterThanOrEqual(5);
    const entryOutcome = run.outcomes.rules.find((r) => r.ruleId === picked.entry.id);
    expect(entryOutcome?.trades).toBe(run.outcomes.strategy.trades);
    const phaseTrades = Object.values(entryOutcome?.byPhase ?? {}).reduce((n, f) => n + f.trades, 0);
    expect(phaseTrades).toBe(entryOutcome?.trades);

    // The same figures as the CLI's path (runFeedback on the same bars and rules).
    const db = openDatabase(join(e.dir, 'hyperdesk.db'));
    try {
      const bars = new SqliteCandleStore(db, () => 0).readCandles(series.seriesId);
      const cli = runFeedback(new KnowledgeStore(db), 'sweep reversal', bars, '1h', { confidence: { minTrades: 5 } });
      expect(run.outcomes).toEqual(JSON.parse(JSON.stringify(cli.outcomes)));
      expect(run.suggestions).toEqual(JSON.parse(JSON.stringify(cli.suggestions)));
    } finally {
      db.close();
    }

    const suggestion = run.suggestions.find((s) => s.ruleId === picked.entry.id);
    expect(suggestion).toBeDefined();
    expect(suggestion?.current).toBe(picked.entry.confidence);

    // A second run makes the same suggestion; once the first is approved, the second is stale.
    const second = await e.call('RunFeedback', { strategy: 'sweep reversal', seriesId: series.seriesId, minTrades: 5 });
    expect((await e.feedbackEnd(second.feedbackId)).finished?.suggestions).toEqual(run.suggestions);

    const approved = await e.call('ApproveSuggestion', { feedbackId, ruleId: picked.entry.id });
    expect(approved).toMatchObject({
      from: picked.entry.confidence,
      to: suggestion?.suggested,
      rule: { id: picked.entry.id, version: 2, confidence: suggestion?.suggested },
    });
    const check = openDatabase(join(e.dir, 'hyperdesk.db'));
    try {
      const changes = new KnowledgeStore(check).confidenceChanges(picked.entry.id);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({
        fromVersion: 1,
        toVersion: 2,
        old: picked.entry.confidence,
        new: suggestion?.suggested,
        reason: suggestion?.reason,
        evidence: { trades: suggestion?.trades, winRate: suggestion?.winRate, expectancyR: suggestion?.expectancyR },
        approvedBy: expect.stringMatching(/^user \(/),
      });
    } finally {
      check.close();
    }
    const strategies = (await e.call('ListStrategies', {})).strategies;
    expect(strategies.map((s) => s.name)).toEqual(['risk only', 'sweep reversal']);
    expect(strategies.find((s) => s.name === 'sweep reversal')?.rules[0]).toMatchObject({
      id: picked.entry.id,
      version: 2,
      confidence: suggestion?.suggested,
    });
    expect((await e.fail('ApproveSuggestion', { feedbackId, ruleId: picked.entry.id })).code).toBe('NOT_FOUND');
    const stale = await e.fail('ApproveSuggestion', { feedbackId: second.feedbackId, ruleId: picked.entry.id });
    expect(stale.code).toBe('VALIDATION');
    expect(stale.message).toMatch(/changed since the feedback run/);
    expect((await e.fail('ApproveSuggestion', { feedbackId: 'feedback-99', ruleId: picked.entry.id })).code).toBe(
      'NOT_FOUND',
    );

    expect((await e.fail('RunFeedback', { strategy: 'nope', seriesId: series.seriesId })).code).toBe('NOT_FOUND');
    expect((await e.fail('RunFeedback', { strategy: 'sweep reversal', seriesId: 'x:y:1h' })).code).toBe('NOT_FOUND');
    expect(
      (await e.fail('RunFeedback', { strategy: 'sweep reversal', seriesId: series.seriesId, minTrades: 0 })).message,
    ).toMatch(/minTrades/);
  });

  it('cancels a feedback run and a learning job; nothing is saved', async () => {
    const e = await start();
    const series = await e.call('LoadCandles', SAMPLE_LOAD);
    const { finished } = await e.learn(e.guide);
    const picked = pickRules(finished.rules);
    await e.call('CreateStrategy', { name: 's', ruleIds: [picked.entry.id, picked.risk.id] });

    // Canceled before its first slice runs (the answer and the cancel come before any timer).
    const { feedbackId } = await e.call('RunFeedback', { strategy: 's', seriesId: series.seriesId });
    expect(await e.call('CancelFeedback', { feedbackId })).toEqual({ feedbackId, canceled: true });
    const end = await e.feedbackEnd(feedbackId);
    expect(end.failed?.error).toBe('canceled');
    expect(end.finished).toBeUndefined();
    expect(await e.call('CancelFeedback', { feedbackId })).toEqual({ feedbackId, canceled: false });
    expect((await e.fail('ApproveSuggestion', { feedbackId, ruleId: picked.entry.id })).code).toBe('NOT_FOUND');

    // A second copy of the guide with other content is a new source: canceled, it leaves nothing.
    const other = join(e.dir, 'data', 'other-guide.pdf');
    copyFileSync(GUIDE, other);
    appendFileSync(other, '\n% another copy\n');
    const before = (await e.call('ListRules', {})).rules.length;
    const { jobId } = await e.call('LearnFile', { path: other, offline: true });
    expect(await e.call('CancelLearn', { jobId })).toEqual({ jobId, canceled: true });
    const failed = await waitFor(() => e.of('LearnFailed', jobId)[0], 30_000, 'the canceled job');
    expect(failed.error).toBe('canceled');
    expect(e.of('LearnFinished', jobId)).toEqual([]);
    expect((await e.call('ListRules', {})).rules.length).toBe(before);
    expect(await e.call('CancelLearn', { jobId })).toEqual({ jobId, canceled: false });
    expect((await e.fail('CancelLearn', { jobId: '' })).message).toMatch(/jobId/);
  });
});
