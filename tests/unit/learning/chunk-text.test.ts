import { describe, expect, it } from 'vitest';
import { chunkSegments, DEFAULT_MAX_CHUNK_CHARS, type TextSegment } from '../../../src/adapters/learning/chunk-text.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';

/** A sentence of `words` words, ending with a full stop. */
function sentence(seed: number, words = 12): string {
  const vocabulary = ['price', 'sweeps', 'the', 'lows', 'then', 'engulfs', 'trend', 'higher', 'stop', 'target'];
  const out = Array.from({ length: words }, (_, i) => vocabulary[(seed * 7 + i * 3) % vocabulary.length]);
  return `${out.join(' ')}.`;
}

describe('chunkSegments', () => {
  it('starts a new chunk at each heading and carries the heading, not repeating it in the text', () => {
    const chunks = chunkSegments('src1', [
      { text: 'Intro before any heading.', page: 1 },
      { text: 'Only trade with the 4h trend.', heading: 'Context', page: 1 },
      { text: 'Enter on a bullish engulfing candle.', heading: 'Entry', page: 2 },
    ]);
    expect(chunks.map((c) => [c.index, c.heading, c.text])).toEqual([
      [0, null, 'Intro before any heading.'],
      [1, 'Context', 'Only trade with the 4h trend.'],
      [2, 'Entry', 'Enter on a bullish engulfing candle.'],
    ]);
    expect(chunks.every((c) => c.sourceId === 'src1' && c.seconds === null)).toBe(true);
  });

  it('continues a section across segments without a heading and reports the pages it spans', () => {
    const chunks = chunkSegments('s', [
      { text: 'Stop below the swing low.', heading: 'Stop and target', page: 3 },
      { text: 'Target 2R.', page: 3 },
      { text: 'Risk 2% per trade.', heading: null, page: 4 },
      { text: 'Exit on a bearish CHoCH.', heading: 'Exit', page: 4 },
    ]);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatchObject({
      heading: 'Stop and target',
      text: 'Stop below the swing low.\nTarget 2R.\fRisk 2% per trade.',
      pages: { from: 3, to: 4 },
    });
    expect(chunks[1]).toMatchObject({ heading: 'Exit', pages: { from: 4, to: 4 } });
  });

  it('marks each page turned inside a chunk with a form feed, so a quote can be placed on its page', () => {
    const [chunk] = chunkSegments('s', [
      { text: 'Wait for the sweep.', heading: 'Setup', page: 2 },
      { text: 'Enter on the engulfing candle.', page: 3 },
      // Page 4 is a scan without text: two pages are turned.
      { text: 'Stop below the swing low.', page: 5 },
    ]);
    expect(chunk!.text).toBe('Wait for the sweep.\fEnter on the engulfing candle.\f\fStop below the swing low.');
    expect(chunk!.pages).toEqual({ from: 2, to: 5 });
    const pageOfQuote = (quote: string) =>
      chunk!.pages!.from + chunk!.text.split('\f').findIndex((p) => p.includes(quote));
    expect(pageOfQuote('engulfing')).toBe(3);
    expect(pageOfQuote('swing low')).toBe(5);
  });

  it('leaves out sections with no text (a title straight above a sub-heading)', () => {
    const chunks = chunkSegments('s', [
      { text: '', heading: 'Part one', page: 1 },
      { text: '   ', heading: 'Entry', page: 1 },
      { text: 'Enter after the sweep.', heading: 'Entry details', page: 1 },
    ]);
    expect(chunks.map((c) => c.heading)).toEqual(['Entry details']);
    expect(chunks[0]!.index).toBe(0);
  });

  it('splits a long section at paragraph boundaries, every chunk under maxChars', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `${sentence(i)} ${sentence(i + 1)} ${sentence(i + 2)}`);
    const text = paragraphs.join('\n\n');
    const chunks = chunkSegments('s', [{ text, heading: 'Rules', page: 7 }], { maxChars: 400 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(400);
      expect(chunk.heading).toBe('Rules');
      expect(chunk.pages).toEqual({ from: 7, to: 7 });
      // Paragraphs are whole: every chunk is a run of them, in order.
      for (const part of chunk.text.split('\n\n')) expect(paragraphs).toContain(part);
    }
    expect(chunks.map((c) => c.text).join('\n\n')).toBe(text);
  });

  it('splits a paragraph longer than maxChars between sentences, then words', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => sentence(i));
    const paragraph = sentences.join(' ');
    const chunks = chunkSegments('s', [{ text: paragraph, page: 1 }], { maxChars: 200 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(200);
      expect(chunk.text.endsWith('.')).toBe(true);
    }
    expect(chunks.map((c) => c.text).join(' ')).toBe(paragraph);

    const oneLongSentence = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const cut = chunkSegments('s', [{ text: oneLongSentence, page: 1 }], { maxChars: 150 });
    expect(cut.every((c) => c.text.length <= 150)).toBe(true);
    expect(cut.map((c) => c.text).join(' ')).toBe(oneLongSentence);
    expect(cut.every((c) => /^word\d+( word\d+)*$/.test(c.text))).toBe(true);
  });

  it('cuts a single word longer than maxChars, losing nothing', () => {
    const word = 'x'.repeat(450);
    const chunks = chunkSegments('s', [{ text: word, page: 2 }], { maxChars: 200 });
    expect(chunks.map((c) => c.text.length)).toEqual([200, 200, 50]);
    expect(chunks.map((c) => c.text).join('')).toBe(word);
  });

  it('gives video chunks the seconds they cover and no pages', () => {
    const segments: TextSegment[] = [
      { text: 'Today the sweep setup.', heading: null, seconds: { from: 0, to: 58.5 } },
      { text: 'First the 4h trend.', heading: null, seconds: { from: 60, to: 118 } },
      { text: 'Now the entry.', heading: 'Entry', seconds: { from: 120, to: 179.25 } },
    ];
    const chunks = chunkSegments('vid', segments);
    expect(chunks).toEqual([
      {
        sourceId: 'vid',
        index: 0,
        heading: null,
        text: 'Today the sweep setup.\nFirst the 4h trend.',
        pages: null,
        seconds: { from: 0, to: 118 },
      },
      {
        sourceId: 'vid',
        index: 1,
        heading: 'Entry',
        text: 'Now the entry.',
        pages: null,
        seconds: { from: 120, to: 179.25 },
      },
    ]);
  });

  it('splits a long transcript by time, each chunk covering only its own segments', () => {
    const segments = Array.from({ length: 40 }, (_, i) => ({
      text: sentence(i, 20),
      seconds: { from: i * 30, to: i * 30 + 29 },
    }));
    const chunks = chunkSegments('vid', segments, { maxChars: 500 });
    expect(chunks.length).toBeGreaterThan(4);
    let expectedFrom = 0;
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(500);
      const lines = chunk.text.split('\n').length;
      expect(chunk.seconds).toEqual({ from: expectedFrom, to: expectedFrom + (lines - 1) * 30 + 29 });
      expectedFrom += lines * 30;
    }
    expect(expectedFrom).toBe(40 * 30);
  });

  it('is deterministic', () => {
    const segments = Array.from({ length: 50 }, (_, i) => ({
      text: `${sentence(i)}\n\n${sentence(i + 5, 30)}`,
      heading: i % 7 === 0 ? `Section ${i}` : null,
      page: 1 + Math.floor(i / 4),
    }));
    const first = chunkSegments('s', segments, { maxChars: 300 });
    const second = chunkSegments('s', structuredClone(segments), { maxChars: 300 });
    expect(second).toEqual(first);
    expect(first.map((c) => c.index)).toEqual(first.map((_, i) => i));
  });

  it('uses 4000 characters by default', () => {
    const paragraphs = Array.from({ length: 60 }, (_, i) => `${sentence(i, 20)} ${sentence(i + 1, 20)}`);
    const chunks = chunkSegments('s', [{ text: paragraphs.join('\n\n'), page: 1 }]);
    expect(DEFAULT_MAX_CHUNK_CHARS).toBe(4000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.text.length <= 4000)).toBe(true);
    // Greedy packing: a chunk is only closed when the next paragraph would not fit.
    const taken = chunks[0]!.text.split('\n\n').length;
    expect(chunks[0]!.text.length + 2 + paragraphs[taken]!.length).toBeGreaterThan(4000);
  });

  it('returns no chunks for no text', () => {
    expect(chunkSegments('s', [])).toEqual([]);
    expect(chunkSegments('s', [{ text: ' \n\n ', page: 1 }])).toEqual([]);
  });

  it('refuses bad input with the field named', () => {
    expect(() => chunkSegments('', [])).toThrow(ValidationError);
    expect(() => chunkSegments('s', [{ text: 'a', page: 0 }])).toThrow(/segments\.0\.page/);
    expect(() => chunkSegments('s', [{ text: 'a', seconds: { from: 5, to: 2 } }])).toThrow(/segments\.0\.seconds/);
    expect(() => chunkSegments('s', [], { maxChars: 10 })).toThrow(/options\.maxChars/);
    expect(() =>
      chunkSegments('s', [
        { text: 'a', page: 1 },
        { text: 'b', seconds: { from: 0, to: 1 } },
      ]),
    ).toThrow(/mix pages and seconds/);
  });
});
