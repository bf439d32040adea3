/** A sentence of a chunk: its exact text and where it sits in the chunk's text. */
export interface Sentence {
  /** Verbatim: `chunkText.slice(start, end)`. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Words that end in a full stop without ending a sentence. */
const ABBREVIATIONS = /(?:^|[^\p{L}])(?:e\.g|i\.e|etc|vs|approx|incl|min|max|no|fig|cf|ca|resp|mr|mrs|dr)$/iu;
/** List markers at the start of a line ("- ", "• ", "1. ", "2) "). */
const LIST_MARKER = /^[ \t]*(?:[-*•▪◦‣]|\d{1,2}[.)])[ \t]+/;
/** A bracketed video timestamp at the start of a sentence ("[12:34]", "[01:02:03]"). */
const LEADING_TIMESTAMP = /^\[(?:\d{1,2}:)?\d{1,2}:\d{2}\][ \t]*/;

/**
 * Splits text into sentences, keeping each one's exact span so quotes stay verbatim. A
 * sentence ends at `.`, `!` or `?` (with any closing quotes or brackets) followed by
 * whitespace and a capital, digit, quote or bracket; not after a known abbreviation or inside
 * a number ("1.5R"). Blank lines, form feeds (page breaks) and list items always start a new
 * sentence; a single line break (a wrapped line) does not. Leading list markers and
 * bracketed timestamps are not part of the sentence.
 */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const block of blocks(text)) {
    let from = block.start;
    for (let i = block.start; i < block.end; i++) {
      if (!'.!?'.includes(text.charAt(i))) continue;
      let end = i + 1;
      while (end < block.end && /[.!?"'”’)\]]/.test(text.charAt(end))) end++;
      if (end < block.end && !/\s/.test(text.charAt(end))) continue;
      let next = end;
      while (next < block.end && /\s/.test(text.charAt(next))) next++;
      const startsSentence = next >= block.end || /[\p{Lu}\d"'“‘([]/u.test(text.charAt(next));
      if (!startsSentence) continue;
      if (text.charAt(i) === '.' && ABBREVIATIONS.test(text.slice(from, i))) continue;
      push(sentences, text, from, end);
      from = next;
      i = next - 1;
    }
    push(sentences, text, from, block.end);
  }
  return sentences;
}

/** Spans between hard breaks: blank lines, form feeds and the starts of list items. */
function blocks(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  const breaks = /\n[ \t]*\n|\f|\n(?=[ \t]*(?:[-*•▪◦‣]|\d{1,2}[.)])[ \t]+)/g;
  let start = 0;
  for (let match = breaks.exec(text); match !== null; match = breaks.exec(text)) {
    spans.push({ start, end: match.index });
    start = match.index + match[0].length;
  }
  spans.push({ start, end: text.length });
  return spans;
}

function push(sentences: Sentence[], text: string, from: number, to: number): void {
  let start = from;
  let end = to;
  for (;;) {
    const rest = text.slice(start, end);
    const marker = LIST_MARKER.exec(rest) ?? LEADING_TIMESTAMP.exec(rest);
    const space = /^\s+/.exec(rest);
    const skip = marker?.[0].length || space?.[0].length || 0;
    if (skip === 0) break;
    start += skip;
  }
  while (end > start && /\s/.test(text.charAt(end - 1))) end--;
  if (end > start) sentences.push({ text: text.slice(start, end), start, end });
}
