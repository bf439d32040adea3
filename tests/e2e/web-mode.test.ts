import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/shared/security/content-security-policy.ts';
import { SAMPLE_CANDLES } from '../helpers/engine-config.ts';
import { browserUnavailableReason, launchBrowser } from '../helpers/browser.ts';
import { startServeProcess } from '../helpers/cli-process.ts';
import { ARTIFACTS_DIR, ROOT, tempDir } from '../helpers/paths.ts';

const skipReason = browserUnavailableReason();
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);
if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
  throw new Error('the UI is not built: run "npm run build" (npm test does it first)');
}

describe.skipIf(skipReason !== null)('web mode: hyperdesk serve + Chromium', () => {
  let server: Awaited<ReturnType<typeof startServeProcess>>;
  let browser: Browser;
  const tmp = tempDir();

  beforeAll(async () => {
    server = await startServeProcess(tmp.dir);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    tmp.remove();
  });

  it('draws the bundled sample candles on the chart, labelled synthetic', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);

    const chart = page.getByTestId('price-chart');
    await expect.poll(() => chart.getAttribute('data-candle-count'), { timeout: 20_000 }).toBe(String(SAMPLE_CANDLES));
    // The canvas really holds pixels of the drawing, not an empty element.
    expect(await page.locator('[data-testid=price-chart] canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe('Engine connected');
    expect(await page.getByTestId('synthetic-badge').textContent()).toBe('SYNTHETIC DATA');
    expect(await page.getByTestId('series-info').textContent()).toContain('2,000 candles');

    mkdirSync(join(ARTIFACTS_DIR, 'e2e'), { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'e2e', 'web-mode-chart.png') });
    // No CSP violations or runtime errors while loading and drawing.
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sends the security headers with the UI', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('built renderer', () => {
  it('builds the Content-Security-Policy into the page the desktop window loads', () => {
    const html = readFileSync(join(ROOT, 'out', 'renderer', 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta?.replaceAll('&#39;', "'")).toBe(contentSecurityPolicy({ meta: true }));
  });
});
