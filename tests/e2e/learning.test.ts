import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, SHOTS_DIR, startServeSession, type ServeSession } from '../helpers/e2e-session.ts';
import { ROOT } from '../helpers/paths.ts';

/*
 * The Learn and Rules tabs against a real `hyperdesk serve` and Chromium: the strategy guide in
 * the data folder is listed, learned (offline extractor) with progress, its rules shown with
 * page citations; a citation opens the study view with the page drawn by pdf.js and the quote
 * highlighted in its text; a rule switched off in the Rules tab is still off after a reload.
 */

const skipReason = e2eSkipReason();

const GUIDE = join(ROOT, 'tests', 'fixtures', 'learning', 'strategy-guide.pdf');

describe.skipIf(skipReason !== null)('learning tabs: hyperdesk serve + Chromium', () => {
  let app: ServeSession;

  beforeAll(async () => {
    app = await startServeSession({ prepare: (dir) => copyFileSync(GUIDE, join(dir, 'strategy-guide.pdf')) });
  });
  afterAll(() => app?.stop());

  async function openApp(): Promise<{ page: Page; problems: string[] }> {
    const { page, problems } = await app.openPage();
    await page.getByTestId('side-panels').waitFor();
    return { page, problems };
  }

  it('learns the guide, shows rules with page citations, opens a cited page, keeps a disabled rule off', async () => {
    const { page, problems } = await openApp();
    await page.getByTestId('tab-learn').click();
    const learnPanel = page.getByTestId('learn-panel');
    const file = learnPanel.getByTestId('learnable-file');
    await expect.poll(() => file.count(), { timeout: 10_000 }).toBe(1);
    expect(await file.getAttribute('data-name')).toBe('strategy-guide.pdf');
    // A browser cannot hand the engine a dropped file: the drop zone says where files go.
    expect(await page.getByTestId('learn-drop-zone').textContent()).toMatch(/data folder/);

    await page.getByTestId('learn-offline').check();
    await file.getByTestId('learn-file').click();
    await expect.poll(() => learnPanel.getAttribute('data-state'), { timeout: 30_000 }).toBe('finished');
    const result = page.getByTestId('learn-result');
    const count = Number(await result.getAttribute('data-rule-count'));
    expect(count).toBeGreaterThan(0);
    const citations = result.getByTestId('rule-citation');
    expect(await citations.count()).toBe(count);
    for (const text of await citations.allTextContents()) expect(text).toMatch(/^p\. \d+$/);
    await page.screenshot({ path: join(SHOTS_DIR, 'learning-learned.png') });

    // The study view: the cited page drawn by pdf.js, the quote highlighted in its text.
    const first = citations.first();
    const quote = (await first.getAttribute('title')) ?? '';
    expect(quote).not.toBe('');
    await first.click();
    const study = page.getByTestId('study-view');
    await expect.poll(() => study.getAttribute('data-render'), { timeout: 20_000 }).not.toBe('loading');
    expect(await study.getAttribute('data-render')).toBe('canvas');
    const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
    expect(squash(await study.getByTestId('study-quote').textContent())).toBe(squash(quote));
    // The canvas has ink on it, not just a blank page.
    const inked = await study.getByTestId('study-canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (!data || canvas.width === 0) return 0;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 3]! > 0) dark++;
      return dark;
    });
    expect(inked).toBeGreaterThan(100);
    await page.screenshot({ path: join(SHOTS_DIR, 'learning-study-view.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => study.count()).toBe(0);

    // Rules tab: switch the first rule off; after a reload it is still off.
    await page.getByTestId('tab-rules').click();
    const rulesPanel = page.getByTestId('rules-panel');
    await expect.poll(() => rulesPanel.getAttribute('data-rule-count')).toBe(String(count));
    const row = rulesPanel.getByTestId('rule-row').first();
    const ruleId = await row.getAttribute('data-rule-id');
    expect(await row.getAttribute('data-enabled')).toBe('true');
    await row.getByTestId('rule-toggle').uncheck();
    await expect.poll(() => row.getAttribute('data-enabled')).toBe('false');
    await page.reload();
    await page.getByTestId('tab-rules').click();
    const again = page.locator(`[data-testid=rule-row][data-rule-id="${ruleId}"]`);
    await expect.poll(() => again.getAttribute('data-enabled'), { timeout: 10_000 }).toBe('false');
    expect(await again.getByTestId('rule-toggle').isChecked()).toBe(false);
    await page.screenshot({ path: join(SHOTS_DIR, 'learning-rules.png') });

    expect(problems).toEqual([]);
    await page.close();
  });
});
