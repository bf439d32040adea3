import { mkdir, mkdtemp, rename, rm, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Keyframe } from '../../../engine/learning/learning-ports.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import { DHASH_FRAME_BYTES, dHash, isDistinctFrame } from './dhash.ts';
import { ffmpegInput, pathsOf, type MediaTools, type VideoProbe } from './ffmpeg-tools.ts';
import { lastErrorLine, runTool } from './run-tool.ts';

/** Widest keyframe written: enough to read a chart's axis labels, small enough to send to Claude. */
export const KEYFRAME_MAX_WIDTH = 1280;

/** Options of {@link extractKeyframes}. */
export interface KeyframeOptions {
  /** Folder the JPEGs are written to (created if missing). Files of the same name are replaced. */
  readonly keyframeDir: string;
  /** Seconds between sampled frames. */
  readonly frameEverySec: number;
  /** A frame is kept when its dHash differs from the last kept one by more than this many bits. */
  readonly hammingThreshold: number;
  readonly signal?: AbortSignal;
  /** Told the video time reached, in seconds, after each sampled frame. */
  readonly onFrame?: (seconds: number) => void;
}

/** What {@link extractKeyframes} found. */
export interface KeyframeResult {
  readonly keyframes: readonly Keyframe[];
  /** Frames sampled before near-duplicates were dropped. */
  readonly sampled: number;
}

/** The file name of the keyframe at `seconds`: `keyframe-00-01-30.jpg`, with milliseconds when not whole. */
export function keyframeFileName(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const hms = `${two(Math.floor(ms / 3_600_000))}-${two(Math.floor(ms / 60_000) % 60)}-${two(Math.floor(ms / 1000) % 60)}`;
  return `keyframe-${hms}${ms % 1000 === 0 ? '' : `.${String(ms % 1000).padStart(3, '0')}`}.jpg`;
}

/**
 * Samples a frame every `frameEverySec` seconds, hashes each (dHash) and keeps the ones that
 * differ from the last kept frame, written as JPEG (at most {@link KEYFRAME_MAX_WIDTH} wide).
 *
 * One ffmpeg decode does both: the sampled frames are split into a 9×8 gray copy streamed to
 * us for hashing and a JPEG written to a scratch folder; kept JPEGs are then renamed into
 * place. Seeking again for each kept frame (`-ss t`) would decode parts of the video twice
 * and, on screen recordings with variable frame rate, land on a later frame than the one hashed.
 * `round=up` makes the frame sampled at time t the one on screen at t (the default rounding
 * takes the one about half an interval later).
 */
export async function extractKeyframes(
  tools: MediaTools,
  path: string,
  video: VideoProbe,
  options: KeyframeOptions,
): Promise<KeyframeResult> {
  const name = basename(path);
  const outDir = resolve(options.keyframeDir);
  await mkdir(outDir, { recursive: true });
  const scratch = await mkdtemp(join(outDir, '.frames-'));
  try {
    const hashes: string[] = [];
    const kept: number[] = [];
    const dropped: number[] = [];
    let lastKept: string | null = null;
    let pending: Buffer = Buffer.alloc(0);
    const jpeg = (index: number) => join(scratch, `${String(index).padStart(6, '0')}.jpg`);

    const onStdout = (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= DHASH_FRAME_BYTES) {
        const hash = dHash(pending.subarray(0, DHASH_FRAME_BYTES));
        pending = pending.subarray(DHASH_FRAME_BYTES);
        const index = hashes.push(hash) - 1;
        if (isDistinctFrame(hash, lastKept, options.hammingThreshold)) {
          kept.push(index);
          lastKept = hash;
        } else {
          dropped.push(index);
        }
        // Dropped JPEGs go as the decode moves on, so a long video does not fill the disk
        // with every sampled frame; one frame of slack because ffmpeg may not have written the
        // JPEG of the frame just hashed. Whatever is missed goes with the scratch folder.
        while (dropped.length > 0 && dropped[0]! < index - 1) void unlink(jpeg(dropped.shift()!)).catch(() => {});
        options.onFrame?.(Math.min(video.durationSec, index * options.frameEverySec));
      }
    };

    const filter =
      `[0:${video.videoStream}]fps=fps=1/${options.frameEverySec}:round=up,split=2[h][j];` +
      `[h]scale=9:8:flags=area,format=gray[hash];` +
      `[j]scale='min(${KEYFRAME_MAX_WIDTH},iw)':-2[img]`;
    const args = [
      '-nostdin',
      '-hide_banner',
      '-v',
      'error',
      '-i',
      ffmpegInput(path),
      '-filter_complex',
      filter,
      '-map',
      '[hash]',
      '-f',
      'rawvideo',
      'pipe:1',
      '-map',
      '[img]',
      '-q:v',
      '3',
      '-start_number',
      '0',
      '-f',
      'image2',
      // image2 reads the name as a pattern: a "%" in the folder must be doubled.
      `file:${join(scratch.replaceAll('%', '%%'), '%06d.jpg')}`,
    ];
    const run = await runTool(tools.ffmpeg, args, {
      what: `ffmpeg reading the frames of ${name}`,
      // A generous bound: decoding slower than a third of real time means something is stuck,
      // and the idle timeout catches a hang long before that.
      timeoutMs: 120_000 + video.durationSec * 3000,
      idleTimeoutMs: 120_000,
      onStdout,
      paths: [...pathsOf(path), outDir],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (run.code !== 0) {
      throw new ValidationError(`${name}: its frames could not be decoded (${lastErrorLine(run.stderr, name)})`);
    }

    const keyframes: Keyframe[] = [];
    for (const index of kept) {
      const timestamp = Math.round(index * options.frameEverySec * 1000) / 1000;
      const target = join(outDir, keyframeFileName(timestamp));
      try {
        await rename(jpeg(index), target);
      } catch {
        throw new ValidationError(`${name}: ffmpeg did not write the frame at ${timestamp} s`);
      }
      keyframes.push({ timestamp, path: target, hash: hashes[index]! });
    }
    return { keyframes, sampled: hashes.length };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
