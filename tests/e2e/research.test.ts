import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameRate } from '../../src/renderer/src/chart/chart-perf.ts';
import { COMMAND_NAMES } from '../../src/shared/contract/commands.ts';
import {
  e2eSkipReason,
  SHOTS_DIR,
  startServeSession,
  waitForSampleChart,
  type ServeSession,
} from '../helpers/e2e-session.ts';

/*
 * Research in the backtest panel against a real `hyperdesk serve` and Chromium: a parameter
 * sweep (heatmap, hover, a cell click backtests it, grid CSV), a walk-forward analysis
 * (summary, windows CSV, HTML report), the HTML report of a single run, and the frame rate
 * of a replay measured in the page.
 */

const skipReason = e2eSkipReason();
const hasResearch = ['RunSweep', 'RunWalkForward'].every((c) => (COMMAND_NAMES as readonly string[]).includes(c));

const PERF_FILE = join(SHOTS_DIR, 'perf.json');
/** Frame rate the replay must keep (median over the measurement). */
const MIN_MEDIAN_FPS = 55;
const MEASURE_MS = 5_000;

/** Adds `entries` to artifacts/e2e/perf.json, keeping what other tests wrote there. */
function mergePerf(entries: Record<string, unknown>): void {
  let current: Record<string, unknown> = {};
  if (existsSync(PERF_FILE)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(PERF_FILE, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        current = parsed as Record<string, unknown>;
      }
    } catch {
      // A broken file from an interrupted run is replaced.
    }
  }
  writeFileSync(PERF_FILE, `${JSON.stringify({ ...current, ...entries }, null, 2)}\n`);
}

describe.skipIf(skipReason !== null || !hasResearch)('research: hyperdesk serve + Chromium', () => {
  let app: ServeSession;

  beforeAll(async () => {
    app = await startServeSession();
  });
  afterAll(() => app?.stop());

  /**
   * The app with the sample on the chart. `watchSocket` records the commands sent; the frame
   * rate test leaves it off, since reporting every WebSocket frame to the test costs the page.
   */
  async function openApp(watchSocket = true): Promise<{ page: Page; problems: string[]; sent: string[] }> {
    const sent: string[] = [];
    const { page, problems } = await app.openPage({
      page: { acceptDownloads: true },
      beforeGoto(fresh) {
        if (!watchSocket) return;
        fresh.on('websocket', (ws) =>
          ws.on('framesent', (frame) => {
            const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString();
            if (/"command":"\w+"/.test(text)) sent.push(text);
          }),
        );
      },
    });
    await waitForSampleChart(page);
    return { page, problems, sent };
  }

  async function download(page: Page, testId: string): Promise<{ name: string; text: string }> {
    const link = page.getByTestId(testId);
    expect(await link.getAttribute('href')).toMatch(/^blob:/);
    const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
    return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
  }

  it('sweeps fast × slow: heatmap with labelled cells, hover, metric, a cell backtests its combination, grid CSV', async () => {
    const { page, problems, sent } = await openApp();
    await page.getByTestId('mode-sweep').click();
    expect(await page.getByRole('radio', { name: 'Sweep' }).isChecked()).toBe(true);
    const research = page.locator('[data-testid=research][data-mode=sweep]');
    await research.getByTestId('research-run').click();
    await expect.poll(() => research.getAttribute('data-state'), { timeout: 60_000 }).toBe('finished');

    // 4 fast × 4 slow values: a 4 × 4 table, each cell a button saying what it holds.
    const heatmap = research.getByTestId('sweep-heatmap');
    const cells = heatmap.getByTestId('heat-cell');
    expect(await cells.count()).toBe(16);
    expect(await heatmap.locator('thead th').allTextContents()).toEqual(['slow \\ fast', '5', '10', '15', '20']);
    expect(await heatmap.locator('tbody th').allTextContents()).toEqual(['30', '40', '50', '60']);
    const labels = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(labels[0]).toMatch(/^fast 5, slow 30: Sharpe (−?\d+\.\d\d|not measurable)$/);
    expect(new Set(labels).size).toBe(16);
    // Colours run from the worst to the best value: the fills differ.
    const fills = await heatmap.locator('.heat-fill rect').evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
    expect(new Set(fills).size).toBeGreaterThan(3);
    expect(await heatmap.getByTestId('heatmap-legend').locator('figcaption span').count()).toBe(5);

    // Hover and keyboard focus show the cell's label under the table.
    await cells.nth(5).hover();
    expect(await heatmap.getByTestId('heatmap-hover').textContent()).toBe(labels[5]);
    await cells.nth(6).focus();
    expect(await heatmap.getByTestId('heatmap-hover').textContent()).toBe(labels[6]);
    // One cell in the Tab order; the arrow keys move between cells.
    expect(await cells.evaluateAll((els) => els.filter((e) => e.getAttribute('tabindex') === '0').length)).toBe(1);
    await page.keyboard.press('ArrowDown');
    expect(await heatmap.getByTestId('heatmap-hover').textContent()).toBe(labels[10]);
    await page.keyboard.press('Home');
    expect(await heatmap.getByTestId('heatmap-hover').textContent()).toBe(labels[8]);
    await page.keyboard.press('ArrowLeft');
    expect(await heatmap.getByTestId('heatmap-hover').textContent()).toBe(labels[8]);
    await cells.nth(8).blur();

    // Another metric colours the same grid without running it again.
    const runs = sent.filter((s) => s.includes('"RunSweep"')).length;
    await research.locator('#rs-metric').selectOption('returnPct');
    await expect.poll(() => heatmap.getAttribute('data-metric')).toBe('returnPct');
    expect((await cells.first().getAttribute('aria-label')) ?? '').toMatch(/^fast 5, slow 30: Return -?−?\d/);
    expect(sent.filter((s) => s.includes('"RunSweep"')).length).toBe(runs);

    await page.screenshot({ path: join(SHOTS_DIR, 'sweep-heatmap.png') });

    // A click on fast 15 / slow 50 backtests exactly that combination into the results view.
    const cell = heatmap.getByRole('button', { name: /^fast 15, slow 50: / });
    await cell.click();
    const panel = page.getByTestId('backtest-panel');
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).toBe('finished');
    const request = sent.filter((s) => s.includes('"RunBacktest"')).at(-1) ?? '';
    expect(request).toMatch(/"fast":15/);
    expect(request).toMatch(/"slow":50/);
    expect(await page.locator('#bt-param-fast').inputValue()).toBe('15');
    expect(await page.locator('#bt-param-slow').inputValue()).toBe('50');
    expect(await cell.getAttribute('aria-pressed')).toBe('true');
    // The run's return is the one the cell shows.
    const cellReturn = ((await cell.getAttribute('aria-label')) ?? '').replace(/^.*Return /, '').replace(' %', '');
    const statReturn =
      (await page.getByTestId('backtest-stats').locator('[data-stat=returnPct] td').textContent()) ?? '';
    expect(statReturn.replace(' %', '')).toBe(cellReturn);

    // The grid as CSV: a header and one line per combination.
    const csv = await download(page, 'sweep-csv');
    expect(csv.name).toMatch(/^sweep-sma-cross-.+\.csv$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'fast,slow,return_pct,sharpe,sortino,max_drawdown_pct,win_rate_pct,profit_factor,sqn,trades,equity_final',
    );
    expect(lines).toHaveLength(17);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',').slice(0, 2).join('/'))
        .sort(),
    ).toContain('15/50');
    await page.getByTestId('backtest-stats').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS_DIR, 'sweep-picked.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('walks forward: summary per window, stitched equity, windows CSV and HTML report', async () => {
    const { page, problems } = await openApp();
    await page.getByTestId('mode-walk-forward').click();
    const research = page.locator('[data-testid=research][data-mode=walk-forward]');
    await research.locator('#rs-metric').selectOption('returnPct');
    await research.getByTestId('research-run').click();
    await expect.poll(() => research.getAttribute('data-state'), { timeout: 90_000 }).toBe('finished');
    // 2000 bars, 600 in sample, 300 out of sample: out-of-sample periods start at 600, 900 … 1800.
    const rows = research.getByTestId('walk-forward-window');
    expect(await rows.count()).toBe(5);
    const first = await rows.first().locator('td').allTextContents();
    expect(first[1]).toMatch(/^\d+ \/ \d+$/);
    expect(await rows.first().locator('td').nth(1).locator('abbr').getAttribute('title')).toMatch(
      /^fast \d+, slow \d+$/,
    );
    expect(first[2]).toMatch(/%$/);
    expect(first[3]).toMatch(/%$/);
    expect(await research.getByTestId('walk-forward-total').textContent()).toMatch(/Stitched out of sample: return/);
    expect(Number(await research.getByTestId('equity-chart').getAttribute('data-points'))).toBe(1400);
    await research.getByTestId('walk-forward').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS_DIR, 'walk-forward.png') });

    const csv = await download(page, 'walk-forward-csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(
      /^window,in_sample_from,in_sample_to,out_of_sample_from,out_of_sample_to,fast,slow,in_sample_return_pct,oos_return_pct/,
    );
    expect(lines).toHaveLength(6);
    const trades = await download(page, 'walk-forward-trades-csv');
    const tradeLines = trades.text.trimEnd().split('\r\n');
    expect(tradeLines[0]).toMatch(/^n,side,entry_time,exit_time/);
    const stitchedTrades = Number(
      /(\d+) out-of-sample trades/.exec((await research.getByTestId('research-status').textContent()) ?? '')?.[1],
    );
    expect(tradeLines).toHaveLength(stitchedTrades + 1);
    const html = await download(page, 'walk-forward-html');
    expect(html.name).toMatch(/^walkforward-sma-cross-.+\.html$/);
    expect(html.text).toMatch(/^<!doctype html>/);
    expect(html.text).toContain('<h2>Windows</h2>');
    expect(html.text).not.toMatch(/<script/i);
    expect((html.text.match(/<tr>/g) ?? []).length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('exports the HTML report of a single run with its exact trades', async () => {
    const { page, problems } = await openApp();
    await page.getByTestId('backtest-run').click();
    const panel = page.getByTestId('backtest-panel');
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).toBe('finished');
    const trades = Number(await panel.getAttribute('data-trade-count'));
    const html = await download(page, 'backtest-html');
    expect(html.name).toMatch(/^backtest-sma-cross-.+\.html$/);
    expect(html.text).toContain(`<h2>Trades (${trades})</h2>`);
    expect(html.text).toContain('<h2>Statistics</h2>');
    expect(html.text).toMatch(/<svg[^>]*aria-label="Equity curve"/);
    const csv = await download(page, 'backtest-csv');
    // Money in the CSV is the engine's exact decimal text.
    const pnl = csv.text.split('\r\n')[1]?.split(',')[7] ?? '';
    expect(pnl).toMatch(/^-?\d+(\.\d+)?$/);
    expect(html.text).toContain(`<td>${pnl}</td>`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it(`replays at 100× and at 100 bars a second keeping ≥ ${MIN_MEDIAN_FPS} fps (measured in the page)`, async () => {
    const { page, problems } = await openApp(false);
    await page.getByTestId('tab-replay').click();
    const panel = page.getByTestId('replay-panel');
    await page.getByTestId('replay-start').click();
    await expect.poll(() => panel.getAttribute('data-status')).toBe('paused');
    const results: Record<string, FrameRate & { bars: number; speed: number }> = {};
    // The page with nothing moving: what this machine gives at all (it is shared and busy).
    const idle = await page.evaluate((ms) => {
      const measure = window.__hyperdeskMeasureFrames;
      if (!measure) throw new Error('the page has no frame meter');
      return measure('idle', ms);
    }, MEASURE_MS);
    console.info(
      `idle page: median ${idle.medianFps.toFixed(1)} fps, 5th percentile ${idle.p5Fps.toFixed(1)} fps, ` +
        `worst frame ${idle.worstFrameMs.toFixed(1)} ms`,
    );
    // 100× is the literal speed (a 1h bar every 36 s); 360 000× puts 100 bars a second through the chart.
    for (const speed of [100, 360_000]) {
      await page.getByTestId('replay-speed').selectOption(String(speed));
      await expect.poll(() => panel.getAttribute('data-speed')).toBe(String(speed));
      if ((await panel.getAttribute('data-status')) !== 'playing') await page.getByTestId('replay-play').click();
      await expect.poll(() => panel.getAttribute('data-status')).toBe('playing');
      const before = Number(await panel.getAttribute('data-cursor'));
      const label = `replay-${speed}x`;
      const rate = await page.evaluate(
        ([l, ms]) => {
          const measure = window.__hyperdeskMeasureFrames;
          if (!measure) throw new Error('the page has no frame meter');
          return measure(l, ms);
        },
        [label, MEASURE_MS] as const,
      );
      const after = Number(await panel.getAttribute('data-cursor'));
      const marked = await page.evaluate((l) => performance.getEntriesByName(`hyperdesk:frames:${l}`).length, label);
      expect(marked).toBe(1);
      results[label] = { ...rate, bars: after - before, speed };
      console.info(
        `${label}: median ${rate.medianFps.toFixed(1)} fps, 5th percentile ${rate.p5Fps.toFixed(1)} fps, ` +
          `mean ${rate.meanFps.toFixed(1)} fps, worst frame ${rate.worstFrameMs.toFixed(1)} ms, ` +
          `${rate.frames} frames, ${after - before} bars in ${(rate.durationMs / 1000).toFixed(1)} s`,
      );
    }
    mergePerf({
      replay: { measuredAt: new Date().toISOString(), minMedianFps: MIN_MEDIAN_FPS, idle, runs: results },
    });
    const fast = results['replay-360000x'];
    // The fast replay really moved bars through the chart while it was measured.
    expect(fast?.bars ?? 0).toBeGreaterThan(200);
    for (const rate of Object.values(results)) {
      expect(rate.frames).toBeGreaterThan(100);
      expect(rate.medianFps).toBeGreaterThanOrEqual(MIN_MEDIAN_FPS);
    }
    await page.getByTestId('replay-play').click();
    await expect.poll(() => panel.getAttribute('data-status')).toBe('paused');
    expect(problems).toEqual([]);
    await page.close();
  });
});
