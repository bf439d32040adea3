import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestPdf } from '../../../src/adapters/learning/pdf/pdf-ingest.ts';
import { layoutDocument, type PdfBlock } from '../../../src/adapters/learning/pdf/pdf-layout.ts';
import { writePdf } from '../../../src/adapters/learning/pdf/pdf-writer.ts';
import type { Ingestion } from '../../../src/engine/learning/learning-ports.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import { FIXTURES_DIR, INJECTION_LINE } from '../../../scripts/make-test-pdfs.ts';
import { tempDir } from '../../helpers/paths.ts';

const fixture = (name: string) => join(FIXTURES_DIR, name);
const tmp = tempDir('hyperdesk-pdf-ingest-');
afterAll(() => tmp.remove());

const SCAN_NOTICE = (page: number) =>
  `page ${page} has no text layer (a scanned image); its content was not read — run OCR on the file to include it`;

describe('ingestPdf', () => {
  let guide: Ingestion;

  it('describes the source by its content hash, name and size', async () => {
    guide = await ingestPdf(fixture('strategy-guide.pdf'));
    const bytes = readFileSync(fixture('strategy-guide.pdf'));
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(guide.source).toEqual({
      id: sha.slice(0, 16),
      kind: 'pdf',
      name: 'strategy-guide.pdf',
      bytes: bytes.length,
      contentHash: sha,
      pages: 6,
      durationSec: null,
    });
    expect(guide.notices).toEqual([]);
    expect(guide.keyframes).toEqual([]);
  });

  it('chunks the guide at its headings, each chunk with its page', () => {
    expect(guide.chunks.map((c) => [c.index, c.heading, c.pages])).toEqual([
      [0, 'The Liquidity Sweep Reversal', { from: 1, to: 1 }],
      [1, 'Why the sweep works', { from: 1, to: 1 }],
      [2, 'Market context: trade with the 4h trend', { from: 2, to: 2 }],
      [3, 'What I look for on the 1h', { from: 2, to: 2 }],
      [4, 'The setup: a sweep of the lows on the 15m', { from: 3, to: 3 }],
      [5, 'Entry', { from: 4, to: 4 }],
      [6, 'Stop and target', { from: 4, to: 4 }],
      [7, 'Risk', { from: 5, to: 5 }],
      [8, 'Exit and management', { from: 5, to: 5 }],
      [9, 'Journal notes', { from: 6, to: 6 }],
    ]);
    for (const chunk of guide.chunks) {
      expect(chunk.sourceId).toBe(guide.source.id);
      expect(chunk.seconds).toBeNull();
      // The heading is the chunk's, not part of its text; footers are left out.
      expect(chunk.text.startsWith(`${chunk.heading}\n`)).toBe(false);
      expect(chunk.text).not.toMatch(/Page \d/);
    }
    const text = (heading: string) => guide.chunks.find((c) => c.heading === heading)!.text.replace(/\s+/g, ' ');
    expect(text('Risk')).toContain('Risk 2% of the account per trade.');
    expect(text('Stop and target')).toContain('The target is 2R');
    expect(text('Exit and management')).toContain('Exit when a bearish change of character (CHoCH) appears on the 15m');
    expect(text('Journal notes').startsWith(INJECTION_LINE)).toBe(true);
  });

  it('gives the same file the same source id whatever its name', async () => {
    const copy = join(tmp.dir, 'renamed copy.pdf');
    copyFileSync(fixture('strategy-guide.pdf'), copy);
    const again = await ingestPdf(copy);
    expect(again.source.id).toBe(guide.source.id);
    expect(again.source.contentHash).toBe(guide.source.contentHash);
    expect(again.source.name).toBe('renamed copy.pdf');
    expect(again.chunks).toEqual(guide.chunks);
  });

  it('gives a different file a different source id', async () => {
    const other = await ingestPdf(fixture('scanned.pdf'));
    expect(other.source.id).not.toBe(guide.source.id);
    expect(other.source.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('says which pages are scans and were not read', async () => {
    const scanned = await ingestPdf(fixture('scanned.pdf'));
    expect(scanned.notices).toEqual([SCAN_NOTICE(2)]);
    expect(scanned.chunks).toHaveLength(1);
    expect(scanned.chunks[0]).toMatchObject({ heading: 'Scanned notes', pages: { from: 1, to: 1 } });
  });

  it('says when no page has text, and suggests OCR when the pages are scans', async () => {
    const empty = await ingestPdf(fixture('empty.pdf'));
    expect(empty.chunks).toEqual([]);
    expect(empty.notices).toEqual(['empty.pdf has no text on its one page, so nothing can be learned from it']);

    const image = { x: 50, y: 80, width: 500, height: 600, columns: 2, pixels: new Uint8Array([0, 90, 180, 255]) };
    const path = join(tmp.dir, 'whiteboard.pdf');
    writeFileSync(
      path,
      writePdf([
        { runs: [], images: [image] },
        { runs: [], images: [image] },
      ]),
    );
    const scan = await ingestPdf(path);
    expect(scan.chunks).toEqual([]);
    expect(scan.notices).toEqual([
      SCAN_NOTICE(1),
      SCAN_NOTICE(2),
      'whiteboard.pdf has no text on any of its 2 pages, so nothing can be learned from it; if it is a scan, run OCR on it first',
    ]);
  });

  it('carries a long section across pages, marking each page turned', async () => {
    const blocks: PdfBlock[] = [{ kind: 'heading', text: 'Trade management' }];
    for (let i = 1; i <= 40; i++) {
      blocks.push({
        kind: 'paragraph',
        text: `Rule ${i}: move the stop to break-even at 1R and never widen it, whatever the market does next.`,
      });
    }
    const path = join(tmp.dir, 'long-section.pdf');
    writeFileSync(path, writePdf(layoutDocument(blocks)));
    const { chunks, source } = await ingestPdf(path, { maxChars: 1500 });
    expect(source.pages).toBeGreaterThan(1);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.heading === 'Trade management' && c.text.length <= 1500)).toBe(true);
    // Every rule lands in exactly one chunk, in order, on the page its chunk says.
    const joined = chunks.map((c) => c.text).join('\n');
    const rules = [...joined.matchAll(/Rule (\d+):/g)].map((m) => Number(m[1]));
    expect(rules).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const crossing = chunks.find((c) => c.pages!.to > c.pages!.from)!;
    expect(crossing.text.split('\f')).toHaveLength(crossing.pages!.to - crossing.pages!.from + 1);
    expect(chunks.at(-1)!.pages!.to).toBe(source.pages);
  });

  it('passes the reader’s errors on', async () => {
    await expect(ingestPdf(fixture('not-a-pdf.pdf'))).rejects.toThrow(ValidationError);
    await expect(ingestPdf(fixture('encrypted.pdf'))).rejects.toThrow(
      'encrypted.pdf is password-protected; remove the password and try again',
    );
  });
});
