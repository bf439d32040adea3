import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, dirname, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigurationError, ValidationError } from '../../../shared/contract/errors.ts';
import { FFMPEG_INSTALL_HINT, lastErrorLine, runTool } from './run-tool.ts';

export { FFMPEG_INSTALL_HINT } from './run-tool.ts';

/** Environment variables the tools are looked up by. */
type Env = Readonly<Record<string, string | undefined>>;

/** The two programs video reading needs. */
export interface MediaTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

const ENV_NAME = { ffmpeg: 'HYPERDESK_FFMPEG', ffprobe: 'HYPERDESK_FFPROBE' } as const;

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    // Windows has no execute bit; a file found with a PATHEXT extension is runnable.
    if (process.platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: Env): string | null {
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const extension of extensions) {
      const candidate = join(dir, name + extension.toLowerCase());
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

/**
 * Where ffmpeg or ffprobe is, or null. The environment variable wins (HYPERDESK_FFMPEG,
 * HYPERDESK_FFPROBE); ffprobe is then looked for beside HYPERDESK_FFMPEG, because the two ship
 * together; then PATH. A variable naming a missing file gives null rather than falling back to
 * PATH: the trader asked for that file, and silently using another would hide the mistake.
 */
export function findTool(name: 'ffmpeg' | 'ffprobe', env: Env = process.env): string | null {
  const configured = env[ENV_NAME[name]];
  if (configured) return isExecutableFile(configured) ? configured : null;
  const ffmpeg = env[ENV_NAME.ffmpeg];
  if (name === 'ffprobe' && ffmpeg) {
    const sibling = join(dirname(ffmpeg), `ffprobe${extname(ffmpeg)}`);
    if (isExecutableFile(sibling)) return sibling;
  }
  return onPath(name, env);
}

/** True when both ffmpeg and ffprobe can be found. */
export function ffmpegAvailable(env: Env = process.env): boolean {
  return findTool('ffmpeg', env) !== null && findTool('ffprobe', env) !== null;
}

/** ffmpeg and ffprobe, or a ConfigurationError that says which is missing and how to install it. */
export function requireMediaTools(env: Env = process.env): MediaTools {
  const missing = (name: 'ffmpeg' | 'ffprobe'): ConfigurationError => {
    const configured = env[ENV_NAME[name]];
    const where = configured
      ? `${ENV_NAME[name]} names ${basename(configured)}, which does not exist or cannot be run`
      : `${name} was not found on PATH`;
    return new ConfigurationError(`reading a video needs ffmpeg and ffprobe: ${where}; ${FFMPEG_INSTALL_HINT}`);
  };
  const ffmpeg = findTool('ffmpeg', env);
  if (ffmpeg === null) throw missing('ffmpeg');
  const ffprobe = findTool('ffprobe', env);
  if (ffprobe === null) throw missing('ffprobe');
  return { ffmpeg, ffprobe };
}

/**
 * How a file is named to ffmpeg: absolute (so a name starting with "-" is not an option) and
 * with the `file:` protocol (so a name with a colon is not read as another protocol).
 */
export function ffmpegInput(path: string): string {
  return `file:${resolve(path)}`;
}

/** Paths an ffmpeg message may contain for `path`, for {@link runTool}'s scrubbing. */
export function pathsOf(path: string): string[] {
  return [ffmpegInput(path), resolve(path), path];
}

/** A subtitle stream inside a media file. */
export interface SubtitleStream {
  /** Stream index within the file (as `-map 0:<index>` takes it). */
  readonly index: number;
  readonly codec: string;
  /** ISO 639 language tag, when the file says. */
  readonly language: string | null;
  /** False for picture subtitles (DVD, Blu-ray, DVB), which cannot be turned into text. */
  readonly isText: boolean;
}

/** What ffprobe says about a media file. */
export interface MediaProbe {
  readonly durationSec: number | null;
  readonly hasVideo: boolean;
  /** Index of the first real video stream (cover art is not one). */
  readonly videoStream: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly subtitleStreams: readonly SubtitleStream[];
  /** Why the file is not a video, when {@link hasVideo} is false. */
  readonly notVideoReason: string | null;
}

/** A {@link MediaProbe} of a file that is a video. */
export interface VideoProbe extends MediaProbe {
  readonly durationSec: number;
  readonly hasVideo: true;
  readonly videoStream: number;
  readonly width: number;
  readonly height: number;
  readonly notVideoReason: null;
}

const StreamSchema = z.object({
  index: z.number().int().min(0),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().int().min(0).optional(),
  height: z.number().int().min(0).optional(),
  duration: z.string().optional(),
  disposition: z.record(z.string(), z.number()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

const ProbeOutputSchema = z.object({
  streams: z.array(StreamSchema).default([]),
  format: z.object({ duration: z.string().optional(), format_name: z.string().optional() }).optional(),
});

const PICTURE_SUBTITLES = new Set(['dvd_subtitle', 'dvb_subtitle', 'hdmv_pgs_subtitle', 'xsub']);
/** Demuxers of single pictures: ffprobe reports a png renamed .mp4 as a one-frame "video". */
const STILL_IMAGE_FORMAT = /(^|,)(image2|[a-z0-9]+_pipe)(,|$)/;

function positiveSeconds(text: string | undefined): number | null {
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** Options of {@link probe}. */
export interface ProbeOptions {
  readonly tools?: MediaTools;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Reads a media file's streams and length with ffprobe. Throws a ValidationError
 * "x.mp4 is not a video (…)" when ffprobe cannot read it at all; a file it can read but that
 * has no moving picture (audio, a still image) comes back with `hasVideo: false` and the reason.
 */
export async function probe(path: string, options: ProbeOptions = {}): Promise<MediaProbe> {
  const tools = options.tools ?? requireMediaTools();
  const name = basename(path);
  const run = await runTool(
    tools.ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ffmpegInput(path)],
    {
      what: `ffprobe reading ${name}`,
      timeoutMs: options.timeoutMs ?? 60_000,
      maxStdoutBytes: 16 * 1024 * 1024,
      paths: pathsOf(path),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  if (run.code !== 0) throw new ValidationError(`${name} is not a video (${lastErrorLine(run.stderr, name)})`);
  let json: unknown;
  try {
    json = JSON.parse(run.stdout.toString('utf8'));
  } catch {
    throw new ValidationError(`${name} is not a video (ffprobe's description of it is not JSON)`);
  }
  const parsed = ProbeOutputSchema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError(`${name} is not a video (unexpected ffprobe output: ${parsed.error.issues[0]?.message})`);
  }
  const { streams, format } = parsed.data;
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const durations = [format?.duration, ...streams.map((s) => s.duration)].map(positiveSeconds);
  const durationSec = durations[0] ?? Math.max(0, ...durations.map((d) => d ?? 0));
  const formatName = format?.format_name ?? '';
  const notVideoReason =
    video === undefined
      ? streams.some((s) => s.codec_type === 'audio')
        ? 'it has sound but no picture'
        : 'it has no video stream'
      : STILL_IMAGE_FORMAT.test(formatName)
        ? `it is a still image (${video.codec_name ?? formatName})`
        : durationSec <= 0
          ? 'it has no duration'
          : null;
  return {
    durationSec: durationSec > 0 ? durationSec : null,
    hasVideo: notVideoReason === null,
    videoStream: video?.index ?? null,
    width: video?.width ?? null,
    height: video?.height ?? null,
    subtitleStreams: streams
      .filter((s) => s.codec_type === 'subtitle')
      .map((s) => ({
        index: s.index,
        codec: s.codec_name ?? 'unknown',
        language: s.tags?.language ?? null,
        isText: !PICTURE_SUBTITLES.has(s.codec_name ?? ''),
      })),
    notVideoReason,
  };
}

/** {@link probe}, and a ValidationError "x.mp4 is not a video (…)" unless it is one. */
export async function probeVideo(path: string, options: ProbeOptions = {}): Promise<VideoProbe> {
  const info = await probe(path, options);
  if (
    !info.hasVideo ||
    info.durationSec === null ||
    info.videoStream === null ||
    info.width === null ||
    info.height === null
  ) {
    throw new ValidationError(`${basename(path)} is not a video (${info.notVideoReason ?? 'no picture size'})`);
  }
  return {
    ...info,
    durationSec: info.durationSec,
    hasVideo: true,
    videoStream: info.videoStream,
    width: info.width,
    height: info.height,
    notVideoReason: null,
  };
}
