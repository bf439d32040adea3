import { z } from 'zod';
import { ValidationError } from '../../shared/contract/errors.ts';
import type { Chunk } from '../../shared/contract/knowledge.ts';

/**
 * Cuts a source's text into the chunks extractors read, for documents (segments carry a
 * page) and videos (segments carry seconds) alike: a heading starts a new chunk, a section
 * longer than `maxChars` is split at paragraph, then sentence, then word boundaries, and
 * every chunk says which pages or seconds it covers. Where a chunk's text moves on to a later
 * page there is a form feed per page turned ("\f", "\f\f" past a page without text), so the
 * citation check can tell which page a quote is on. Same input, same chunks.
 */

/** A piece of a source's text, in source order. */
export interface TextSegment {
  readonly text: string;
  /** A heading starts a new section; null or absent continues the current one. */
  readonly heading?: string | null;
  /** The 1-based page it is on (documents). */
  readonly page?: number;
  /** Where it is spoken (videos). */
  readonly seconds?: { readonly from: number; readonly to: number };
}

/** Options of {@link chunkSegments}. */
export interface ChunkOptions {
  /** Longest chunk text, in characters; 4000 by default. */
  readonly maxChars?: number;
}

/** Default longest chunk, in characters. */
export const DEFAULT_MAX_CHUNK_CHARS = 4000;

const SegmentSchema = z.object({
  text: z.string(),
  heading: z.string().nullable().optional(),
  page: z.number().int().min(1).optional(),
  seconds: z
    .object({ from: z.number().min(0), to: z.number().min(0) })
    .refine((s) => s.from <= s.to, 'from must not be after to')
    .optional(),
});
const OptionsSchema = z.object({ maxChars: z.number().int().min(100).max(1_000_000).optional() });

/** A piece of text small enough to place whole, with where it came from. */
interface Unit {
  readonly text: string;
  /** What goes between this unit and the one before it in the same chunk. */
  readonly joiner: string;
  readonly page: number | null;
  readonly seconds: { readonly from: number; readonly to: number } | null;
}

interface Section {
  readonly heading: string | null;
  readonly units: Unit[];
}

/** The first problem zod found, with the field it is in. */
function invalid(what: string, error: z.ZodError): ValidationError {
  const issue = error.issues[0];
  const field = [what, ...(issue?.path ?? [])].map(String).join('.');
  return new ValidationError(`chunkSegments: ${field}: ${issue?.message ?? 'invalid'}`);
}

/** Splits `text` into pieces of at most `max` characters at the last `boundary` that fits, else at `max`. */
function splitAt(text: string, max: number, boundary: RegExp): string[] {
  const pieces = text.split(boundary).filter((p) => p.trim() !== '');
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const candidate = current ? `${current} ${piece}` : piece;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    if (current) out.push(current);
    current = piece;
  }
  if (current) out.push(current);
  return out;
}

/** Pieces of one paragraph, each at most `max` characters: whole sentences, else words, else cut. */
function splitParagraph(paragraph: string, max: number): string[] {
  if (paragraph.length <= max) return [paragraph];
  const out: string[] = [];
  for (const sentences of splitAt(paragraph, max, /(?<=[.!?;:])\s+/)) {
    for (const words of sentences.length <= max ? [sentences] : splitAt(sentences, max, /\s+/)) {
      for (let at = 0; at < words.length; at += max) out.push(words.slice(at, at + max));
    }
  }
  return out;
}

function toUnits(segment: z.infer<typeof SegmentSchema>, max: number): Unit[] {
  const page = segment.page ?? null;
  const seconds = segment.seconds ?? null;
  const units: Unit[] = [];
  const paragraphs = segment.text
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  paragraphs.forEach((paragraph, p) => {
    splitParagraph(paragraph, max).forEach((piece, s) => {
      // Sentences of one paragraph rejoin with a space, paragraphs with a blank line, and
      // separate segments (pages, subtitle cues) with a line break.
      const joiner = s > 0 ? ' ' : p > 0 ? '\n\n' : '\n';
      units.push({ text: piece, joiner, page, seconds });
    });
  });
  return units;
}

/**
 * Turns segments into chunks numbered from 0. Sections without text are left out (a title
 * directly followed by a sub-heading); the heading is carried in `heading`, not repeated in
 * `text`. Segments must all be pages or all be seconds.
 */
export function chunkSegments(sourceId: string, segments: readonly TextSegment[], options: ChunkOptions = {}): Chunk[] {
  if (sourceId.trim() === '') throw new ValidationError('chunkSegments: sourceId is empty');
  const parsedOptions = OptionsSchema.safeParse(options);
  if (!parsedOptions.success) throw invalid('options', parsedOptions.error);
  const max = parsedOptions.data.maxChars ?? DEFAULT_MAX_CHUNK_CHARS;
  const parsed = z.array(SegmentSchema).safeParse(segments);
  if (!parsed.success) throw invalid('segments', parsed.error);
  const hasPages = parsed.data.some((s) => s.page !== undefined);
  const hasSeconds = parsed.data.some((s) => s.seconds !== undefined);
  if (hasPages && hasSeconds) {
    throw new ValidationError('chunkSegments: segments mix pages and seconds; a source is a document or a video');
  }

  const sections: Section[] = [];
  for (const segment of parsed.data) {
    const heading = segment.heading?.trim() || null;
    const current = sections.at(-1);
    const section = heading !== null || !current ? { heading, units: [] } : current;
    if (section !== current) sections.push(section);
    section.units.push(...toUnits(segment, max));
  }

  const chunks: Chunk[] = [];
  for (const section of sections) {
    let units: Unit[] = [];
    let length = 0;
    const flush = () => {
      if (units.length === 0) return;
      chunks.push(makeChunk(sourceId, chunks.length, section.heading, units));
      units = [];
      length = 0;
    };
    for (const unit of section.units) {
      const previous = units.at(-1);
      const added = previous ? joinerOf(previous, unit).length + unit.text.length : unit.text.length;
      if (length + added > max) flush();
      length += units.length === 0 ? unit.text.length : added;
      units.push(unit);
    }
    flush();
  }
  return chunks;
}

/** What goes between two units in a chunk: a form feed per page turned, else the unit's own joiner. */
function joinerOf(previous: Unit, unit: Unit): string {
  if (previous.page !== null && unit.page !== null && unit.page !== previous.page) {
    return '\f'.repeat(Math.max(1, unit.page - previous.page));
  }
  return unit.joiner;
}

function makeChunk(sourceId: string, index: number, heading: string | null, units: readonly Unit[]): Chunk {
  const text = units.map((u, i) => (i === 0 ? u.text : joinerOf(units[i - 1]!, u) + u.text)).join('');
  const pages = units.flatMap((u) => (u.page === null ? [] : [u.page]));
  const seconds = units.flatMap((u) => (u.seconds === null ? [] : [u.seconds]));
  return {
    sourceId,
    index,
    heading,
    text,
    pages: pages.length > 0 ? { from: Math.min(...pages), to: Math.max(...pages) } : null,
    seconds:
      seconds.length > 0
        ? { from: Math.min(...seconds.map((s) => s.from)), to: Math.max(...seconds.map((s) => s.to)) }
        : null,
  };
}
