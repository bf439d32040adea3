import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/shared/contract/commands.ts';
import {
  e2eSkipReason,
  SHOTS_DIR,
  startServeSession,
  waitForSampleChart,
  type ServeSession,
} from '../helpers/e2e-session.ts';

/*
 * The side panels against a real `hyperdesk serve` and Chromium: a backtest of the bundled
 * sample (progress, statistics, trades, chart markers, jump to a trade, CSV, cancel, a bad
 * parameter caught before sending) and a replay (start, step, play, pause, trades in order).
 */

const skipReason = e2eSkipReason();
const hasBacktests = (COMMAND_NAMES as readonly string[]).includes('RunBacktest');
if (!hasBacktests) console.warn('panels e2e: backtest tests skipped: RunBacktest is not in the contract yet');

describe.skipIf(skipReason !== null)('side panels: hyperdesk serve + Chromium', () => {
  let app: ServeSession;

  beforeAll(async () => {
    app = await startServeSession();
  });
  afterAll(() => app?.stop());

  /** A page with the sample on the chart; collects console problems and the commands sent. */
  async function openApp(): Promise<{ page: Page; problems: string[]; sent: string[] }> {
    const sent: string[] = [];
    const { page, problems } = await app.openPage({
      beforeGoto(fresh) {
        fresh.on('websocket', (ws) =>
          ws.on('framesent', (frame) => {
            const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString();
            const command = /"command":"(\w+)"/.exec(text)?.[1];
            if (command) sent.push(command);
          }),
        );
      },
    });
    await waitForSampleChart(page);
    return { page, problems, sent };
  }

  const markerCount = async (page: Page) =>
    Number((await page.getByTestId('price-chart').first().getAttribute('data-marker-count')) ?? '0');

  describe.skipIf(!hasBacktests)('backtest panel', () => {
    it('runs sma-cross on the sample: progress, statistics, trades, markers, jump to a trade, CSV', async () => {
      const { page, problems } = await openApp();
      const panel = page.getByTestId('backtest-panel');
      // Record every progress value the bar shows, however briefly it is on screen.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { __progress: string[] }).__progress = seen;
        new MutationObserver(() => {
          const bar = document.querySelector('[role=progressbar]');
          const value = bar?.getAttribute('aria-valuenow');
          if (value !== null && value !== undefined && seen[seen.length - 1] !== value) seen.push(value);
        }).observe(document.body, { subtree: true, childList: true, attributes: true });
      });
      await page.getByLabel('Strategy', { exact: true }).first().selectOption('sma-cross');
      await page.getByTestId('backtest-run').click();
      await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).toBe('finished');
      const progress = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
      expect(progress.length).toBeGreaterThan(0);

      // Statistics and trades.
      const stats = page.getByTestId('backtest-stats');
      expect(await stats.locator('[data-stat=returnPct] td').textContent()).toMatch(/%$/);
      const tradeCount = Number(await panel.getAttribute('data-trade-count'));
      expect(tradeCount).toBeGreaterThan(2);
      expect(await stats.locator('[data-stat=trades] td').textContent()).toBe(tradeCount.toLocaleString('en-US'));
      const rows = page.getByTestId('backtest-trade');
      expect(await rows.count()).toBe(Math.min(50, tradeCount));
      expect(await page.getByTestId('equity-chart').getAttribute('data-points')).not.toBe('0');
      // The drawdown strip under the curve names its deepest point (a backtest this long has one).
      expect(await page.getByTestId('drawdown-chart').getAttribute('aria-label')).toMatch(/^Drawdown: deepest -\d/);

      // Entry and exit markers of every trade on the chart.
      await expect.poll(() => markerCount(page)).toBeGreaterThanOrEqual(tradeCount);

      // A click on a trade brings its entry into view; Enter does too.
      const third = rows.nth(2);
      const entry = await third.getAttribute('data-entry-time');
      await third.click();
      await expect.poll(() => panel.getAttribute('data-focus-time')).toBe(entry);
      expect(await third.getAttribute('aria-current')).toBe('true');
      const second = rows.nth(1);
      await second.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => panel.getAttribute('data-focus-time')).toBe(await second.getAttribute('data-entry-time'));
      // If the chart reports its visible range, the trade must be inside it.
      const chart = page.getByTestId('price-chart').first();
      const from = await chart.getAttribute('data-visible-from');
      const to = await chart.getAttribute('data-visible-to');
      if (from !== null && to !== null) {
        const t = Number(await second.getAttribute('data-entry-time'));
        expect(t).toBeGreaterThanOrEqual(Number(from));
        expect(t).toBeLessThanOrEqual(Number(to));
      }

      // CSV export: a blob link that downloads the trade list (the CSP lets no script fetch blob: URLs).
      const csvLink = page.getByTestId('backtest-csv');
      expect(await csvLink.getAttribute('href')).toMatch(/^blob:/);
      const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
      expect(download.suggestedFilename()).toMatch(/^backtest-sma-cross-.+\.csv$/);
      const csv = readFileSync(await download.path(), 'utf8');
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^n,side,entry_time,exit_time/);
      expect(lines).toHaveLength(tradeCount + 1);

      await page.screenshot({ path: join(SHOTS_DIR, 'panels-backtest.png') });
      expect(problems).toEqual([]);
      await page.close();
    });

    it('shows an inline error for a bad parameter and sends nothing', async () => {
      const { page, sent } = await openApp();
      const fast = page.locator('#bt-param-fast');
      await fast.fill('abc');
      await page.locator('#bt-capital').fill('-5');
      await page.getByTestId('backtest-run').click();
      const errors = page.getByTestId('backtest-panel').getByTestId('field-error');
      await expect
        .poll(() => errors.allTextContents())
        .toEqual(['Fast period must be a number', 'Capital must be at least 0.01']);
      expect(await fast.getAttribute('aria-invalid')).toBe('true');
      // The first wrong field has the focus.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('bt-param-fast');
      await page.waitForTimeout(300);
      expect(sent).not.toContain('RunBacktest');
      expect(await page.getByTestId('backtest-panel').getAttribute('data-state')).toBe('idle');
      await page.screenshot({ path: join(SHOTS_DIR, 'panels-backtest-invalid.png') });
      // Fixed, it runs.
      await fast.fill('5');
      await page.locator('#bt-capital').fill('1000');
      await page.getByTestId('backtest-run').click();
      await expect
        .poll(() => page.getByTestId('backtest-panel').getAttribute('data-state'), { timeout: 30_000 })
        .toBe('finished');
      expect(sent).toContain('RunBacktest');
      await page.close();
    });

    it('cancels a running backtest', async () => {
      // The sample runs in a blink; holding the result back for two seconds on its way to the
      // page makes the run long from the page's side, so the cancel lands while it "runs".
      const page = await app.browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.routeWebSocket(/\/api\/v1\/ws/, (ws) => {
        const server = ws.connectToServer();
        server.onMessage((message) => {
          const text = typeof message === 'string' ? message : message.toString();
          if (text.includes('"event":"BacktestFinished"')) setTimeout(() => ws.send(message), 2_000);
          else ws.send(message);
        });
      });
      await page.goto(app.url);
      await expect.poll(() => page.getByTestId('backtest-run').isEnabled(), { timeout: 20_000 }).toBe(true);
      const panel = page.getByTestId('backtest-panel');
      await page.locator('#bt-strategy').selectOption('confluence');
      await page.getByTestId('backtest-run').click();
      await page.getByTestId('backtest-cancel').click();
      await expect.poll(() => panel.getAttribute('data-state')).toBe('canceled');
      expect(await page.getByTestId('backtest-status').textContent()).toBe('Backtest canceled.');
      // The result, arriving after the cancel, is not shown.
      await page.waitForTimeout(2_500);
      expect(await panel.getAttribute('data-state')).toBe('canceled');
      expect(await page.getByTestId('backtest-stats').count()).toBe(0);
      await page.screenshot({ path: join(SHOTS_DIR, 'panels-backtest-canceled.png') });
      await page.close();
    });

    it('shows a failed run as an alert toast with the engine’s message', async () => {
      const page = await app.browser.newPage({ viewport: { width: 1400, height: 900 } });
      // Between page and engine: RunBacktest gets a run id that then fails, as an engine would report it.
      await page.routeWebSocket(/\/api\/v1\/ws/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((message) => {
          const text = typeof message === 'string' ? message : message.toString();
          const request = JSON.parse(text) as { id?: string; command?: string };
          if (request.command !== 'RunBacktest') {
            server.send(message);
            return;
          }
          ws.send(JSON.stringify({ v: 1, type: 'response', id: request.id, ok: true, result: { runId: 'bt-doomed' } }));
          ws.send(
            JSON.stringify({
              v: 1,
              type: 'event',
              event: 'BacktestFailed',
              seq: 0,
              payload: { runId: 'bt-doomed', at: 0, error: 'the strategy threw: boom at bar 42' },
            }),
          );
        });
      });
      await page.goto(app.url);
      const panel = page.getByTestId('backtest-panel');
      await expect.poll(() => page.getByTestId('backtest-run').isEnabled(), { timeout: 20_000 }).toBe(true);
      await page.getByTestId('backtest-run').click();
      await expect.poll(() => panel.getAttribute('data-state')).toBe('failed');
      const toast = page.getByRole('alert').filter({ hasText: 'Backtest failed' });
      await toast.waitFor();
      expect(await toast.textContent()).toContain('the strategy threw: boom at bar 42');
      await page.screenshot({ path: join(SHOTS_DIR, 'panels-backtest-failed.png') });
      // Dismissed with its button.
      await toast.getByRole('button', { name: /Dismiss/ }).click();
      expect(await toast.count()).toBe(0);
      await page.close();
    });
  });

  it('replays sma-cross: start, step 3×, play, pause, trades in order on the chart', async () => {
    const { page, problems } = await openApp();
    // Tabs by keyboard: focus the selected tab, arrow right selects Replay.
    await page.getByTestId('tab-backtest').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('tab-replay').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#tabpanel-replay').isVisible()).toBe(true);

    const panel = page.getByTestId('replay-panel');
    await page.getByTestId('replay-start').click();
    await expect.poll(() => panel.getAttribute('data-status')).toBe('paused');
    expect(await panel.getAttribute('data-cursor')).toBe('0');

    for (let i = 1; i <= 3; i++) {
      await page.getByTestId('replay-step').click();
      await expect.poll(() => panel.getAttribute('data-cursor')).toBe(String(i));
    }
    // → steps too, when the panel has the focus.
    await panel.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => panel.getAttribute('data-cursor')).toBe('4');

    await page.getByTestId('replay-speed').selectOption('360000');
    await expect.poll(() => panel.getAttribute('data-speed')).toBe('360000');
    await page.getByTestId('replay-play').click();
    await expect.poll(() => panel.getAttribute('data-status')).toBe('playing');
    await expect
      .poll(async () => Number(await panel.getAttribute('data-trade-count')), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3);
    // Space pauses (the focus is on the page, not in a field).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await expect.poll(() => panel.getAttribute('data-status')).toBe('paused');
    const cursor = await panel.getAttribute('data-cursor');
    await page.waitForTimeout(400);
    expect(await panel.getAttribute('data-cursor')).toBe(cursor);
    expect(Number(cursor)).toBeGreaterThan(4);

    const entries = (await page
      .getByTestId('replay-trade')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-entry-time'))))) as number[];
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect([...entries].sort((a, b) => a - b)).toEqual(entries);
    expect(await page.getByTestId('replay-equity').textContent()).not.toBe('—');
    await expect.poll(() => markerCount(page)).toBeGreaterThanOrEqual(entries.length);

    await page.screenshot({ path: join(SHOTS_DIR, 'panels-replay.png') });
    // The timeline seeks (debounced) to the bar at or before the time it is dropped on.
    const timeline = page.getByTestId('replay-timeline');
    const first = Number(await timeline.getAttribute('min'));
    await timeline.fill(String(first + 999 * 3_600_000));
    await expect.poll(() => panel.getAttribute('data-cursor')).toBe('1000');
    expect(await panel.getAttribute('data-status')).toBe('paused');

    await page.getByTestId('replay-stop').click();
    await expect.poll(() => panel.getAttribute('data-status')).toBe('none');
    expect(problems).toEqual([]);
    await page.close();
  });
});
