import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../src/server/auth/api-tokens.ts';
import { SAMPLE_CANDLES } from '../helpers/engine-config.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { e2eSkipReason, RENDERER_DIR, SHOTS_DIR, watchPage } from '../helpers/e2e-session.ts';
import { startTestServer } from '../helpers/start-server.ts';

/*
 * Web mode behind tokens: the built UI on a server that requires auth shows the sign-in
 * screen, refuses a wrong token, signs in with a viewer token and draws the chart; the token
 * never lands in the page's storage or URL.
 */

const skipReason = e2eSkipReason();

describe.skipIf(skipReason !== null)('web mode with API tokens: sign-in + Chromium', () => {
  const viewerToken = generateToken();
  let env: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    env = await startTestServer({
      staticDir: RENDERER_DIR,
      server: { auth: { tokens: [{ name: 'watcher', role: 'viewer', sha256: hashToken(viewerToken) }] } },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });

  it('shows the sign-in screen, then the chart once signed in with a viewer token', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const { problems } = watchPage(page);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(env.url);

    const form = page.getByTestId('sign-in-form');
    await form.waitFor({ timeout: 20_000 });
    // Nothing connects before sign-in.
    expect(sockets).toEqual([]);
    expect(await page.getByTestId('price-chart').count()).toBe(0);
    mkdirSync(SHOTS_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOTS_DIR, 'sign-in.png') });

    await page.getByTestId('sign-in-token').fill(generateToken());
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toBe('That token is not valid.');
    await page.screenshot({ path: join(SHOTS_DIR, 'sign-in-error.png') });

    await page.getByTestId('sign-in-token').fill(viewerToken);
    await page.getByTestId('sign-in-submit').click();
    const chart = page.getByTestId('price-chart');
    await expect.poll(() => chart.getAttribute('data-candle-count'), { timeout: 20_000 }).toBe(String(SAMPLE_CANDLES));
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe('Engine connected');
    expect(sockets).toHaveLength(1);
    await page.screenshot({ path: join(SHOTS_DIR, 'sign-in-chart.png') });

    // The token is nowhere the page keeps things; the session cookie is not readable by scripts.
    const kept = await page.evaluate(() =>
      JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie, location.href]),
    );
    expect(kept).not.toContain(viewerToken);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['hyperdesk_session', true, 'Strict']]);

    // A reload keeps the session (the browser sends the cookie): straight to the chart.
    await page.reload();
    await expect.poll(() => chart.getAttribute('data-candle-count'), { timeout: 20_000 }).toBe(String(SAMPLE_CANDLES));
    expect(await page.getByTestId('sign-in-form').count()).toBe(0);
    expect(await page.getByTestId('session-badge').textContent()).toBe('watcher · viewerSign out');

    // Signing out ends the session on the server and brings the sign-in screen back.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in-form').waitFor();
    expect(await page.getByRole('status').first().textContent()).toBe('Signed out.');
    const after = await fetch(`${env.url}/api/v1/session`, {
      headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect(await after.json()).toEqual({ authRequired: true, principal: null });

    // A session that ends elsewhere (expiry, sign-out in another tab) brings the screen back too.
    await page.getByTestId('sign-in-token').fill(viewerToken);
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe('Engine connected');
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await fetch(`${env.url}/api/v1/session`, { method: 'DELETE', headers: { cookie, origin: env.url } });
    await page.getByTestId('sign-in-form').waitFor();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Your session ended. Sign in again.');

    // Only the failed sign-in is a console problem (the browser logs the 401 response).
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    await page.close();
  });
});
