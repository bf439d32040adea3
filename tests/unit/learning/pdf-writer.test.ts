import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { helveticaWidth } from '../../../src/adapters/learning/pdf/helvetica-metrics.ts';
import { layoutDocument } from '../../../src/adapters/learning/pdf/pdf-layout.ts';
import { writePdf } from '../../../src/adapters/learning/pdf/pdf-writer.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import {
  deterministicFixtures,
  FIXTURES_DIR,
  INJECTION_LINE,
  strategyGuideBlocks,
} from '../../../scripts/make-test-pdfs.ts';

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** Every in-use xref entry's offset, checked to point at "n 0 obj". */
function checkXref(bytes: Uint8Array): number {
  const text = latin1(bytes);
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  expect(text.slice(startxref, startxref + 5)).toBe('xref\n');
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref)) ?? [];
  expect(Number(first)).toBe(0);
  const entries = text
    .slice(startxref)
    .split('\n')
    .slice(2, 2 + Number(count));
  entries.slice(1).forEach((entry, i) => {
    expect(entry).toMatch(/^\d{10} 00000 n\r$/);
    const offset = Number(entry.slice(0, 10));
    expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
  });
  expect(text).toContain(`/Size ${count}`);
  return Number(count) - 1;
}

describe('PDF writer', () => {
  it('writes a cross-reference table whose offsets point at each object', () => {
    const pages = layoutDocument([
      { kind: 'title', text: 'A title' },
      { kind: 'paragraph', text: 'Some (text) with a \\ backslash. '.repeat(40) },
      { kind: 'page-break' },
      { kind: 'image', image: { width: 100, height: 100, columns: 2, pixels: new Uint8Array([0, 255, 255, 0]) } },
    ]);
    for (const compress of [false, true]) {
      const bytes = writePdf(pages, { compress, title: 'A title' });
      expect(latin1(bytes.subarray(0, 9))).toBe('%PDF-1.4\n');
      // 2 fonts, 2 pages with content, 1 image, page tree, catalog, info.
      expect(checkXref(bytes)).toBe(10);
    }
  });

  it('escapes parentheses and backslashes in text, and draws text where it was placed', () => {
    const bytes = writePdf([{ runs: [{ text: 'a (b) \\ c', x: 72.125, y: 700, size: 11, bold: true }] }]);
    expect(latin1(bytes)).toContain('BT /F2 11 Tf 1 0 0 1 72.13 700 Tm (a \\(b\\) \\\\ c) Tj ET');
  });

  it('deflates streams when asked, and the content is intact', () => {
    const run = { text: 'Enter on a bullish engulfing candle.', x: 72, y: 700, size: 11 };
    const plain = writePdf([{ runs: [run] }]);
    const packed = writePdf([{ runs: [run] }], { compress: true });
    expect(latin1(plain)).toContain('(Enter on a bullish engulfing candle.) Tj');
    expect(latin1(packed)).not.toContain('engulfing');
    const stream = /\/FlateDecode \/Length (\d+) >>\nstream\n/.exec(latin1(packed))!;
    const start = stream.index + stream[0].length;
    const inflated = inflateSync(packed.subarray(start, start + Number(stream[1]))).toString('latin1');
    expect(inflated).toContain('(Enter on a bullish engulfing candle.) Tj');
  });

  it('refuses characters the fonts cannot show, rather than print the wrong glyph', () => {
    expect(() => writePdf([{ runs: [{ text: 'stop \u2014 loss', x: 0, y: 0, size: 11 }] }])).toThrow(ValidationError);
    expect(() => writePdf([{ runs: [{ text: 'ok', x: Number.NaN, y: 0, size: 11 }] }])).toThrow(/finite/);
  });

  it('is deterministic', () => {
    const blocks = strategyGuideBlocks();
    expect(writePdf(layoutDocument(blocks), { compress: true })).toEqual(
      writePdf(layoutDocument(blocks), { compress: true }),
    );
  });

  it('lays text out inside the margins, with a footer page number on every page', () => {
    const pages = layoutDocument(strategyGuideBlocks());
    expect(pages).toHaveLength(6);
    pages.forEach((page, i) => {
      for (const run of page.runs) {
        expect(run.x).toBeGreaterThanOrEqual(72);
        expect(run.x + helveticaWidth(run.text, run.size, run.bold)).toBeLessThanOrEqual(612 - 72 + 0.01);
      }
      const footer = page.runs.at(-1)!;
      expect(footer).toMatchObject({ text: `Page ${i + 1}`, y: 36, size: 9 });
    });
    // The injection sentence starts a paragraph and fits on its line, so it reads as one line.
    const runs = pages.flatMap((p) => p.runs.map((r) => r.text));
    expect(runs.some((text) => text.startsWith(INJECTION_LINE))).toBe(true);
  });
});

describe('PDF fixtures', () => {
  it('are exactly what scripts/make-test-pdfs.ts writes', () => {
    for (const [name, bytes] of Object.entries(deterministicFixtures())) {
      expect(readFileSync(join(FIXTURES_DIR, name)), `${name}: run node scripts/make-test-pdfs.ts`).toEqual(
        Buffer.from(bytes),
      );
    }
  });

  it('are small, and encrypted.pdf is there', () => {
    const names = readdirSync(FIXTURES_DIR).filter((n) => n.endsWith('.pdf'));
    expect(names.sort()).toEqual(
      ['corrupt.pdf', 'empty.pdf', 'encrypted.pdf', 'not-a-pdf.pdf', 'scanned.pdf', 'strategy-guide.pdf'].sort(),
    );
    const total = names.reduce((sum, n) => sum + statSync(join(FIXTURES_DIR, n)).size, 0);
    expect(total).toBeLessThan(50 * 1024);
    expect(latin1(readFileSync(join(FIXTURES_DIR, 'encrypted.pdf')))).toMatch(/\/Encrypt \d+ 0 R/);
  });
});
