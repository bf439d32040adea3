import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockAnthropic, type MockAnthropic } from '../../helpers/mock-anthropic.ts';
import { ROOT, tempDir } from '../../helpers/paths.ts';
import { eventually, scrape, startServe, stopProcess, type ServeProcess } from '../../helpers/serve-process.ts';

/*
 * Learning runs in the engine worker; `hyperdesk serve` counts what its model calls used
 * (`LearnFinished.usage`) into /metrics. Claude is a local Messages API here.
 */

const KEY = 'sk-ant-metrics-0123456789abcdef0123456789abcdef';
const tmp = tempDir();
let mock: MockAnthropic;
let serve: ServeProcess;
const dataDir = join(tmp.dir, 'data');

beforeAll(async () => {
  mock = await startMockAnthropic({
    apiKey: KEY,
    reply: () => ({ kind: 'tool', input: { rules: [] }, usage: { input_tokens: 1000, output_tokens: 200 } }),
  });
  mkdirSync(join(dataDir, 'books'), { recursive: true });
  copyFileSync(
    join(ROOT, 'tests', 'fixtures', 'learning', 'strategy-guide.pdf'),
    join(dataDir, 'books', 'strategy-guide.pdf'),
  );
  const config = join(tmp.dir, 'serve.yaml');
  writeFileSync(config, `server:\n  dataDir: ${JSON.stringify(dataDir)}\n`);
  serve = await startServe(config, { ANTHROPIC_API_KEY: KEY, HYPERDESK_ANTHROPIC_BASE_URL: mock.url });
}, 90_000);

afterAll(async () => {
  if (serve) await stopProcess(serve);
  await mock?.close();
  tmp.remove();
});

describe('hyperdesk serve /metrics: LLM usage', () => {
  it('counts the tokens and cost of a learning job, and never shows the key', async () => {
    const before = await scrape(serve.url);
    expect(before.get('hyperdesk_llm_tokens_total{kind="input"}')).toBe(0);
    const response = await fetch(`${serve.url}/api/v1/commands/LearnFile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: join(dataDir, 'books', 'strategy-guide.pdf') }),
    });
    expect(response.status).toBe(200);
    const after = await eventually(
      async () => {
        const values = await scrape(serve.url);
        return (values.get('hyperdesk_llm_tokens_total{kind="input"}') ?? 0) > 0 ? values : undefined;
      },
      60_000,
      'LLM tokens in /metrics',
    );
    const calls = mock.requests.length;
    expect(calls).toBeGreaterThan(0);
    expect(after.get('hyperdesk_llm_tokens_total{kind="input"}')).toBe(1000 * calls);
    expect(after.get('hyperdesk_llm_tokens_total{kind="output"}')).toBe(200 * calls);
    expect(after.get('hyperdesk_llm_cost_usd_total')).toBeGreaterThan(0);
    const text = await (await fetch(`${serve.url}/metrics`)).text();
    expect(text).not.toContain(KEY);
    expect(serve.stdout() + serve.stderr()).not.toContain(KEY);
  });
});
