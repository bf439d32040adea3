import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartPerf } from '../../src/renderer/src/chart/chart-perf.ts';
import { isCommandName } from '../../src/shared/contract/commands.ts';
import { e2eSkipReason, SHOTS_DIR, startServeSession, type ServeSession } from '../helpers/e2e-session.ts';
import { SAMPLE_CANDLES } from '../helpers/engine-config.ts';

const skipReason = e2eSkipReason();

/** Bars of the large series whose first paint is measured. */
const BIG_SERIES = 100_000;
/** First paint budget for {@link BIG_SERIES} candles: data arrival → drawn, in the renderer. */
const FIRST_PAINT_BUDGET_MS = 500;

/** A plausible random walk of `n` hourly bars, as the CSV the engine reads (unix-second times). */
function writeBigCsv(file: string, n: number): void {
  const lines = ['time,open,high,low,close,volume'];
  let price = 30_000;
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const start = 1_500_000_000 - (1_500_000_000 % 3600);
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = Math.max(100, open * (1 + (random() - 0.5) * 0.02));
    const high = Math.max(open, close) * (1 + random() * 0.005);
    const low = Math.min(open, close) * (1 - random() * 0.005);
    lines.push(
      `${start + i * 3600},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${close.toFixed(2)},${(random() * 1000).toFixed(3)}`,
    );
    price = close;
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function candleCount(page: Page, testId = 'price-chart'): Promise<number> {
  return page
    .getByTestId(testId)
    .getAttribute('data-candle-count')
    .then((v) => Number(v ?? 0));
}

describe.skipIf(skipReason !== null)('chart workspace: hyperdesk serve + Chromium', () => {
  let app: ServeSession;

  beforeAll(async () => {
    app = await startServeSession();
  });
  afterAll(() => app?.stop());

  /** Opens the UI and records every console error or warning and page error (CSP violations included). */
  const openPage = (url = app.url) => app.openPage({ viewport: { width: 1400, height: 800 }, url });

  it('draws candles and volume, switches timeframe, overlays and layout', async () => {
    const { page, problems } = await openPage();
    await expect.poll(() => candleCount(page), { timeout: 20_000 }).toBe(SAMPLE_CANDLES);
    expect(await page.locator('[data-testid=price-chart] canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('timeframe-1h').getAttribute('aria-pressed')).toBe('true');

    // The 1h sample holds 2,000 bars; the engine drops a partial first or last bucket.
    await page.getByTestId('timeframe-4h').click();
    await expect.poll(() => candleCount(page), { timeout: 10_000 }).toBeLessThan(SAMPLE_CANDLES);
    expect(Math.abs((await candleCount(page)) - SAMPLE_CANDLES / 4)).toBeLessThanOrEqual(2);
    expect(await page.getByTestId('timeframe-4h').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('timeframe-1h').getAttribute('aria-pressed')).toBe('false');
    // Below the series' own interval there is nothing to show.
    expect(await page.getByTestId('timeframe-15m').isDisabled()).toBe(true);

    if (isCommandName('QueryDetections')) {
      await page.getByTestId('overlays-toggle').click();
      expect(await page.getByTestId('overlays-toggle').getAttribute('aria-pressed')).toBe('true');
      await expect
        .poll(() => page.getByTestId('price-chart').getAttribute('data-marker-count').then(Number), { timeout: 20_000 })
        .toBeGreaterThan(0);
      const all = Number(await page.getByTestId('price-chart').getAttribute('data-marker-count'));
      // Each family switch filters its markers.
      await page.getByTestId('overlay-swings').click();
      await expect
        .poll(() => page.getByTestId('price-chart').getAttribute('data-marker-count').then(Number))
        .toBeLessThan(all);
      await page.getByTestId('overlay-swings').click();
      // Signals: the confluence setups of this timeframe (scored with the next one up) are drawn too.
      await expect.poll(() => page.getByTestId('price-chart').getAttribute('data-marker-count').then(Number)).toBe(all);
      await page.getByTestId('overlay-signals').click();
      await expect
        .poll(() => page.getByTestId('price-chart').getAttribute('data-marker-count').then(Number))
        .toBeLessThan(all);
      await page.getByTestId('overlay-signals').click();
    } else {
      console.warn('QueryDetections is not in the contract yet: overlay assertions skipped');
    }

    // Two charts: the higher timeframe (1d above 4h) on top, synced to the lower one.
    await page.getByTestId('layout-toggle').click();
    await expect.poll(() => candleCount(page, 'price-chart-htf'), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(Math.abs((await candleCount(page, 'price-chart-htf')) - SAMPLE_CANDLES / 24)).toBeLessThanOrEqual(2);
    await page.getByTestId('price-chart').hover();
    await page.screenshot({ path: join(SHOTS_DIR, 'chart-workspace-dual-dark.png') });
    await page.getByTestId('layout-toggle').click();
    await expect.poll(() => page.getByTestId('price-chart-htf').count()).toBe(0);

    await page.screenshot({ path: join(SHOTS_DIR, 'chart-workspace-dark.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reaches and presses the timeframe buttons from the keyboard', async () => {
    const { page, problems } = await openPage();
    await expect.poll(() => candleCount(page), { timeout: 20_000 }).toBe(SAMPLE_CANDLES);
    let focused: string | null = null;
    for (let i = 0; i < 40 && focused !== 'timeframe-2h'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    }
    expect(focused).toBe('timeframe-2h');
    await page.keyboard.press('Enter');
    await expect.poll(() => candleCount(page), { timeout: 10_000 }).toBeLessThan(SAMPLE_CANDLES);
    expect(Math.abs((await candleCount(page)) - SAMPLE_CANDLES / 2)).toBeLessThanOrEqual(2);
    expect(await page.getByTestId('timeframe-2h').getAttribute('aria-pressed')).toBe('true');
    // Arrow keys move within the group.
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('timeframe-4h');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('switches between dark and light themes and remembers the choice', async () => {
    const { page, problems } = await openPage();
    await expect.poll(() => candleCount(page), { timeout: 20_000 }).toBe(SAMPLE_CANDLES);
    const htmlClass = () => page.evaluate(() => document.documentElement.className);
    await expect.poll(htmlClass).toContain('theme-dark');
    await page.getByTestId('theme-toggle').click();
    await expect.poll(htmlClass).toContain('theme-light');
    expect(await htmlClass()).not.toContain('theme-dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(245, 247, 250)');
    await page.screenshot({ path: join(SHOTS_DIR, 'chart-workspace-light.png') });

    await page.reload();
    await expect.poll(() => candleCount(page), { timeout: 20_000 }).toBe(SAMPLE_CANDLES);
    expect(await htmlClass()).toContain('theme-light');
    await page.getByTestId('theme-toggle').click();
    await expect.poll(htmlClass).toContain('theme-dark');
    expect(problems).toEqual([]);
    await page.close();
  });

  it(`paints ${BIG_SERIES.toLocaleString('en')} candles within ${FIRST_PAINT_BUDGET_MS} ms`, async () => {
    const file = join(app.dir, 'perf-100k-1h.csv');
    writeBigCsv(file, BIG_SERIES);
    const res = await fetch(new URL('api/v1/commands/LoadCandles', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: { kind: 'file', path: file }, coin: 'PERF', interval: '1h' }),
    });
    expect(res.status).toBe(200);
    const { result } = (await res.json()) as { result: { seriesId: string; count: number } };
    expect(result.count).toBe(BIG_SERIES);

    const { page, problems } = await openPage(`${app.url}?series=${encodeURIComponent(result.seriesId)}`);
    await expect.poll(() => candleCount(page), { timeout: 30_000 }).toBe(BIG_SERIES);
    await expect
      .poll(() => page.evaluate(() => window.__hyperdeskPerf?.lastCompleteMs ?? null), { timeout: 10_000 })
      .not.toBeNull();
    const perf: ChartPerf | undefined = await page.evaluate(() => window.__hyperdeskPerf);
    expect(perf?.lastPaintCandles).toBe(BIG_SERIES);
    const ms = perf?.lastPaintMs ?? Number.NaN;
    const completeMs = perf?.lastCompleteMs ?? Number.NaN;
    console.info(
      `${BIG_SERIES} candles: first paint ${ms.toFixed(1)} ms (budget ${FIRST_PAINT_BUDGET_MS} ms), ` +
        `all bars in the chart and painted ${completeMs.toFixed(1)} ms`,
    );
    expect(ms).toBeLessThan(FIRST_PAINT_BUDGET_MS);
    // A sanity bound only (machines differ): the whole series must not take many seconds.
    expect(completeMs).toBeLessThan(5_000);
    await page.screenshot({ path: join(SHOTS_DIR, 'chart-workspace-100k.png') });
    expect(problems).toEqual([]);
    await page.close();
  });
});
