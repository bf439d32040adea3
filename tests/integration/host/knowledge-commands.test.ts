import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kernel } from '../../../src/engine/kernel/kernel.ts';
import { dispatchRequest } from '../../../src/host/command-dispatcher.ts';
import { createEngine } from '../../../src/host/create-engine.ts';
import {
  Commands,
  type CommandName,
  type CommandRequest,
  type CommandResponse,
} from '../../../src/shared/contract/commands.ts';
import type { WireError } from '../../../src/shared/contract/errors.ts';
import { Events, type EngineEvent, type EventName, type EventPayload } from '../../../src/shared/contract/events.ts';
import { PROTOCOL_VERSION } from '../../../src/shared/contract/protocol.ts';
import { testEngineConfig } from '../../helpers/engine-config.ts';
import { ROOT, tempDir } from '../../helpers/paths.ts';
import { waitFor } from '../../helpers/wait-for.ts';

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

function driver(kernel: Kernel) {
  const events: EngineEvent[] = [];
  const invalid: string[] = [];
  kernel.bus.subscribeAll((message) => {
    const parsed = Events[message.event].safeParse(message.payload);
    if (!parsed.success) invalid.push(`${message.event}: ${parsed.error.message}`);
    events.push(message);
  });
  let id = 0;
  async function send<K extends CommandName>(
    command: K,
    payload: CommandRequest<K>,
  ): Promise<{ ok: true; result: CommandResponse<K> } | { ok: false; error: WireError }> {
    const raw = { v: PROTOCOL_VERSION, type: 'request', id: `r${++id}`, command, payload };
    const response = await dispatchRequest(kernel, JSON.parse(JSON.stringify(raw)) as unknown);
    if (!response.ok) return { ok: false, error: response.error };
    return { ok: true, result: Commands[command].response.parse(response.result) as CommandResponse<K> };
  }
  async function call<K extends CommandName>(command: K, payload: CommandRequest<K>): Promise<CommandResponse<K>> {
    const answer = await send(command, payload);
    if (!answer.ok) throw new Error(`${command} failed: ${answer.error.message}`);
    return answer.result;
  }
  async function fail<K extends CommandName>(command: K, payload: unknown): Promise<WireError> {
    const answer = await send(command, payload as CommandRequest<K>);
    if (answer.ok) throw new Error(`${command} succeeded, expected an error`);
    return answer.error;
  }
  function of<E extends EventName>(name: E, jobId: string): EventPayload<E>[] {
    expect(invalid).toEqual([]);
    return events
      .filter((e) => e.event === name)
      .map((e) => e.payload as EventPayload<E>)
      .filter((p) => (p as { jobId?: string }).jobId === jobId);
  }
  /** Learns a file and waits for its job to end. */
  async function learn(path: string) {
    const { jobId } = await call('LearnFile', { path, offline: true });
    await waitFor(
      () => (of('LearnFinished', jobId).length + of('LearnFailed', jobId).length > 0 ? true : undefined),
      30_000,
      'the learning job',
    );
    const failed = of('LearnFailed', jobId)[0];
    if (failed) throw new Error(`learning failed: ${failed.error}`);
    return { finished: of('LearnFinished', jobId)[0]!, progress: of('LearnProgress', jobId) };
  }
  return { call, fail, learn };
}

async function startEngine() {
  const tmp = tempDir();
  const data = join(tmp.dir, 'data');
  mkdirSync(join(data, 'books'), { recursive: true });
  copyFileSync(GUIDE, join(data, 'books', 'strategy-guide.pdf'));
  const engine = createEngine(testEngineConfig(tmp.dir, [data]));
  cleanups.push(() => tmp.remove());
  cleanups.push(() => engine.close());
  const d = driver(engine.kernel);
  await engine.kernel.start();
  return { ...d, tmp: tmp.dir, data, engine };
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
