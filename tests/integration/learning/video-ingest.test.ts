import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hammingDistance } from '../../../src/adapters/learning/video/dhash.ts';
import { probe, probeVideo } from '../../../src/adapters/learning/video/ffmpeg-tools.ts';
import { ingestVideo, type VideoProgress } from '../../../src/adapters/learning/video/video-ingest.ts';
import { NO_TRANSCRIPT_NOTICE } from '../../../src/adapters/learning/video/video-transcript.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import { ffmpegUnavailableReason, makeTestVideos, type TestVideos } from '../../helpers/ffmpeg.ts';
import { tempDir } from '../../helpers/paths.ts';

const skipReason = ffmpegUnavailableReason();
if (skipReason) console.warn(`video tests skipped: ${skipReason}`);

/** Width and height from a baseline or progressive JPEG's frame header. */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  let at = 2;
  while (at < bytes.length) {
    const marker = bytes[at + 1]!;
    const length = bytes.readUInt16BE(at + 2);
    if (marker === 0xc0 || marker === 0xc2)
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  throw new Error('no JPEG frame header');
}

describe.skipIf(skipReason !== null)('reading videos with ffmpeg', () => {
  const tmp = tempDir();
  let videos: TestVideos;
  let frameDirs = 0;
  const frames = () => join(tmp.dir, `frames-${++frameDirs}`);

  beforeAll(async () => {
    videos = await makeTestVideos(tmp.dir);
  });
  afterAll(() => tmp.remove());

  it('probes length, picture size and subtitle streams', async () => {
    const twoScenes = await probeVideo(videos.twoScenes);
    expect(twoScenes).toMatchObject({ hasVideo: true, width: 160, height: 90, subtitleStreams: [] });
    expect(twoScenes.durationSec).toBeCloseTo(40, 0);
    const embedded = await probe(videos.embedded);
    expect(embedded.subtitleStreams).toEqual([
      { index: 1, codec: 'mov_text', language: expect.any(String), isText: true },
    ]);
  });

  it('keeps one frame per scene, as JPEG files named by timestamp, with a transcript from the .srt beside it', async () => {
    const dir = frames();
    const progress: VideoProgress[] = [];
    const result = await ingestVideo(videos.twoScenes, { keyframeDir: dir, onProgress: (p) => progress.push(p) });

    const bytes = readFileSync(videos.twoScenes);
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    expect(result.source).toEqual({
      id: contentHash.slice(0, 16),
      kind: 'video',
      name: 'two-scenes.mp4',
      bytes: bytes.length,
      contentHash,
      pages: null,
      durationSec: expect.closeTo(40, 0),
    });

    // Sampled at 0, 10, 20 and 30 s: 10 repeats 0, and 30 repeats 20.
    expect(result.keyframes.map((k) => k.timestamp)).toEqual([0, 20]);
    expect(result.keyframes.map((k) => k.path)).toEqual([
      join(dir, 'keyframe-00-00-00.jpg'),
      join(dir, 'keyframe-00-00-20.jpg'),
    ]);
    expect(hammingDistance(result.keyframes[0]!.hash, result.keyframes[1]!.hash)).toBeGreaterThan(10);
    for (const keyframe of result.keyframes) {
      const jpeg = readFileSync(keyframe.path);
      expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(jpegSize(jpeg)).toEqual({ width: 160, height: 90 });
    }
    // Only the kept frames are left: the sampled ones and their scratch folder are gone.
    expect(readdirSync(dir).sort()).toEqual(['keyframe-00-00-00.jpg', 'keyframe-00-00-20.jpg']);

    expect(result.notices).toEqual([]);
    expect(result.chunks).toEqual([
      {
        sourceId: result.source.id,
        index: 0,
        heading: null,
        text: '[0:01] Wait for the sweep of the lows. [0:05] Enter on the engulfing candle after the sweep. [0:21] Stop below the swing low.',
        pages: null,
        seconds: { from: 1, to: 25 },
      },
    ]);

    const stages = [...new Set(progress.map((p) => p.stage))];
    expect(stages).toEqual(['hashing', 'frames', 'transcript']);
    expect(progress.find((p) => p.stage === 'hashing' && p.done === bytes.length)).toBeDefined();
    expect(progress.filter((p) => p.stage === 'frames').map((p) => p.done)).toEqual([0, 10, 20, 30]);
  });

  it('samples and de-duplicates as configured', async () => {
    const everyFive = await ingestVideo(videos.twoScenes, { keyframeDir: frames(), frameEverySec: 5 });
    expect(everyFive.keyframes.map((k) => k.timestamp)).toEqual([0, 20]);
    // A sample shows what is on screen at its time: at 19 s that is still the first scene.
    const every19 = await ingestVideo(videos.twoScenes, { keyframeDir: frames(), frameEverySec: 19 });
    expect(every19.keyframes.map((k) => k.timestamp)).toEqual([0, 38]);
    const keepAll = await ingestVideo(videos.twoScenes, { keyframeDir: frames(), hammingThreshold: 64 });
    expect(keepAll.keyframes.map((k) => k.timestamp)).toEqual([0]);
    const noDedup = await ingestVideo(videos.twoScenes, {
      keyframeDir: frames(),
      frameEverySec: 20,
      hammingThreshold: 0,
    });
    expect(noDedup.keyframes.map((k) => k.timestamp)).toEqual([0, 20]);
  });

  it('reads the transcript from a subtitle stream inside the video', async () => {
    const result = await ingestVideo(videos.embedded, { keyframeDir: frames() });
    expect(result.notices).toEqual([]);
    expect(result.chunks.map((c) => [c.text, c.seconds])).toEqual([
      ['[0:00] Risk one percent per trade. [0:04] Take profit at two R.', { from: 0.5, to: 7 }],
    ]);
    expect(result.keyframes).toHaveLength(1);
  });

  it('keeps only the frames, with a notice, when there is no transcript', async () => {
    const result = await ingestVideo(videos.silent, { keyframeDir: frames() });
    expect(result.chunks).toEqual([]);
    expect(result.notices).toEqual([NO_TRANSCRIPT_NOTICE]);
    expect(result.keyframes.map((k) => k.timestamp)).toEqual([0]);
  });

  it('skips a malformed subtitle file with a notice and still keeps the frames', async () => {
    const dir = join(tmp.dir, 'broken-sidecar');
    mkdirSync(dir);
    copyFileSync(videos.silent, join(dir, 'lesson.mp4'));
    writeFileSync(join(dir, 'lesson.en.srt'), '1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nlater\nx\n');
    const result = await ingestVideo(join(dir, 'lesson.mp4'), { keyframeDir: frames() });
    expect(result.notices).toEqual([
      'lesson.en.srt was not used: lesson.en.srt: line 6: expected a cue timing like "00:00:01,000 --> 00:00:04,000", found "later"',
      NO_TRANSCRIPT_NOTICE,
    ]);
    expect(result.keyframes).toHaveLength(1);
  });

  it('scales keyframes of a wide video down to 1280 pixels', async () => {
    const result = await ingestVideo(videos.wide, { keyframeDir: frames() });
    expect(jpegSize(readFileSync(result.keyframes[0]!.path))).toEqual({ width: 1280, height: 720 });
  });

  it('gives the same file the same id whatever its name, and another file another id', async () => {
    const copy = join(tmp.dir, 'copy of two-scenes.mp4');
    copyFileSync(videos.twoScenes, copy);
    const [original, copied, other] = await Promise.all([
      ingestVideo(videos.twoScenes, { keyframeDir: frames() }),
      ingestVideo(copy, { keyframeDir: frames() }),
      ingestVideo(videos.silent, { keyframeDir: frames() }),
    ]);
    expect(copied.source.id).toBe(original.source.id);
    expect(copied.source.name).toBe('copy of two-scenes.mp4');
    expect(other.source.id).not.toBe(original.source.id);
  });

  it('refuses what is not a video, naming the file and never its folder', async () => {
    const cases: [string, RegExp][] = [
      [videos.textAsVideo, /^notes\.mp4 is not a video \(Invalid data found when processing input\)$/],
      [videos.audioOnly, /^tone\.mp4 is not a video \(it has sound but no picture\)$/],
      [join(tmp.dir, 'missing.mp4'), /^missing\.mp4 cannot be read \(ENOENT\)$/],
      [tmp.dir, /is not a file$/],
    ];
    for (const [path, message] of cases) {
      const error = await ingestVideo(path, { keyframeDir: frames() }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(tmp.dir);
    }
  });

  it('checks the size before reading', async () => {
    const size = statSync(videos.twoScenes).size;
    await expect(ingestVideo(videos.twoScenes, { keyframeDir: frames(), maxBytes: 1024 })).rejects.toThrow(
      `two-scenes.mp4 is ${Math.ceil(size / 1024)} KB, more than the 1 KB a video may be`,
    );
  });
});
