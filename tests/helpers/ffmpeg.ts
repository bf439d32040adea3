import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findTool } from '../../src/adapters/learning/video/ffmpeg-tools.ts';

const run = promisify(execFile);

/**
 * Why video tests cannot run here, or null when they can. CI sets HYPERDESK_REQUIRE_FFMPEG=1
 * so that a missing ffmpeg fails instead of skipping.
 */
export function ffmpegUnavailableReason(): string | null {
  const missing = (['ffmpeg', 'ffprobe'] as const).filter((tool) => findTool(tool) === null);
  if (missing.length === 0) return null;
  const reason = `${missing.join(' and ')} not found (apt-get install -y ffmpeg, or set HYPERDESK_FFMPEG and HYPERDESK_FFPROBE)`;
  if (process.env.HYPERDESK_REQUIRE_FFMPEG === '1') throw new Error(reason);
  return reason;
}

/** Small, quick to make and to decode. */
const SIZE = '160x90';
const RATE = '2';

/** Pattern A: SMPTE colour bars. Pattern B: the same bars mirrored, 55 of 64 dHash bits away. */
const patternA = (seconds: number) => `smptebars=s=${SIZE}:r=${RATE}:d=${seconds}`;
const patternB = (seconds: number) => `smptebars=s=${SIZE}:r=${RATE}:d=${seconds},hflip`;

/** Two cues in the first scene, one in the second; the second cue has markup to strip. */
export const TWO_SCENES_SRT = `1
00:00:01,000 --> 00:00:04,000
Wait for the sweep of the lows.

2
00:00:05,000 --> 00:00:09,500
Enter on the <i>engulfing</i> candle
after the sweep.

3
00:00:21,000 --> 00:00:25,000
Stop below the swing low.
`;

/** The subtitles muxed into {@link TestVideos.embedded}. */
export const EMBEDDED_SRT = `1
00:00:00,500 --> 00:00:03,000
Risk one percent per trade.

2
00:00:04,000 --> 00:00:07,000
Take profit at two R.
`;

/** Media files made by {@link makeTestVideos}. */
export interface TestVideos {
  /** 40 s: pattern A for 0–20 s, pattern B for 20–40 s, with `two-scenes.srt` beside it. */
  readonly twoScenes: string;
  /** 8 s of pattern A with a mov_text subtitle stream ({@link EMBEDDED_SRT}) and no sidecar. */
  readonly embedded: string;
  /** 8 s of pattern B, no subtitles anywhere. */
  readonly silent: string;
  /** A text file named .mp4. */
  readonly textAsVideo: string;
  /** One second of a sine tone in an MP4 container: sound, no picture. */
  readonly audioOnly: string;
  /** 2 s of 1920×1080, for the keyframe width limit. */
  readonly wide: string;
}

async function ffmpeg(args: readonly string[]): Promise<void> {
  await run(findTool('ffmpeg') ?? 'ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], {
    timeout: 60_000,
  });
}

/** Makes the test media in `dir` from ffmpeg's built-in sources (nothing is stored in the repository). */
export async function makeTestVideos(dir: string): Promise<TestVideos> {
  const twoScenes = join(dir, 'two-scenes.mp4');
  const embedded = join(dir, 'embedded.mp4');
  const silent = join(dir, 'silent.mp4');
  const textAsVideo = join(dir, 'notes.mp4');
  const audioOnly = join(dir, 'tone.mp4');
  const wide = join(dir, 'wide.mp4');
  const embeddedSrt = join(dir, 'embedded-source.srt.txt');
  writeFileSync(join(dir, 'two-scenes.srt'), TWO_SCENES_SRT);
  writeFileSync(embeddedSrt, EMBEDDED_SRT);
  writeFileSync(textAsVideo, 'This is a trading plan written as text, not a video.\n');
  // mpeg4 and aac are ffmpeg's own encoders, present in every build.
  const video = ['-c:v', 'mpeg4', '-q:v', '4'];
  await Promise.all([
    ffmpeg([
      ...['-f', 'lavfi', '-i', patternA(20), '-f', 'lavfi', '-i', patternB(20)],
      ...['-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v]', '-map', '[v]', ...video, twoScenes],
    ]),
    ffmpeg([
      ...['-f', 'lavfi', '-i', patternA(8), '-f', 'srt', '-i', embeddedSrt],
      ...['-map', '0:v', '-map', '1:s', ...video, '-c:s', 'mov_text', embedded],
    ]),
    ffmpeg(['-f', 'lavfi', '-i', patternB(8), ...video, silent]),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', audioOnly]),
    ffmpeg(['-f', 'lavfi', '-i', 'smptebars=s=1920x1080:r=1:d=2', ...video, wide]),
  ]);
  return { twoScenes, embedded, silent, textAsVideo, audioOnly, wide };
}
