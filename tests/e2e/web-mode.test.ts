import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/shared/security/content-security-policy.ts';
import { SAMPLE_CANDLES } from '../helpers/engine-config.ts';
import {
  e2eSkipReason,
  RENDERER_DIR,
  SHOTS_DIR,
  startServeSession,
  type ServeSession,
} from '../helpers/e2e-session.ts';

const skipReason = e2eSkipReason();

describe.skipIf(skipReason !== null)('web mode: hyperdesk serve + Chromium', () => {
  let app: ServeSession;

  beforeAll(async () => {
    app = await startServeSession();
  });
  afterAll(() => app?.stop());

  it('draws the bundled sample candles on the chart, labelled synthetic', async () => {
    const { page, problems } = await app.openPage({ viewport: { width: 1280, height: 720 } });

    const chart = page.getByTestId('price-chart');
    await expect.poll(() => chart.getAttribute('data-candle-count'), { timeout: 20_000 }).toBe(String(SAMPLE_CANDLES));
    // The canvas really holds pixels of the drawing, not an empty element.
    expect(await page.locator('[data-testid=price-chart] canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe('Engine connected');
    expect(await page.getByTestId('synthetic-badge').textContent()).toBe('SYNTHETIC DATA');
    expect(await page.getByTestId('series-info').textContent()).toContain('2,000 candles');

    await page.screenshot({ path: join(SHOTS_DIR, 'web-mode-chart.png') });
    // No CSP violations or runtime errors while loading and drawing.
    expect(problems).toEqual([]);
    await page.close();
  });

  it('sends the security headers with the UI', async () => {
    const res = await fetch(app.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('built renderer', () => {
  it('builds the Content-Security-Policy into the page the desktop window loads', () => {
    const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta?.replaceAll('&#39;', "'")).toBe(contentSecurityPolicy({ meta: true }));
  });
});
