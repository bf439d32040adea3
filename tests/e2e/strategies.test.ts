import { closeSync, copyFileSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, SHOTS_DIR, startServeSession, type ServeSession } from '../helpers/e2e-session.ts';
import { ffmpegUnavailableReason, makeTestVideos } from '../helpers/ffmpeg.ts';
import { ROOT } from '../helpers/paths.ts';

/*
 * The Strategies sub-tab and the video study view against a real `hyperdesk serve` and
 * Chromium: the strategy guide learned offline, a strategy built from its rules with the
 * compiler's report, feedback run on the bundled sample series (the chart loads it) with
 * statistics per rule and phase, a suggestion approved and the rule's confidence changed; a
 * video made with ffmpeg learned, its rule's citation opening the keyframe strip (the frame
 * nearest the cited moment selected, arrow keys move) and the transcript with the cited cue
 * highlighted.
 */

const skipReason = e2eSkipReason();
const noFfmpeg = ffmpegUnavailableReason();
if (noFfmpeg) console.warn(`video study e2e skipped: ${noFfmpeg}`);

const GUIDE = join(ROOT, 'tests', 'fixtures', 'learning', 'strategy-guide.pdf');

describe.skipIf(skipReason !== null)('strategies and video study: hyperdesk serve + Chromium', () => {
  let app: ServeSession;

  beforeAll(async () => {
    app = await startServeSession({
      async prepare(dir) {
        copyFileSync(GUIDE, join(dir, 'strategy-guide.pdf'));
        if (noFfmpeg === null) await makeTestVideos(dir);
        // 8 GB of zeros, sparse (no disk used): hashing it takes seconds, time enough to cancel.
        const fd = openSync(join(dir, 'long-lecture.mp4'), 'w');
        ftruncateSync(fd, 8 * 1024 ** 3);
        closeSync(fd);
      },
    });
  });
  afterAll(() => app?.stop());

  async function openApp(): Promise<{ page: Page; problems: string[] }> {
    const { page, problems } = await app.openPage({ viewport: { width: 1500, height: 1100 } });
    await page.getByTestId('side-panels').waitFor();
    return { page, problems };
  }

  /** Learns a file of the data folder from the Learn tab (offline extractor); the result's rule count. */
  async function learn(page: Page, name: string): Promise<number> {
    await page.getByTestId('tab-learn').click();
    const panel = page.getByTestId('learn-panel');
    const file = panel.locator(`[data-testid=learnable-file][data-name="${name}"]`);
    await file.waitFor({ timeout: 10_000 });
    await page.getByTestId('learn-offline').check();
    await file.getByTestId('learn-file').click();
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 60_000 }).toBe('finished');
    return Number(await page.getByTestId('learn-result').getAttribute('data-rule-count'));
  }

  it('cancels a learning job from the Learn tab', async () => {
    const { page, problems } = await openApp();
    await page.getByTestId('tab-learn').click();
    const panel = page.getByTestId('learn-panel');
    const file = panel.locator('[data-testid=learnable-file][data-name="long-lecture.mp4"]');
    await file.waitFor({ timeout: 10_000 });
    await page.getByTestId('learn-offline').check();
    await file.getByTestId('learn-file').click();
    await panel.getByTestId('learn-cancel').click({ timeout: 5_000 });
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 20_000 }).toBe('canceled');
    expect(await panel.getByTestId('learn-canceled').textContent()).toMatch(/nothing was saved/);
    // The Learn buttons are back.
    expect(await file.getByTestId('learn-file').isEnabled()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('builds a strategy from the guide’s rules, runs feedback on the sample, approves a suggestion', async () => {
    const { page, problems } = await openApp();
    expect(await learn(page, 'strategy-guide.pdf')).toBeGreaterThan(0);

    await page.getByTestId('tab-rules').click();
    await page.getByTestId('subtab-strategies').click();
    const panel = page.getByTestId('strategies-panel');
    await expect.poll(() => panel.getAttribute('data-strategy-count'), { timeout: 10_000 }).toBe('0');
    const build = panel.getByRole('form', { name: 'Build a strategy' });

    // Nothing picked: the form says what is missing before anything is sent.
    await build.getByTestId('strategy-build').click();
    expect(await build.getByRole('alert').allTextContents()).toEqual([
      'Name the strategy.',
      'Pick at least one rule (an entry rule, for it to trade).',
    ]);

    await build.getByTestId('strategy-name').fill('Sweep reversal');
    const pick = async (text: string) => {
      const row = build.getByTestId('rule-row').filter({ hasText: text }).first();
      await row.getByTestId('rule-select').check();
      return (await row.getAttribute('data-rule-id')) ?? '';
    };
    const entryId = await pick('Entry: bullish engulfing after sweep');
    const exitId = await pick('Exit: bearish CHoCH on 15m');
    await pick('Risk: 2% per trade');
    await build.getByTestId('strategy-build').click();

    // The compiler's report: the entry runs, the 15m exit cannot on 1h bars, and says why.
    const detail = panel.getByTestId('strategy-detail');
    await expect.poll(() => detail.getAttribute('data-name'), { timeout: 10_000 }).toBe('Sweep reversal');
    const report = detail.getByTestId('compile-report');
    await report.waitFor({ timeout: 10_000 });
    expect(await report.locator(`[data-testid=compile-runs][data-rule-id="${entryId}"]`).count()).toBe(1);
    const cannot = report.locator(`[data-testid=compile-cannot][data-rule-id="${exitId}"]`);
    expect(await cannot.textContent()).toMatch(/15m.*cannot be built from 1h/);
    expect(await panel.getAttribute('data-strategy-count')).toBe('1');

    // Feedback on the sample series the chart loaded.
    expect(await detail.getByTestId('feedback-series').inputValue()).toMatch(/synthetic-btc-1h|BTC-SYNTH/);
    await detail.getByTestId('feedback-run').click();
    await expect.poll(() => panel.getAttribute('data-feedback'), { timeout: 60_000 }).toBe('finished');
    const stat = detail.locator(`[data-testid=rule-stat][data-rule-id="${entryId}"]`);
    expect(Number(await stat.getAttribute('data-trades'))).toBeGreaterThanOrEqual(20);
    expect(await stat.getByTestId('rule-stat-phase').count()).toBeGreaterThan(0);
    const suggestion = detail.locator(`[data-testid=suggestion][data-rule-id="${entryId}"]`);
    await suggestion.waitFor();
    const evidence = (await suggestion.locator('dl').textContent()) ?? '';
    expect(evidence).toMatch(/Trades\d+Won[\d.]+ %Expectancy/);

    const row = detail.locator(`[data-testid=rule-row][data-rule-id="${entryId}"]`);
    const before = Number(await row.getAttribute('data-confidence'));
    expect(await row.getAttribute('data-version')).toBe('1');
    await suggestion.getByTestId('suggestion-approve').click();
    await suggestion.getByTestId('suggestion-approved').waitFor({ timeout: 10_000 });
    await expect.poll(() => row.getAttribute('data-version')).toBe('2');
    const after = Number(await row.getAttribute('data-confidence'));
    expect(after).not.toBe(before);
    expect(await suggestion.getByTestId('suggestion-approved').textContent()).toMatch(/rule version 2/);
    await suggestion.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS_DIR, 'strategies.png') });

    // Still changed after a reload: the new version is in the knowledge base.
    await page.reload();
    await page.getByTestId('tab-rules').click();
    await page.getByTestId('subtab-strategies').click();
    await page.getByTestId('strategy-open').first().click();
    const again = page.locator(`[data-testid=strategy-detail] [data-testid=rule-row][data-rule-id="${entryId}"]`);
    await expect.poll(() => again.getAttribute('data-version'), { timeout: 10_000 }).toBe('2');
    expect(Number(await again.getAttribute('data-confidence'))).toBe(after);

    expect(problems).toEqual([]);
    await page.close();
  });

  it.skipIf(noFfmpeg !== null)(
    'opens a video rule: keyframe strip at the cited moment, transcript cue highlighted',
    async () => {
      const { page, problems } = await openApp();
      expect(await learn(page, 'two-scenes.mp4')).toBeGreaterThan(0);
      const result = page.getByTestId('learn-result');
      const row = result.getByTestId('rule-row').filter({ hasText: 'stop below the swing low' });
      const citation = row.getByTestId('rule-citation');
      expect(await citation.textContent()).toBe('0:21');
      await citation.click();

      const study = page.getByTestId('video-study-view');
      await expect.poll(() => study.getAttribute('data-state'), { timeout: 10_000 }).toBe('ready');
      const thumbs = study.getByTestId('keyframe-thumb');
      expect(await thumbs.count()).toBe(2);
      // 0:21 is nearest the frame at 0:20.
      expect(await study.getAttribute('data-selected-time')).toBe('20');
      expect(await thumbs.nth(1).getAttribute('aria-selected')).toBe('true');
      const large = study.getByTestId('keyframe-large');
      await large.waitFor({ timeout: 10_000 });
      expect(await large.getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
      await expect
        .poll(() => large.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 })
        .toBe(160);

      const cue = study.getByTestId('cue-cited');
      expect(await cue.textContent()).toMatch(/0:21\s*Stop below the swing low\./);
      expect(await cue.locator('mark').count()).toBe(1);
      expect(await study.getByTestId('cue').count()).toBe(2);
      expect(await cue.evaluate((el) => el.getBoundingClientRect().height > 0)).toBe(true);
      const cited = study.getByTestId('source-rules').getByTestId('source-rule-cited');
      expect(await cited.textContent()).toMatch(/stop below the swing low/);
      expect(await study.getByTestId('source-rules').getByRole('listitem').count()).toBe(3);
      await page.screenshot({ path: join(SHOTS_DIR, 'video-study.png') });

      // Arrow keys move along the strip.
      await study.getByTestId('keyframe-strip').focus();
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => study.getAttribute('data-selected-time')).toBe('0');
      await page.keyboard.press('End');
      await expect.poll(() => study.getAttribute('data-selected-time')).toBe('20');
      await thumbs.first().click();
      await expect.poll(() => study.getAttribute('data-selected-time')).toBe('0');

      // Another rule of the source: its moment (0:05) and its cue.
      await study
        .getByTestId('source-rules')
        .getByRole('button', { name: /engulfing/ })
        .click();
      await expect.poll(() => cue.textContent()).toMatch(/0:05\s*Enter on the engulfing candle/);
      expect(await study.getAttribute('data-selected-time')).toBe('0');

      await page.keyboard.press('Escape');
      await expect.poll(() => study.count()).toBe(0);
      expect(problems).toEqual([]);
      await page.close();
    },
  );
});
