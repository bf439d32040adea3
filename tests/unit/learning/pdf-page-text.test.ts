import { describe, expect, it } from 'vitest';
import { arrangePageText, type PositionedText } from '../../../src/adapters/learning/pdf/page-text.ts';

const HEIGHT = 792;

/** A fragment with a width of 5.5 pt per character (close enough for 11 pt Helvetica). */
function t(str: string, x: number, y: number, size = 11, bold = false): PositionedText {
  return { str, x, y, width: str.length * size * 0.5, size, bold };
}

describe('arrangePageText', () => {
  it('reads lines top to bottom and fragments left to right, whatever order they were drawn in', () => {
    const items = [
      t('second line', 72, 685),
      t('world', 110, 700.4),
      t('Hello', 72, 700),
      t('third', 72, 670),
      t('line', 102, 669.6),
    ];
    expect(arrangePageText(items, HEIGHT).text).toBe('Hello world\nsecond line\nthird line');
  });

  it('keeps a superscript on its line and adds the space a PDF does not draw', () => {
    const items = [t('RSI', 72, 700), t('14', 90, 703, 7), t('above 70', 105, 700)];
    expect(arrangePageText(items, HEIGHT).text).toBe('RSI 14 above 70');
    // Fragments that touch are one word.
    expect(arrangePageText([t('engul', 72, 700), t('fing', 99.5, 700)], HEIGHT).text).toBe('engulfing');
  });

  it('separates paragraphs with a blank line where the gap is larger than the leading', () => {
    const items = [t('one a', 72, 700), t('one b', 72, 685), t('two a', 72, 662), t('two b', 72, 647)];
    expect(arrangePageText(items, HEIGHT).text).toBe('one a\none b\n\ntwo a\ntwo b');
    // Two-line paragraphs have as many paragraph gaps as line gaps; the leading is still the smaller.
    const pairs = Array.from({ length: 6 }, (_, i) => [
      t(`p${i} first`, 72, 700 - i * 38),
      t(`p${i} second`, 72, 685 - i * 38),
    ]).flat();
    expect(arrangePageText(pairs, HEIGHT).text.split('\n\n')).toHaveLength(6);
    // A list of one-line paragraphs, spaced apart.
    const list = Array.from({ length: 5 }, (_, i) => t(`Rule ${i + 1}.`, 72, 700 - i * 23));
    expect(arrangePageText(list, HEIGHT).text).toBe('Rule 1.\n\nRule 2.\n\nRule 3.\n\nRule 4.\n\nRule 5.');
  });

  it('finds headings by size and by bold, merging a heading that wraps', () => {
    const items = [
      t('The Liquidity Sweep', 72, 720, 22, true),
      t('Reversal', 72, 694, 22, true),
      t('Body text that runs long enough to be the body size of the page.', 72, 660),
      t('Entry', 72, 630, 11, true),
      t('Enter on a bullish engulfing candle after the sweep of the lows.', 72, 612),
      t('A partly ', 72, 597),
      t('bold', 120, 597, 11, true),
      t(' line is not a heading.', 145, 597),
    ];
    const page = arrangePageText(items, HEIGHT);
    expect(page.headings).toEqual(['The Liquidity Sweep Reversal', 'Entry']);
    expect(page.text.split('\n')).toContain('The Liquidity Sweep Reversal');
    expect(page.text.split('\n')).toContain('Entry');
  });

  it('does not take bold for a heading when the whole page is bold', () => {
    const items = [t('All of this page', 72, 700, 11, true), t('is set in bold type.', 72, 685, 11, true)];
    expect(arrangePageText(items, HEIGHT).headings).toEqual([]);
  });

  it('takes a page number printed alone in the footer or header out of the text', () => {
    const body = [t('Body text.', 72, 700)];
    for (const [label, value] of [
      ['Page 12', '12'],
      ['12', '12'],
      ['- 7 -', '7'],
      ['3 of 40', '3'],
      ['xiv', 'xiv'],
    ] as const) {
      const footer = arrangePageText([...body, t(label, 290, 36, 9)], HEIGHT);
      expect(footer).toMatchObject({ printedNumber: value, text: 'Body text.' });
      const header = arrangePageText([t(label, 290, 760, 9), ...body], HEIGHT);
      expect(header).toMatchObject({ printedNumber: value, text: 'Body text.' });
    }
  });

  it('leaves numbers and words that are not page numbers alone', () => {
    // A number in the middle of the page is content.
    expect(arrangePageText([t('Body text.', 72, 700), t('42', 72, 400)], HEIGHT).printedNumber).toBeNull();
    // A word made of roman-numeral letters is not a numeral.
    const footer = arrangePageText([t('Body text.', 72, 700), t('mild', 290, 36, 9)], HEIGHT);
    expect(footer).toMatchObject({ printedNumber: null, text: 'Body text.\n\nmild' });
  });

  it('returns nothing for a page without text', () => {
    expect(arrangePageText([], HEIGHT)).toEqual({ text: '', headings: [], printedNumber: null });
    expect(arrangePageText([t('   ', 72, 700)], HEIGHT).text).toBe('');
  });
});
