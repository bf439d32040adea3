import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ValidationError } from '../../../shared/contract/errors.ts';
import { parseSubtitles, subtitleFormatOf, type Cue, type SubtitleFormat } from './parse-subtitles.ts';

/** Largest subtitle file read by default: a three-hour talk is well under 1 MB. */
export const MAX_SUBTITLE_BYTES = 20 * 1024 * 1024;

/**
 * Subtitle bytes as text. A byte-order mark decides when there is one; otherwise UTF-8, and
 * when that is not valid, Windows-1252, the encoding older subtitle tools on Windows wrote.
 */
export function decodeSubtitleBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** A subtitle file read and parsed. */
export interface SubtitleFile {
  readonly cues: Cue[];
  readonly format: SubtitleFormat;
  /** The file's bytes, for hashing. */
  readonly bytes: Buffer;
}

/**
 * Reads a .srt or .vtt file. Errors are ValidationErrors naming the file by its base name:
 * unreadable, not a subtitle file, too large (checked before reading), or malformed (with the line).
 */
export async function readSubtitleFile(path: string, maxBytes: number = MAX_SUBTITLE_BYTES): Promise<SubtitleFile> {
  const name = basename(path);
  const format = subtitleFormatOf(name);
  if (format === null) throw new ValidationError(`${name} is not a subtitle file (.srt or .vtt)`);
  const cannotRead = (error: unknown) =>
    new ValidationError(`${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  const info = await stat(path).catch((error: unknown) => {
    throw cannotRead(error);
  });
  if (!info.isFile()) throw new ValidationError(`${name} is not a file`);
  if (info.size > maxBytes) {
    throw new ValidationError(
      `${name} is ${formatBytes(info.size)}, more than the ${formatBytes(maxBytes)} a subtitle file may be`,
    );
  }
  const bytes = await readFile(path).catch((error: unknown) => {
    throw cannotRead(error);
  });
  return { cues: parseSubtitles(decodeSubtitleBytes(bytes), format, name), format, bytes };
}

/** A byte count for people: "4.0 GB", "12.5 MB", "800 KB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}
