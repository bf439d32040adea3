import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlSigner } from '../../src/adapters/hyperliquid/hl-signer.ts';
import {
  e2eSkipReason,
  SHOTS_DIR,
  startPaperInUi,
  startServeSession,
  type ServeSession,
} from '../helpers/e2e-session.ts';
import { TEST_KEY } from '../helpers/live-venue.ts';

/*
 * Paper trading from the UI against a real `hyperdesk sim-exchange` and `hyperdesk serve` in
 * Chromium: start a session on the sim's URL, buy through the ticket (the blotter shows the
 * position), an order below the venue's minimum (a toast gives the reason), and the kill switch
 * in the status bar (flat, halted). Then live: the same UI in LIVE mode against the sim, with
 * the signing key where the CLI looks for it (HYPERDESK_SIGNING_KEY), a red LIVE badge, the
 * request budget in the status bar, and mainnet refused until its phrase is typed.
 */

const skipReason = e2eSkipReason();

describe.skipIf(skipReason !== null)('paper trading: sim-exchange + hyperdesk serve + Chromium', () => {
  let session: ServeSession;
  let simUrl: string;

  beforeAll(async () => {
    session = await startServeSession({ sim: { coins: ['BTC'] } });
    simUrl = session.simUrl ?? '';
  }, 60_000);
  afterAll(async () => {
    await session?.stop();
  });

  it('starts a paper session, buys, shows a refusal with its reason, and kills to flat', async () => {
    const { page, errors } = await session.openPage();
    // Start form: the sim's URL, BTC, 10000.
    await startPaperInUi(page, simUrl);
    // The status bar says PAPER, unmistakably, and offers the kill switch.
    expect(await page.getByTestId('paper-badge').textContent()).toContain('PAPER');
    await page.getByTestId('kill-switch').waitFor();
    expect(await page.getByTestId('blotter-position').textContent()).toBe('flat');

    // A market buy of 0.01 BTC: exact notional and fee before sending, then a confirmation.
    await page.getByTestId('ticket-buy').click();
    await page.getByTestId('ticket-qty').fill('0.01');
    await expect.poll(() => page.getByTestId('ticket-notional').textContent()).toMatch(/^\$\d+\.\d{2}$/);
    expect(await page.getByTestId('ticket-fee').textContent()).toMatch(/^\$\d+\.\d{2}$/);
    await page.getByTestId('ticket-review').click();
    await page.screenshot({ path: join(SHOTS_DIR, 'trading-ticket-confirm.png') });
    await page.getByTestId('ticket-confirm').click();
    await expect
      .poll(() => page.getByTestId('blotter-position').textContent(), { timeout: 10_000 })
      .toBe('long 0.01 BTC');
    await page.getByTestId('blotter-fills').waitFor();
    await page.screenshot({ path: join(SHOTS_DIR, 'trading-position.png') });

    // Below the venue's $10 minimum: refused, and the toast says why.
    await page.getByTestId('ticket-qty').fill('0.00001');
    await page.getByTestId('ticket-review').click();
    await page.getByTestId('ticket-confirm').click();
    const toast = page.getByTestId('toast').filter({ hasText: 'Order refused' });
    await toast.waitFor({ timeout: 10_000 });
    expect(await toast.textContent()).toMatch(/below the venue's minimum of \$10/);
    await page.screenshot({ path: join(SHOTS_DIR, 'trading-refused.png') });
    expect(await page.getByTestId('blotter-position').textContent()).toBe('long 0.01 BTC');

    // The kill switch, after its confirmation: flat and halted.
    await page.getByTestId('kill-switch').click();
    await page.getByTestId('kill-confirm').click();
    await expect.poll(() => page.getByTestId('blotter-position').textContent(), { timeout: 10_000 }).toBe('flat');
    await page.getByTestId('trading-halted').waitFor();
    expect(await page.getByTestId('trading-halted').textContent()).toContain('HALTED');
    await page.getByTestId('status-halted').waitFor();
    await page.screenshot({ path: join(SHOTS_DIR, 'trading-killed.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});

describe.skipIf(skipReason !== null)('live trading: sim-exchange + hyperdesk serve + Chromium', () => {
  let session: ServeSession;
  let simUrl: string;
  const address = new HlSigner(TEST_KEY, true).address;

  beforeAll(async () => {
    // The test key (used nowhere else) where `hyperdesk trade` looks for it without --secrets.
    session = await startServeSession({
      sim: { coins: ['BTC'], fund: [`${address}=10000`] },
      env: { HYPERDESK_SIGNING_KEY: TEST_KEY },
    });
    simUrl = session.simUrl ?? '';
  }, 60_000);
  afterAll(async () => {
    await session?.stop();
  });

  it('asks for the typed phrase on mainnet, starts LIVE on the sim, and shows LIVE and the request budget', async () => {
    const { page, errors } = await session.openPage();
    await page.getByTestId('side-panels').waitFor();
    await page.getByTestId('tab-trade').click();
    await page.getByTestId('trading-mode-live').click();

    // Mainnet: the start button stays off until "BTC MAINNET" is typed.
    await page.getByTestId('trading-network').selectOption('mainnet');
    await page.getByTestId('trading-coin').fill('BTC');
    expect(await page.getByTestId('trading-start').isDisabled()).toBe(true);
    await page.getByTestId('trading-confirmation').fill('BTC mainnet please');
    expect(await page.getByTestId('trading-start').isDisabled()).toBe(true);
    await page.getByTestId('trading-confirmation').fill('BTC MAINNET');
    expect(await page.getByTestId('trading-start').isDisabled()).toBe(false);
    await page.screenshot({ path: join(SHOTS_DIR, 'trading-live-mainnet-phrase.png') });

    // The sim, signed as testnet: a live session with the stored key.
    await page.getByTestId('trading-network').selectOption('custom');
    await page.getByTestId('trading-url').fill(simUrl);
    await page.getByTestId('trading-start').click();
    await page.getByTestId('blotter').waitFor({ timeout: 20_000 });
    const badge = page.getByTestId('live-badge');
    expect(await badge.textContent()).toContain('LIVE');
    expect(await page.getByTestId('paper-badge').count()).toBe(0);
    // Red, not PAPER's amber.
    const colour = await badge.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(colour).toBe('rgb(211, 47, 47)');
    expect(await page.getByTestId('session-mode').textContent()).toBe('LIVE');
    await expect.poll(() => page.getByTestId('rate-limit').textContent(), { timeout: 10_000 }).toMatch(/^API \d+ %/);
    expect(await page.getByTestId('blotter-equity').textContent()).toBe('$10000.00');

    // A real (sim) limit order, then the chart-free path of a modify: the blotter's.
    await page.getByTestId('ticket-buy').click();
    await page.getByTestId('ticket-kind').selectOption('limit');
    await page.getByTestId('ticket-qty').fill('0.01');
    await page.getByTestId('ticket-limit').fill('30000');
    await page.getByTestId('ticket-review').click();
    expect(await page.locator('.ticket-confirm').textContent()).toContain('LIVE');
    await page.getByTestId('ticket-confirm').click();
    await expect
      .poll(() => page.getByTestId('blotter-order-price').first().textContent(), { timeout: 10_000 })
      .toBe('30000');
    await page.getByTestId('blotter-modify').click();
    await page.getByTestId('blotter-modify-price').fill('31000');
    await page.getByTestId('blotter-modify-review').click();
    await page.getByTestId('modify-confirm').click();
    await expect
      .poll(() => page.getByTestId('blotter-order-price').first().textContent(), { timeout: 10_000 })
      .toBe('31000');
    await page.screenshot({ path: join(SHOTS_DIR, 'trading-live.png') });

    await page.getByTestId('kill-switch').click();
    await page.getByTestId('kill-confirm').click();
    await page.getByTestId('trading-halted').waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
