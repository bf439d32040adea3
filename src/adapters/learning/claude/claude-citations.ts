import { RuleSchema, type Chunk, type Rule } from '../../../shared/contract/knowledge.ts';
import { markerSeconds, TIME_MARKER, withoutTimeMarkers } from '../../../shared/contract/knowledge.ts';
import type { ExtractionFailure } from '../../../engine/learning/learning-ports.ts';
import { defuseDelimiters } from './claude-prompt.ts';

/** A quote shorter than this (normalised) matches almost any text, so it proves nothing. */
const MIN_QUOTE_CHARS = 8;

/**
 * Text as compared for citations: compatibility forms folded (PDF ligatures such as "ﬁ"),
 * typographic quotes and dashes made plain, soft hyphens dropped and whitespace collapsed.
 * Models copy text faithfully but routinely straighten quotes and rejoin wrapped lines; none
 * of that changes the words, so none of it should make a genuine quote look invented.
 */
export function normalizeForQuote(text: string): string {
  return withoutTimeMarkers(text)
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u00AD/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Rules whose citations hold, and the ones dropped because their quote is not in the chunk. */
export interface CitationCheck {
  readonly kept: readonly Rule[];
  readonly dropped: readonly ExtractionFailure[];
}

/**
 * Checks each rule's citation against the chunk it was extracted from. The quote must occur
 * in the chunk's text (whitespace-normalised), or the rule is dropped as a hallucinated
 * citation. The rest of the citation is the chunk's to say, not the model's: the source id is
 * the chunk's; the page is the one the quote is on when the text marks pages with form feeds,
 * else the model's when within the chunk's pages, else the chunk's first; a timestamp outside
 * the chunk's seconds becomes the chunk's start.
 */
export function checkCitations(rules: readonly Rule[], chunk: Chunk): CitationCheck {
  const haystacks = [normalizeForQuote(chunk.text), normalizeForQuote(defuseDelimiters(chunk.text))];
  const pages = chunk.text.split('\f').map(normalizeForQuote);
  const kept: Rule[] = [];
  const dropped: ExtractionFailure[] = [];
  for (const rule of rules) {
    const quote = normalizeForQuote(rule.citation.quote);
    if (quote.length < MIN_QUOTE_CHARS || !haystacks.some((text) => text.includes(quote))) {
      dropped.push({
        chunkIndex: chunk.index,
        message: `rule "${rule.name}" dropped: its quote does not occur in the text of this section (hallucinated citation)`,
        raw: JSON.stringify(rule),
      });
      continue;
    }
    const fixed = RuleSchema.safeParse({
      ...rule,
      citation: {
        sourceId: chunk.sourceId,
        page: pageOf(rule.citation.page, quote, chunk, pages),
        timestamp: timestampOf(rule.citation.timestamp, quote, chunk),
        quote: rule.citation.quote,
      },
    });
    if (fixed.success) kept.push(fixed.data);
    else {
      dropped.push({
        chunkIndex: chunk.index,
        message: `rule "${rule.name}" dropped: its citation is invalid for this section`,
        raw: JSON.stringify(rule),
      });
    }
  }
  return { kept, dropped };
}

function pageOf(claimed: number | null, quote: string, chunk: Chunk, pages: readonly string[]): number | null {
  if (!chunk.pages) return null;
  const { from, to } = chunk.pages;
  if (pages.length > 1) {
    const at = pages.findIndex((page) => page.includes(quote));
    if (at >= 0) return Math.min(to, from + at);
  }
  if (claimed !== null && claimed >= from && claimed <= to) return claimed;
  return from;
}

/**
 * The second a quote is said: the time marker of the cue it starts in (the last marker from
 * which the rest of the text still contains the quote), else the model's when within the
 * chunk, else the chunk's start.
 */
function timestampOf(claimed: number | null, quote: string, chunk: Chunk): number | null {
  if (!chunk.seconds) return null;
  const { from, to } = chunk.seconds;
  let found: number | null = null;
  for (const marker of chunk.text.matchAll(TIME_MARKER)) {
    if (!normalizeForQuote(chunk.text.slice(marker.index)).includes(quote)) break;
    found = markerSeconds(marker);
  }
  if (found !== null && found >= from && found <= to) return found;
  return claimed !== null && claimed >= from && claimed <= to ? claimed : from;
}
