import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineHostConfig } from '../../../src/host/engine-host-config.ts';
import { startContractEngine } from '../../helpers/contract-driver.ts';
import { ROOT, tempDir } from '../../helpers/paths.ts';
import { startMockAnthropic } from '../../helpers/mock-anthropic.ts';
import { KNOWLEDGE_IDS, knowledgeDriver } from '../learning/knowledge-driver.ts';

/*
 * Learning through the contract, as the worker serves it (raw messages through
 * `dispatchRequest`, events checked against their schemas): the guide PDF in a data folder is
 * listed, learned offline (rules citing pages), learned again from the cache, its cited page
 * read back; paths outside the data folders are refused; rules switch off and stay off.
 */

const GUIDE = join(ROOT, 'tests', 'fixtures', 'learning', 'strategy-guide.pdf');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startEngine(config: Partial<EngineHostConfig> = {}) {
  const tmp = tempDir();
  const data = join(tmp.dir, 'data');
  mkdirSync(join(data, 'books'), { recursive: true });
  copyFileSync(GUIDE, join(data, 'books', 'strategy-guide.pdf'));
  cleanups.push(() => tmp.remove());
  const started = await startContractEngine({ dir: tmp.dir, dataRoots: [data], config, idKeys: KNOWLEDGE_IDS });
  cleanups.push(started.close);
  const { call, fail, learn } = knowledgeDriver(started);
  return { call, fail, learn, tmp: tmp.dir, data, engine: started.engine };
}

describe('knowledge commands through the dispatcher', () => {
  it('lists the guide, learns it offline with page citations, then from the cache, and reads a cited page', async () => {
    const e = await startEngine();
    const { files, truncated } = await e.call('ListLearnableFiles', {});
    expect(truncated).toBe(false);
    expect(files).toHaveLength(1);
    const file = files[0]!;
    expect(file).toMatchObject({ name: 'strategy-guide.pdf', relativePath: 'books/strategy-guide.pdf', kind: 'pdf' });
    expect(file.bytes).toBeGreaterThan(0);

    const first = await e.learn(file.path);
    expect(first.finished).toMatchObject({ name: 'strategy-guide.pdf', cached: false, method: 'offline' });
    expect(first.progress.length).toBeGreaterThan(0);
    const rules = first.finished.rules;
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.citation.page).toBeGreaterThanOrEqual(1);
      expect(rule.citation.sourceId).toBe(first.finished.sourceId);
      expect(rule.enabled).toBe(true);
      expect(rule.confidence).toBeLessThanOrEqual(0.6);
    }

    const again = await e.learn(file.path);
    expect(again.finished.cached).toBe(true);
    expect(again.finished.sourceId).toBe(first.finished.sourceId);
    expect(again.finished.rules.map((r) => r.id)).toEqual(rules.map((r) => r.id));

    const listed = await e.call('ListRules', { sourceId: first.finished.sourceId });
    expect(listed.rules.map((r) => r.id).sort()).toEqual(rules.map((r) => r.id).sort());

    // Every rule's quote is on the page it cites.
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
    for (const rule of rules) {
      const page = await e.call('GetSourcePage', { sourceId: rule.citation.sourceId, page: rule.citation.page! });
      expect(page.page).toBe(rule.citation.page);
      expect(squash(page.text)).toContain(squash(rule.citation.quote));
      expect(page.pdf).not.toBeNull();
      expect(Buffer.from(page.pdf!, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    }
    const missing = await e.fail('GetSourcePage', { sourceId: first.finished.sourceId, page: 9999 });
    expect(missing.code).toBe('VALIDATION');
  });

  it('refuses paths outside the data folders, relative paths and symlinks leading out', async () => {
    const e = await startEngine();
    const outside = join(e.tmp, 'outside.pdf');
    copyFileSync(GUIDE, outside);
    expect((await e.fail('LearnFile', { path: outside, offline: true })).message).toMatch(/outside the engine's data/);
    expect((await e.fail('LearnFile', { path: join(e.data, '..', 'outside.pdf'), offline: true })).code).toBe(
      'VALIDATION',
    );
    expect((await e.fail('LearnFile', { path: 'books/strategy-guide.pdf', offline: true })).code).toBe('VALIDATION');
    symlinkSync(outside, join(e.data, 'link.pdf'));
    expect((await e.fail('LearnFile', { path: join(e.data, 'link.pdf'), offline: true })).message).toMatch(
      /outside the engine's data/,
    );
    // The symlink leading out is not listed either.
    const { files } = await e.call('ListLearnableFiles', {});
    expect(files.map((f) => f.name)).toEqual(['strategy-guide.pdf']);
    expect((await e.fail('LearnFile', { path: join(e.data, 'nope.pdf'), offline: true })).code).toBe('NOT_FOUND');
  });

  it('switches a rule off and on; ListRules shows it', async () => {
    const e = await startEngine();
    const { finished } = await e.learn(join(e.data, 'books', 'strategy-guide.pdf'));
    const rule = finished.rules[0]!;
    expect(await e.call('SetRuleEnabled', { id: rule.id, enabled: false })).toMatchObject({
      id: rule.id,
      enabled: false,
    });
    const off = (await e.call('ListRules', {})).rules.find((r) => r.id === rule.id);
    expect(off?.enabled).toBe(false);
    expect((await e.call('SetRuleEnabled', { id: rule.id, enabled: true })).enabled).toBe(true);
    expect((await e.fail('SetRuleEnabled', { id: 'r-nothere', enabled: false })).code).toBe('NOT_FOUND');
  });
});

describe("learning with the Settings panel's Claude key and model", () => {
  it('uses the key saved with SetSecret and the chosen model, and never answers with the key', async () => {
    const key = 'sk-ant-settings-0123456789abcdef0123456789abcdef';
    const mock = await startMockAnthropic({ apiKey: key, reply: () => ({ kind: 'tool', input: { rules: [] } }) });
    cleanups.push(() => mock.close());
    const saved = { base: process.env.HYPERDESK_ANTHROPIC_BASE_URL, key: process.env.ANTHROPIC_API_KEY };
    process.env.HYPERDESK_ANTHROPIC_BASE_URL = mock.url;
    delete process.env.ANTHROPIC_API_KEY;
    cleanups.push(() => {
      if (saved.base === undefined) delete process.env.HYPERDESK_ANTHROPIC_BASE_URL;
      else process.env.HYPERDESK_ANTHROPIC_BASE_URL = saved.base;
      if (saved.key !== undefined) process.env.ANTHROPIC_API_KEY = saved.key;
    });
    const e = await startEngine({ secrets: `dir:${join(tempDirFor(cleanups), 'keys')}` });
    expect(await e.call('SetSecret', { name: 'anthropic-api-key', value: key })).toEqual({
      name: 'anthropic-api-key',
      stored: true,
    });
    await e.call('UpdateSettings', { claudeModel: 'claude-opus-5-5' });
    const { finished } = await e.learn(join(e.data, 'books', 'strategy-guide.pdf'), false);
    expect(mock.requests.length).toBeGreaterThan(0);
    expect(new Set(mock.requests.map((r) => r.body.model))).toEqual(new Set(['claude-opus-5-5']));
    // The mock answers only its key (else 401, and the job would have failed).
    expect(
      mock.requests.every((r) => r.headers['x-api-key'] === key || r.headers.authorization === `Bearer ${key}`),
    ).toBe(true);
    expect(JSON.stringify(finished)).not.toContain(key);
  });
});

function tempDirFor(list: (() => Promise<void> | void)[]): string {
  const tmp = tempDir();
  list.push(() => tmp.remove());
  return tmp.dir;
}
