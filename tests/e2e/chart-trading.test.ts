import { Decimal } from 'decimal.js';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  e2eSkipReason,
  SHOTS_DIR,
  startPaperInUi,
  startServeSession,
  type ServeSession,
} from '../helpers/e2e-session.ts';

/*
 * Working orders on the chart against a real `hyperdesk sim-exchange` and `hyperdesk serve` in
 * Chromium: a paper session on the sim is shown on the chart (the candles it records), places a
 * limit buy, its line appears on the chart, a mouse drag of the line asks for
 * confirmation (old → new, on the tick) and the blotter then shows the new price; the blotter's
 * keyboard modify does the same.
 */

const skipReason = e2eSkipReason();

interface LineRow {
  readonly id: string;
  readonly price: string;
  readonly y: number | null;
}

/** Like waitFor, for a probe that has to ask the page. */
async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function chartLines(page: Page): Promise<LineRow[]> {
  const text = await page.getByTestId('price-chart').getAttribute('data-trading-lines');
  return text ? (JSON.parse(text) as LineRow[]) : [];
}

describe.skipIf(skipReason !== null)('orders on the chart: sim-exchange + hyperdesk serve + Chromium', () => {
  let session: ServeSession;
  let simUrl: string;

  beforeAll(async () => {
    session = await startServeSession({ sim: { coins: ['BTC'] } });
    simUrl = session.simUrl ?? '';
  }, 90_000);
  afterAll(async () => {
    await session?.stop();
  });

  it('drags a limit order line to a new price, confirms, and the blotter shows it', async () => {
    const { page, errors } = await session.openPage();
    await startPaperInUi(page, simUrl);
    // The session's market on the chart: the 1m candles the session records from the venue.
    await page.getByTestId('trading-show-chart').click();
    await page.getByRole('region', { name: 'Chart workspace, BTC 1m' }).waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.getByTestId('price-chart').getAttribute('data-candle-count').then(Number), { timeout: 10_000 })
      .toBeGreaterThan(100);

    // A limit buy a little below the market (whole dollars are on BTC's tick).
    const markText = await poll(
      async () => /mark (\d[\d.]*)/.exec((await page.locator('.trading-header').textContent()) ?? '')?.[1],
      10_000,
      'the mark',
    );
    const limit = new Decimal(markText).times(0.998).toDecimalPlaces(0);
    await page.getByTestId('ticket-buy').click();
    await page.getByTestId('ticket-kind').selectOption('limit');
    await page.getByTestId('ticket-qty').fill('0.01');
    await page.getByTestId('ticket-limit').fill(limit.toFixed());
    await page.getByTestId('ticket-review').click();
    await page.getByTestId('ticket-confirm').click();
    await expect
      .poll(() => page.getByTestId('blotter-order-price').first().textContent(), { timeout: 10_000 })
      .toBe(limit.toFixed());

    // Its line is on the chart, at the order's price, on screen.
    const line = await poll(
      async () => (await chartLines(page)).find((l) => l.price === limit.toFixed() && l.y !== null),
      10_000,
      'the order line on the chart',
    );
    expect(await page.getByTestId('price-chart').getAttribute('data-trading-line-count')).toBe('1');
    const box = await page.getByTestId('price-chart').boundingBox();
    if (!box || line.y === null) throw new Error('the chart has no box');
    const x = box.x + box.width * 0.4;
    const y = box.y + line.y;
    await page.screenshot({ path: join(SHOTS_DIR, 'chart-trading-before.png') });

    // Drag it 40 px down with the mouse: a lower price.
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, y + 20, { steps: 5 });
    await page.mouse.move(x, y + 40, { steps: 5 });
    await page.mouse.up();
    const dialog = page.getByTestId('modify-dialog');
    await dialog.waitFor({ timeout: 5000 });
    expect(await page.getByTestId('modify-from').textContent()).toBe(limit.toFixed());
    const to = new Decimal((await page.getByTestId('modify-to').textContent()) ?? '0');
    expect(to.lt(limit)).toBe(true);
    // On the venue's grid: BTC prices of five figures are whole dollars.
    expect(to.isInteger()).toBe(true);
    // The chart did not pan while the line was dragged: the line is where it was dropped.
    const dropped = (await chartLines(page)).find((l) => l.id === line.id);
    expect(dropped?.price).toBe(limit.toFixed());
    await page.screenshot({ path: join(SHOTS_DIR, 'chart-trading.png') });
    await page.getByTestId('modify-confirm').click();
    await expect
      .poll(() => page.getByTestId('blotter-order-price').first().textContent(), { timeout: 10_000 })
      .toBe(to.toFixed());
    await expect
      .poll(async () => (await chartLines(page)).find((l) => l.id === line.id)?.price, { timeout: 5000 })
      .toBe(to.toFixed());
    await page.screenshot({ path: join(SHOTS_DIR, 'chart-trading-after.png') });

    // A drag cancelled in the dialog changes nothing.
    const moved = await poll(
      async () => (await chartLines(page)).find((l) => l.id === line.id && l.y !== null),
      5000,
      'the moved line',
    );
    await page.mouse.move(x, box.y + (moved.y ?? 0));
    await page.mouse.down();
    await page.mouse.move(x, box.y + (moved.y ?? 0) - 30, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('modify-cancel').click();
    await expect.poll(() => page.getByTestId('modify-dialog').count()).toBe(0);
    expect(await page.getByTestId('blotter-order-price').first().textContent()).toBe(to.toFixed());

    // The blotter's modify, from the keyboard: the price is put on the tick before confirming.
    await page.getByTestId('blotter-modify').focus();
    await page.keyboard.press('Enter');
    const field = page.getByTestId('blotter-modify-price');
    await field.waitFor();
    const typed = to.minus(10).plus('0.37');
    await field.fill(typed.toFixed());
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    const rounded = to.minus(10);
    expect(await page.getByTestId('modify-to').textContent()).toBe(rounded.toFixed());
    // The confirm button has the focus: Enter confirms.
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('blotter-order-price').first().textContent(), { timeout: 10_000 })
      .toBe(rounded.toFixed());

    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
