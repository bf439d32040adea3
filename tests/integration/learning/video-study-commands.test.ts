import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { MAX_KEYFRAME_IMAGE_BYTES } from '../../../src/shared/contract/knowledge-commands.ts';
import { ffmpegUnavailableReason, makeTestVideos, type TestVideos } from '../../helpers/ffmpeg.ts';
import { ROOT, tempDir } from '../../helpers/paths.ts';
import { startKnowledgeEngine } from './knowledge-driver.ts';

/*
 * A video's study material through the contract: a video made with ffmpeg's built-in sources
 * (with its .srt beside it) learned offline, its rules citing moments; its keyframe times and
 * transcript cues; a keyframe as a JPEG data URL; a keyframe file moved out of the keyframe
 * folder or grown past the limit is not sent.
 */

const skipReason = ffmpegUnavailableReason();
if (skipReason) console.warn(`video study tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('video study commands', () => {
  const tmp = tempDir();
  const data = join(tmp.dir, 'data');
  let videos: TestVideos;

  beforeAll(async () => {
    mkdirSync(data, { recursive: true });
    videos = await makeTestVideos(data);
    copyFileSync(join(ROOT, 'tests', 'fixtures', 'learning', 'strategy-guide.pdf'), join(data, 'guide.pdf'));
  });
  afterAll(() => tmp.remove());

  it('lists keyframes and cues, sends a keyframe as a data URL, and refuses files it should not send', async () => {
    const e = await startKnowledgeEngine(tmp.dir, data);
    try {
      const { finished } = await e.learn(videos.twoScenes);
      expect(finished.rules.length).toBeGreaterThan(0);
      for (const rule of finished.rules) {
        expect(rule.citation.page).toBeNull();
        expect(rule.citation.timestamp).not.toBeNull();
      }
      const media = await e.call('GetSourceMedia', { sourceId: finished.sourceId });
      expect(media).toMatchObject({ name: 'two-scenes.mp4', kind: 'video', truncated: false });
      expect(media.durationSec).toBeCloseTo(40, 0);
      expect(media.keyframes).toEqual([{ timestamp: 0 }, { timestamp: 20 }]);
      expect(media.cues).toEqual([
        { time: 1, text: 'Wait for the sweep of the lows.' },
        { time: 5, text: 'Enter on the engulfing candle after the sweep.' },
        { time: 21, text: 'Stop below the swing low.' },
      ]);

      const image = await e.call('GetKeyframeImage', { sourceId: finished.sourceId, timestamp: 20 });
      expect(image.dataUrl).toMatch(/^data:image\/jpeg;base64,\/9j\//);
      const jpeg = Buffer.from(image.dataUrl!.split(',')[1]!, 'base64');
      expect(jpeg.length).toBe(image.bytes);
      expect((await e.fail('GetKeyframeImage', { sourceId: finished.sourceId, timestamp: 7 })).code).toBe('NOT_FOUND');
      expect((await e.fail('GetKeyframeImage', { sourceId: 'nope', timestamp: 0 })).code).toBe('NOT_FOUND');
      expect((await e.fail('GetKeyframeImage', { sourceId: finished.sourceId, timestamp: -1 })).message).toMatch(
        /timestamp/,
      );

      const pdf = await e.learn(join(data, 'guide.pdf'));
      expect((await e.fail('GetSourceMedia', { sourceId: pdf.finished.sourceId })).code).toBe('VALIDATION');

      // The database names the file; a path outside the keyframe folder is not followed, and a
      // file over the limit is not sent.
      const outside = join(tmp.dir, 'outside.jpg');
      copyFileSync(join(tmp.dir, 'keyframes', finished.sourceId, 'keyframe-00-00-00.jpg'), outside);
      const big = join(tmp.dir, 'keyframes', finished.sourceId, 'big.jpg');
      writeFileSync(big, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(MAX_KEYFRAME_IMAGE_BYTES)]));
      const db = openDatabase(join(tmp.dir, 'hyperdesk.db'));
      try {
        const move = db.prepare('UPDATE keyframes SET path = ? WHERE source_id = ? AND timestamp = ?');
        move.run(outside, finished.sourceId, 0);
        move.run(big, finished.sourceId, 20);
      } finally {
        db.close();
      }
      expect(await e.call('GetKeyframeImage', { sourceId: finished.sourceId, timestamp: 0 })).toEqual({
        sourceId: finished.sourceId,
        timestamp: 0,
        dataUrl: null,
        bytes: null,
      });
      expect(await e.call('GetKeyframeImage', { sourceId: finished.sourceId, timestamp: 20 })).toMatchObject({
        dataUrl: null,
        bytes: MAX_KEYFRAME_IMAGE_BYTES + 3,
      });
    } finally {
      await e.engine.close();
    }
  });
});
