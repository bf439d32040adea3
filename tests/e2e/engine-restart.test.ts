import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { browserUnavailableReason, launchBrowser } from '../helpers/browser.ts';
import { SAMPLE_CANDLES, SAMPLE_LOAD } from '../helpers/engine-config.ts';
import { ROOT } from '../helpers/paths.ts';
import { startTestServer } from '../helpers/start-server.ts';

const skipReason = browserUnavailableReason();
const CRASHABLE_WORKER = new URL('../fixtures/crashable-engine-worker.ts', import.meta.url);

describe.skipIf(skipReason !== null)('web mode: the UI through an engine crash', () => {
  let env: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    env = await startTestServer({ staticDir: join(ROOT, 'out', 'renderer'), workerUrl: CRASHABLE_WORKER });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });

  it('shows the restart, then fetches the chart again from the restarted engine', async () => {
    const page = await browser.newPage();
    const queries: string[] = [];
    page.on('websocket', (ws) =>
      ws.on('framesent', (frame) => {
        if (String(frame.payload).includes('"QueryCandles"')) queries.push(String(frame.payload));
      }),
    );
    await page.goto(env.url);
    const chart = page.getByTestId('price-chart');
    await expect.poll(() => chart.getAttribute('data-candle-count'), { timeout: 20_000 }).toBe(String(SAMPLE_CANDLES));
    expect(queries).toHaveLength(1);

    // Another client's request crashes the engine worker.
    const other = new WebSocket(env.wsUrl);
    await new Promise((resolve) => other.once('open', resolve));
    other.send(
      JSON.stringify({
        v: 1,
        type: 'request',
        id: 'boom',
        command: 'LoadCandles',
        payload: { ...SAMPLE_LOAD, coin: 'CRASH' },
      }),
    );

    await expect
      .poll(() => page.getByTestId('engine-notice').textContent(), { timeout: 20_000 })
      .toContain('Engine restarted after a crash');
    await expect.poll(() => queries.length, { timeout: 20_000 }).toBe(2);
    await expect.poll(() => chart.getAttribute('data-candle-count')).toBe(String(SAMPLE_CANDLES));
    expect(env.supervisor.restartCount).toBe(1);
    other.close();
    await page.close();
  });
});
