import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { HyperdeskError, ValidationError } from '../../../shared/contract/errors.ts';
import { parseSubtitles, subtitleFormatOf, type Cue } from '../subtitles/parse-subtitles.ts';
import { decodeSubtitleBytes, readSubtitleFile } from '../subtitles/read-subtitle-file.ts';
import { ffmpegInput, pathsOf, type MediaProbe, type MediaTools } from './ffmpeg-tools.ts';
import { lastErrorLine, runTool } from './run-tool.ts';

/** What a video had to say, and where it came from. */
export interface VideoTranscript {
  readonly cues: readonly Cue[];
  /** "talk.en.srt" for a subtitle file, "subtitle stream 2" for one inside the video, null for none. */
  readonly origin: string | null;
  readonly notices: readonly string[];
}

/** The notice given when a video brings no words at all. */
export const NO_TRANSCRIPT_NOTICE =
  'no transcript: no subtitle file next to the video and no subtitle stream in it, and no offline speech-to-text is available; only the frames were kept (Claude can read chart frames)';

/** Language tags taken for English in sidecar names ("talk.en.srt", "talk.en-US.vtt", "talk.eng.srt"). */
const ENGLISH = /^(en|eng|english)([-_][a-z0-9]+)?$/i;

/**
 * Subtitle files beside a video, best first: same base name ("talk.srt", "talk.vtt"), then an
 * English one ("talk.en.srt"), then any other "talk.<tag>.srt". Names are compared ignoring
 * case, as on the file systems of most traders' machines.
 */
export async function findSidecarSubtitles(videoPath: string): Promise<string[]> {
  const dir = dirname(videoPath);
  const stem = basename(videoPath, extname(videoPath)).toLowerCase();
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  const ranked: { name: string; rank: number }[] = [];
  for (const entry of entries) {
    const format = subtitleFormatOf(entry);
    if (format === null) continue;
    const entryStem = entry.slice(0, -4).toLowerCase();
    if (entryStem === stem) ranked.push({ name: entry, rank: 0 });
    else if (entryStem.startsWith(`${stem}.`)) {
      const tag = entryStem.slice(stem.length + 1);
      if (/^[a-z0-9_-]{1,12}$/i.test(tag)) ranked.push({ name: entry, rank: ENGLISH.test(tag) ? 1 : 2 });
    }
  }
  ranked.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  return ranked.map((r) => join(dir, r.name));
}

/** Options of {@link readVideoTranscript}. */
export interface TranscriptOptions {
  readonly signal?: AbortSignal;
  readonly maxSubtitleBytes?: number;
}

/**
 * The words of a video: from a subtitle file beside it, else from its first text subtitle
 * stream, else none, with a notice saying so. Subtitles that cannot be read or parsed are
 * skipped with a notice rather than thrown: the video's frames are still worth keeping.
 */
export async function readVideoTranscript(
  tools: MediaTools,
  videoPath: string,
  video: MediaProbe,
  options: TranscriptOptions = {},
): Promise<VideoTranscript> {
  const notices: string[] = [];
  for (const sidecar of await findSidecarSubtitles(videoPath)) {
    try {
      const { cues } = await readSubtitleFile(sidecar, options.maxSubtitleBytes);
      if (cues.length > 0) return { cues, origin: basename(sidecar), notices };
      notices.push(`${basename(sidecar)} has no subtitle text, so it was not used`);
    } catch (error) {
      if (!(error instanceof HyperdeskError)) throw error;
      notices.push(`${basename(sidecar)} was not used: ${error.message}`);
    }
  }

  const stream = video.subtitleStreams.find((s) => s.isText);
  if (stream) {
    try {
      const cues = await extractStream(tools, videoPath, stream.index, options.signal);
      if (cues.length > 0) return { cues, origin: `subtitle stream ${stream.index}`, notices };
      notices.push(`the subtitle stream of ${basename(videoPath)} has no text`);
    } catch (error) {
      if (!(error instanceof HyperdeskError)) throw error;
      notices.push(error.message);
    }
  } else if (video.subtitleStreams.length > 0) {
    const codecs = [...new Set(video.subtitleStreams.map((s) => s.codec))].join(', ');
    notices.push(
      `the subtitles inside ${basename(videoPath)} are pictures (${codecs}), which cannot be read as text; a .srt or .vtt file beside the video would be used`,
    );
  }
  notices.push(NO_TRANSCRIPT_NOTICE);
  return { cues: [], origin: null, notices };
}

async function extractStream(
  tools: MediaTools,
  videoPath: string,
  index: number,
  signal?: AbortSignal,
): Promise<Cue[]> {
  const name = basename(videoPath);
  const run = await runTool(
    tools.ffmpeg,
    [
      '-nostdin',
      '-hide_banner',
      '-v',
      'error',
      '-i',
      ffmpegInput(videoPath),
      '-map',
      `0:${index}`,
      '-f',
      'srt',
      'pipe:1',
    ],
    {
      what: `ffmpeg reading the subtitles of ${name}`,
      // Subtitles are read by demuxing the whole file, which is bound by disk speed, not decoding.
      timeoutMs: 600_000,
      idleTimeoutMs: 120_000,
      maxStdoutBytes: 32 * 1024 * 1024,
      paths: pathsOf(videoPath),
      ...(signal ? { signal } : {}),
    },
  );
  if (run.code !== 0) {
    throw new ValidationError(`${name}: its subtitle stream could not be read (${lastErrorLine(run.stderr, name)})`);
  }
  return parseSubtitles(decodeSubtitleBytes(run.stdout), 'srt', `${name} (subtitle stream ${index})`);
}
