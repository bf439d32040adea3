import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlSigner } from '../../src/adapters/hyperliquid/hl-signer.ts';
import { e2eSkipReason, SHOTS_DIR, startServeSession, type ServeSession } from '../helpers/e2e-session.ts';
import { TEST_KEY } from '../helpers/live-venue.ts';

/*
 * The trade ticket to a broker's standard, in Chromium against `hyperdesk serve` and a live
 * session on `hyperdesk sim-exchange` (where a leverage change is real): a sell sized by
 * notional at 3× shows its margin, fee (and the fee's source) and liquidation estimate; the
 * confirmation step shows the engine's pre-trade check passing before Confirm is enabled; the
 * order opens the position. A ticket the risk rules refuse (6× the equity) shows the refusing
 * rule in the confirmation step, with Confirm off.
 */

const skipReason = e2eSkipReason();

const money = /^\$\d+\.\d{2}$/;

describe.skipIf(skipReason !== null)('trade ticket: notional, leverage, margin, risk check', () => {
  let session: ServeSession;
  let simUrl: string;
  const address = new HlSigner(TEST_KEY, true).address;

  beforeAll(async () => {
    session = await startServeSession({
      sim: { coins: ['BTC'], fund: [`${address}=10000`] },
      env: { HYPERDESK_SIGNING_KEY: TEST_KEY },
    });
    simUrl = session.simUrl ?? '';
  }, 60_000);
  afterAll(async () => {
    await session?.stop();
  });

  it('sizes by notional with leverage, shows margin, fees and liquidation, checks the risk, and refuses by rule', async () => {
    const { page, errors } = await session.openPage({ viewport: { width: 1400, height: 1000 } });
    await page.getByTestId('side-panels').waitFor();
    await page.getByTestId('tab-trade').click();
    await page.getByTestId('trading-mode-live').click();
    await page.getByTestId('trading-network').selectOption('custom');
    await page.getByTestId('trading-url').fill(simUrl);
    await page.getByTestId('trading-coin').fill('BTC');
    await page.getByTestId('trading-start').click();
    await page.getByTestId('blotter').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('blotter-equity').textContent()).toBe('$10000.00');

    // A market sell of $2000 at 3×: the size is the notional over the price, rounded down.
    await page.getByTestId('ticket-sell').click();
    await page.getByTestId('ticket-size-by').selectOption('notional');
    await page.getByTestId('ticket-notional-input').fill('2000');
    await page.getByTestId('ticket-leverage').fill('3');
    await expect.poll(() => page.getByTestId('ticket-notional').textContent()).toMatch(money);
    const notional = Number((await page.getByTestId('ticket-notional').textContent())?.slice(1));
    expect(notional).toBeLessThanOrEqual(2000);
    expect(notional).toBeGreaterThan(1990);
    const margin = await page.getByTestId('ticket-margin').textContent();
    expect(margin).toMatch(/^\$\d+\.\d{2} at 3×$/);
    expect(Number(margin?.slice(1, margin.indexOf(' ')))).toBeCloseTo(notional / 3, 1);
    expect(await page.getByTestId('ticket-fee').textContent()).toMatch(money);
    // Live, no fixed fees in the settings: the venue's base tier, 4.5 bps taker.
    expect(await page.getByTestId('ticket-fee-source').textContent()).toBe('(4.5 bps taker, venue base tier)');
    expect(await page.getByTestId('ticket-liquidation').textContent()).toMatch(/^\d+\.\d{2}$/);
    expect(await page.getByTestId('ticket-liquidation-basis').textContent()).toContain('estimate, cross');
    // A short at 3× isolated: liquidated about a third above the price, well before the cross estimate.
    const isolated = await page.getByTestId('ticket-liquidation-isolated').textContent();
    expect(isolated).toMatch(/^isolated at 3×: \d+\.\d{2}$/);
    const liq = Number(isolated?.split(': ')[1]);
    expect(liq).toBeLessThan(Number(await page.getByTestId('ticket-liquidation').textContent()));

    // The confirmation step: the engine's pre-trade check passes before Confirm is on.
    await page.getByTestId('ticket-review').click();
    const verdict = page.getByTestId('ticket-check');
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 10_000 }).toBe('passed');
    expect(await verdict.textContent()).toMatch(/^Risk check passes: 0\.\d+ BTC, notional \$\d+\.\d{2}$/);
    expect(await page.locator('.ticket-confirm p').first().textContent()).toContain('at 3×');
    expect(await page.getByTestId('ticket-confirm').isDisabled()).toBe(false);
    await page.screenshot({ path: join(SHOTS_DIR, 'trade-ticket.png') });
    await page.getByTestId('ticket-confirm').click();
    await expect
      .poll(() => page.getByTestId('blotter-position').textContent(), { timeout: 10_000 })
      .toMatch(/^short 0\.\d+ BTC$/);

    // 60000 more of short on 10000 of equity: above the rules' 5×, refused before sending.
    await page.getByTestId('ticket-notional-input').fill('60000');
    await page.getByTestId('ticket-review').click();
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 10_000 }).toBe('refused');
    expect(await page.getByTestId('ticket-check-rule').textContent()).toBe('max-leverage');
    expect(await verdict.textContent()).toMatch(/above 5× the equity/);
    expect(await page.getByTestId('ticket-confirm').isDisabled()).toBe(true);
    expect(await page.getByTestId('ticket-preview').textContent()).toContain('more than the equity');
    const toast = page.getByTestId('toast').filter({ hasText: 'Risk check refused' });
    await toast.waitFor({ timeout: 5000 });
    expect(await toast.textContent()).toMatch(/max-leverage/);
    await page.screenshot({ path: join(SHOTS_DIR, 'trade-ticket-refused.png') });

    // Leverage above the maximum is caught on the ticket itself.
    await page.getByTestId('ticket-notional-input').fill('1000');
    await page.getByTestId('ticket-leverage').fill('8');
    await expect.poll(() => page.locator('.field-error').first().textContent()).toMatch(/at most 5×/);
    expect(await page.getByTestId('ticket-review').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
