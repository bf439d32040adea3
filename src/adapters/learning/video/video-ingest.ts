import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { hashFile } from '../hash-file.ts';
import { basename } from 'node:path';
import { z } from 'zod';
import type { Ingestion } from '../../../engine/learning/learning-ports.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import { chunkSegments } from '../chunk-text.ts';
import { cueWindows, DEFAULT_WINDOW_SEC } from '../subtitles/cue-windows.ts';
import { formatBytes, MAX_SUBTITLE_BYTES, readSubtitleFile } from '../subtitles/read-subtitle-file.ts';
import { probeVideo, requireMediaTools } from './ffmpeg-tools.ts';
import { extractKeyframes } from './keyframes.ts';
import { readVideoTranscript } from './video-transcript.ts';

/** Largest video read by default. */
export const MAX_VIDEO_BYTES = 4 * 1024 ** 3;

/** Where {@link ingestVideo} is: each stage reports `done` of `total` (bytes, then seconds of video). */
export interface VideoProgress {
  readonly stage: 'hashing' | 'frames' | 'transcript';
  readonly done: number;
  readonly total: number;
}

/** Options of {@link ingestVideo}. */
export interface VideoIngestOptions {
  /** Folder the keyframe JPEGs are written to; one folder per video, since names are timestamps. */
  readonly keyframeDir: string;
  /** Seconds between sampled frames; 10 by default. */
  readonly frameEverySec?: number;
  /** Bits a frame's dHash must differ from the last kept frame's to be kept; 10 by default. */
  readonly hammingThreshold?: number;
  /** Largest file accepted; 4 GB by default. */
  readonly maxBytes?: number;
  /** Seconds of transcript per segment handed to the chunker; 60 by default. */
  readonly windowSec?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: VideoProgress) => void;
}

const VideoOptionsSchema = z.object({
  keyframeDir: z.string().min(1),
  frameEverySec: z.number().min(0.5).max(3600).default(10),
  hammingThreshold: z.number().int().min(0).max(64).default(10),
  maxBytes: z.number().int().positive().default(MAX_VIDEO_BYTES),
  windowSec: z.number().min(1).max(3600).default(DEFAULT_WINDOW_SEC),
});

/** Options of {@link ingestSubtitles}. */
export interface SubtitleIngestOptions {
  /** Largest file accepted; 20 MB by default. */
  readonly maxBytes?: number;
  /** Seconds of transcript per segment handed to the chunker; 60 by default. */
  readonly windowSec?: number;
}

const SubtitleOptionsSchema = z.object({
  maxBytes: z.number().int().positive().default(MAX_SUBTITLE_BYTES),
  windowSec: z.number().min(1).max(3600).default(DEFAULT_WINDOW_SEC),
});

function parseOptions<T extends z.ZodType>(schema: T, options: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ValidationError(`${what}: ${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}`);
}

/** The size of a video file, after checking it is a file and not above `maxBytes` (before anything is read). */
async function checkedSize(path: string, maxBytes: number): Promise<number> {
  const name = basename(path);
  const info = await stat(path).catch((error: unknown) => {
    throw new ValidationError(`${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  });
  if (!info.isFile()) throw new ValidationError(`${name} is not a file`);
  if (info.size > maxBytes) {
    throw new ValidationError(
      `${name} is ${formatBytes(info.size)}, more than the ${formatBytes(maxBytes)} a video may be`,
    );
  }
  return info.size;
}

/**
 * Reads a video into a source: its identity (SHA-256 of the content), length, keyframes with
 * near-duplicates removed, and transcript chunks with the seconds they cover. The transcript
 * comes from a subtitle file beside the video or a subtitle stream inside it; without either,
 * the chunks are empty and a notice says only the frames were kept.
 *
 * Throws ValidationError for a file that is missing, too large (checked before reading) or
 * not a video, and ConfigurationError when ffmpeg or ffprobe is missing.
 */
export async function ingestVideo(path: string, options: VideoIngestOptions): Promise<Ingestion> {
  const settings = parseOptions(VideoOptionsSchema, options, 'ingestVideo');
  const { signal, onProgress } = options;
  const name = basename(path);
  const bytes = await checkedSize(path, settings.maxBytes);
  const tools = requireMediaTools();
  const video = await probeVideo(path, { tools, ...(signal ? { signal } : {}) });

  const { hash: contentHash } = await hashFile(path, {
    onBytes: (done) => onProgress?.({ stage: 'hashing', done, total: bytes }),
    signal,
  });
  const id = contentHash.slice(0, 16);

  const { keyframes } = await extractKeyframes(tools, path, video, {
    keyframeDir: settings.keyframeDir,
    frameEverySec: settings.frameEverySec,
    hammingThreshold: settings.hammingThreshold,
    onFrame: (seconds) => onProgress?.({ stage: 'frames', done: seconds, total: video.durationSec }),
    ...(signal ? { signal } : {}),
  });

  onProgress?.({ stage: 'transcript', done: 0, total: 1 });
  const transcript = await readVideoTranscript(tools, path, video, signal ? { signal } : {});
  onProgress?.({ stage: 'transcript', done: 1, total: 1 });

  return {
    source: { id, kind: 'video', name, bytes, contentHash, pages: null, durationSec: video.durationSec },
    chunks: chunkSegments(id, cueWindows(transcript.cues, settings.windowSec)),
    notices:
      keyframes.length === 0 ? [`no frames could be read from ${name}`, ...transcript.notices] : transcript.notices,
    keyframes,
  };
}

/**
 * Reads a bare subtitle file (.srt or .vtt) into a source of kind 'subtitles': chunks with the
 * seconds they cover, and as length the end of the last cue. Throws ValidationError for a file
 * that is missing, too large, malformed (naming the line) or without any text.
 */
export async function ingestSubtitles(path: string, options: SubtitleIngestOptions = {}): Promise<Ingestion> {
  const settings = parseOptions(SubtitleOptionsSchema, options, 'ingestSubtitles');
  const name = basename(path);
  const file = await readSubtitleFile(path, settings.maxBytes);
  if (file.cues.length === 0) throw new ValidationError(`${name} has no subtitle text`);
  const contentHash = createHash('sha256').update(file.bytes).digest('hex');
  const id = contentHash.slice(0, 16);
  return {
    source: {
      id,
      kind: 'subtitles',
      name,
      bytes: file.bytes.length,
      contentHash,
      pages: null,
      durationSec: file.cues.reduce((end, cue) => Math.max(end, cue.to), 0),
    },
    chunks: chunkSegments(id, cueWindows(file.cues, settings.windowSec)),
    notices: [],
    keyframes: [],
  };
}
