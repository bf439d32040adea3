import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailableReason, launchBrowser } from '../helpers/browser.ts';
import { runHyperdesk, startServeProcess, type CliProcess } from '../helpers/cli-process.ts';
import { ARTIFACTS_DIR, ROOT, tempDir } from '../helpers/paths.ts';
import { waitFor } from '../helpers/wait-for.ts';

/*
 * Paper trading from the UI against a real `hyperdesk sim-exchange` and `hyperdesk serve` in
 * Chromium: start a session on the sim's URL, buy through the ticket (the blotter shows the
 * position), an order below the venue's minimum (a toast gives the reason), and the kill switch
 * in the status bar (flat, halted).
 */

const skipReason = browserUnavailableReason();
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);
if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
  throw new Error('the UI is not built: run "npm run build" (npm test does it first)');
}

const SHOTS = join(ARTIFACTS_DIR, 'e2e');

describe.skipIf(skipReason !== null)('paper trading: sim-exchange + hyperdesk serve + Chromium', () => {
  let sim: CliProcess;
  let simUrl: string;
  let server: Awaited<ReturnType<typeof startServeProcess>>;
  let browser: Browser;
  const tmp = tempDir();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sim = runHyperdesk(['sim-exchange', '--port', '0', '--coins', 'BTC'], { HYPERDESK_LOG_LEVEL: 'warn' });
    simUrl = await waitFor(() => /at (http:\/\/\S+),/.exec(sim.stdout())?.[1], 20_000, 'sim-exchange');
    server = await startServeProcess(tmp.dir);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (sim) {
      sim.child.kill('SIGINT');
      await sim.exited;
    }
    tmp.remove();
  });

  it('starts a paper session, buys, shows a refusal with its reason, and kills to flat', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('side-panels').waitFor();
    await page.getByTestId('tab-trade').click();

    // Start form: the sim's URL, BTC, 10000.
    await page.getByTestId('trading-url').fill(simUrl);
    await page.getByTestId('trading-coin').fill('BTC');
    await page.getByTestId('trading-capital').fill('10000');
    await page.getByTestId('trading-start').click();
    await page.getByTestId('blotter').waitFor({ timeout: 20_000 });
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
    await page.screenshot({ path: join(SHOTS, 'trading-ticket-confirm.png') });
    await page.getByTestId('ticket-confirm').click();
    await expect
      .poll(() => page.getByTestId('blotter-position').textContent(), { timeout: 10_000 })
      .toBe('long 0.01 BTC');
    await page.getByTestId('blotter-fills').waitFor();
    await page.screenshot({ path: join(SHOTS, 'trading-position.png') });

    // Below the venue's $10 minimum: refused, and the toast says why.
    await page.getByTestId('ticket-qty').fill('0.00001');
    await page.getByTestId('ticket-review').click();
    await page.getByTestId('ticket-confirm').click();
    const toast = page.getByTestId('toast').filter({ hasText: 'Order refused' });
    await toast.waitFor({ timeout: 10_000 });
    expect(await toast.textContent()).toMatch(/below the venue's minimum of \$10/);
    await page.screenshot({ path: join(SHOTS, 'trading-refused.png') });
    expect(await page.getByTestId('blotter-position').textContent()).toBe('long 0.01 BTC');

    // The kill switch, after its confirmation: flat and halted.
    await page.getByTestId('kill-switch').click();
    await page.getByTestId('kill-confirm').click();
    await expect.poll(() => page.getByTestId('blotter-position').textContent(), { timeout: 10_000 }).toBe('flat');
    await page.getByTestId('trading-halted').waitFor();
    expect(await page.getByTestId('trading-halted').textContent()).toContain('HALTED');
    await page.getByTestId('status-halted').waitFor();
    await page.screenshot({ path: join(SHOTS, 'trading-killed.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);
});
