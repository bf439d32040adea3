import { ValidationError } from '../../../shared/contract/errors.ts';

/** One subtitle: the words shown from `from` to `to` seconds. */
export interface Cue {
  readonly from: number;
  readonly to: number;
  /** The cue's lines joined by spaces, markup removed. */
  readonly text: string;
}

/** The subtitle formats read. */
export type SubtitleFormat = 'srt' | 'vtt';

/** The format a file name says it is (".srt", ".vtt", any case), or null. */
export function subtitleFormatOf(fileName: string): SubtitleFormat | null {
  const match = /\.(srt|vtt)$/i.exec(fileName);
  return match ? (match[1]!.toLowerCase() as SubtitleFormat) : null;
}

/**
 * Parses subtitles into cues in file order. `name` (a base name) is used in errors, which also
 * give the line: "talk.srt: line 12: …". A file whose text says WEBVTT is read as WebVTT
 * whatever its extension, since files are often renamed.
 */
export function parseSubtitles(text: string, format: SubtitleFormat, name: string): Cue[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  return format === 'vtt' || /^WEBVTT(?:[ \t]|$)/.test(lines[0] ?? '')
    ? parseVttLines(lines, name)
    : parseSrtLines(lines, name);
}

const TIME = String.raw`(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?`;
const TIMING = new RegExp(String.raw`^\s*${TIME}\s*-->\s*${TIME}(?:\s.*)?$`);

function seconds(
  hours: string | undefined,
  minutes: string,
  secs: string,
  fraction: string | undefined,
): number | null {
  const m = Number(minutes);
  const s = Number(secs);
  if (m >= 60 || s >= 60) return null;
  return Number(hours ?? 0) * 3600 + m * 60 + s + (fraction === undefined ? 0 : Number(`0.${fraction}`));
}

interface CueTiming {
  readonly from: number;
  readonly to: number;
}

type Timing = CueTiming | 'not-timing' | 'bad-clock';

function parseTiming(line: string): Timing {
  const match = TIMING.exec(line);
  if (!match) return 'not-timing';
  const [, h1, m1, s1, f1, h2, m2, s2, f2] = match;
  const from = seconds(h1, m1!, s1!, f1);
  const to = seconds(h2, m2!, s2!, f2);
  return from === null || to === null ? 'bad-clock' : { from, to };
}

function clip(line: string): string {
  const trimmed = line.trim();
  return trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  lrm: '',
  rlm: '',
};

/** A cue's lines as plain words: tags, ASS overrides and line-break codes removed, entities decoded. */
export function cleanCueText(lines: readonly string[]): string {
  return (
    lines
      .join(' ')
      .replace(/\{\\[^}]*\}/g, '') // ASS overrides such as {\an8}
      .replace(/\\[Nnh]/g, ' ') // ASS line breaks left in converted files
      // <i>, <font …>, WebVTT <v Name>, <c.class>, <00:00:01.000>; a tag starts right after "<"
      // (a letter, "/" or a digit), so "RSI < 30 and price > the EMA" keeps its words.
      .replace(/<\/?[A-Za-z0-9][^<>]*>/g, '')
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
        if (entity.startsWith('#')) {
          const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1));
          return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
        }
        return ENTITIES[entity.toLowerCase()] ?? whole;
      })
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function fail(name: string, lineIndex: number, message: string): never {
  throw new ValidationError(`${name}: line ${lineIndex + 1}: ${message}`);
}

function timingOrFail(lines: readonly string[], index: number, name: string, example: string): CueTiming {
  const timing = parseTiming(lines[index] ?? '');
  if (timing === 'not-timing') {
    fail(name, index, `expected a cue timing like "${example}", found "${clip(lines[index] ?? '')}"`);
  }
  if (timing === 'bad-clock') fail(name, index, `minutes and seconds must be below 60 in "${clip(lines[index]!)}"`);
  if (timing.to < timing.from) fail(name, index, `the cue ends before it starts ("${clip(lines[index]!)}")`);
  return timing;
}

const isBlank = (line: string | undefined) => line === undefined || line.trim() === '';
const isNumber = (line: string | undefined) => line !== undefined && /^\s*\d+\s*$/.test(line);

function parseSrtLines(lines: readonly string[], name: string): Cue[] {
  const cues: Cue[] = [];
  const example = '00:00:01,000 --> 00:00:04,000';
  let i = 0;
  while (i < lines.length) {
    if (isBlank(lines[i])) {
      i++;
      continue;
    }
    if (isNumber(lines[i])) {
      if (i + 1 >= lines.length || isBlank(lines[i + 1])) fail(name, i, 'a cue number with no timing after it');
      i++;
    }
    const timing = timingOrFail(lines, i, name, example);
    i++;
    const text: string[] = [];
    // A cue ends at a blank line; a timing (with or without its number) straight after the text
    // also starts a new cue, since some tools forget the blank line.
    while (
      i < lines.length &&
      !isBlank(lines[i]) &&
      parseTiming(lines[i]!) === 'not-timing' &&
      !(isNumber(lines[i]) && parseTiming(lines[i + 1] ?? '') !== 'not-timing')
    ) {
      text.push(lines[i]!);
      i++;
    }
    const clean = cleanCueText(text);
    if (clean !== '') cues.push({ ...timing, text: clean });
  }
  return cues;
}

function parseVttLines(lines: readonly string[], name: string): Cue[] {
  if (!/^WEBVTT(?:[ \t]|$)/.test(lines[0] ?? '')) {
    fail(name, 0, `a WebVTT file starts with "WEBVTT", found "${clip(lines[0] ?? '')}"`);
  }
  const cues: Cue[] = [];
  const example = '00:00:01.000 --> 00:00:04.000';
  let i = 1;
  while (i < lines.length && !isBlank(lines[i])) i++; // header lines
  while (i < lines.length) {
    if (isBlank(lines[i])) {
      i++;
      continue;
    }
    // Comment, style and region blocks carry no words.
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(lines[i]!)) {
      while (i < lines.length && !isBlank(lines[i])) i++;
      continue;
    }
    if (!lines[i]!.includes('-->')) {
      i++; // a cue identifier; the timing must follow
      if (i >= lines.length || isBlank(lines[i])) fail(name, i - 1, 'a cue identifier with no timing after it');
    }
    const timing = timingOrFail(lines, i, name, example);
    i++;
    const text: string[] = [];
    while (i < lines.length && !isBlank(lines[i]) && !lines[i]!.includes('-->')) {
      text.push(lines[i]!);
      i++;
    }
    const clean = cleanCueText(text);
    if (clean !== '') cues.push({ ...timing, text: clean });
  }
  return cues;
}
