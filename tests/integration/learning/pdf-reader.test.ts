import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { layoutDocument } from '../../../src/adapters/learning/pdf/pdf-layout.ts';
import {
  DEFAULT_MAX_PDF_BYTES,
  formatBytes,
  readPdf,
  type PdfContent,
} from '../../../src/adapters/learning/pdf/pdf-reader.ts';
import { writePdf } from '../../../src/adapters/learning/pdf/pdf-writer.ts';
import { NotFoundError, ValidationError } from '../../../src/shared/contract/errors.ts';
import {
  FIXTURES_DIR,
  INJECTION_LINE,
  strategyGuideBlocks,
  strategyGuidePdf,
} from '../../../scripts/make-test-pdfs.ts';
import { tempDir } from '../../helpers/paths.ts';

const fixture = (name: string) => join(FIXTURES_DIR, name);
const tmp = tempDir('hyperdesk-pdf-test-');
afterAll(() => tmp.remove());

function tempFile(name: string, bytes: Uint8Array | string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The error a read ends with. */
async function failure(path: string, options?: Parameters<typeof readPdf>[1]): Promise<Error> {
  const error: unknown = await readPdf(path, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the read should have failed').toBeInstanceOf(Error);
  return error as Error;
}

describe('readPdf on the strategy guide', () => {
  let guide: PdfContent;
  const progress: [number, number][] = [];

  it('reads all six pages, reporting progress after each', async () => {
    guide = await readPdf(fixture('strategy-guide.pdf'), { onProgress: (done, total) => progress.push([done, total]) });
    expect(guide.pages.map((p) => p.number)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, 6]));
    expect(guide.info).toMatchObject({ pageCount: 6, title: 'The Liquidity Sweep Reversal', pdfVersion: '1.4' });
    expect(guide.pages.every((p) => p.hasTextLayer && !p.scanned && !p.hasImages && p.damaged === null)).toBe(true);
  });

  it('finds the headings of each page, by size and by bold', () => {
    expect(guide.pages.map((p) => p.headings)).toEqual([
      ['The Liquidity Sweep Reversal', 'Why the sweep works'],
      ['Market context: trade with the 4h trend', 'What I look for on the 1h'],
      ['The setup: a sweep of the lows on the 15m'],
      ['Entry', 'Stop and target'],
      ['Risk', 'Exit and management'],
      ['Journal notes'],
    ]);
  });

  it('finds the page numbers printed in the footers and keeps them out of the text', () => {
    expect(guide.pages.map((p) => p.printedNumber)).toEqual(['1', '2', '3', '4', '5', '6']);
    for (const page of guide.pages) expect(page.text).not.toMatch(/Page \d/);
  });

  it('gives the text in reading order: lines joined with \\n, paragraphs with a blank line', () => {
    const first = guide.pages[0]!.text;
    expect(
      first.startsWith('The Liquidity Sweep Reversal\n\nA field guide to buying the stop run in an uptrend.'),
    ).toBe(true);
    const order = ['A field guide', 'Why the sweep works', 'Retail traders', 'A sweep is the moment', 'I learned this'];
    const at = order.map((s) => first.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(first.split('\n\n')).toHaveLength(6);
    // Each wrapped line of a paragraph is a line of the text, words whole.
    const whole = first.replace(/\s+/g, ' ');
    expect(whole).toContain('equal lows become a pool of resting sell stops');
    expect(guide.pages[1]!.text).toContain(
      'Trade only when the 4h trend is up, meaning the 4h chart is printing higher highs',
    );
    expect(guide.pages[1]!.text.replace(/\s+/g, ' ')).toContain(
      'skip the trade when the RSI(14) on the 15m is above 70',
    );
    expect(guide.pages[3]!.text.replace(/\s+/g, ' ')).toContain(
      'A bullish break of structure (BOS) confirms the trade',
    );
  });

  it('keeps the injected instruction as an ordinary line of page 6', () => {
    const lines = guide.pages[5]!.text.split('\n');
    expect(lines.some((line) => line.startsWith(INJECTION_LINE))).toBe(true);
    expect(guide.pages.filter((p) => p.text.includes('PWNED')).map((p) => p.number)).toEqual([6]);
  });
});

describe('readPdf on pages without text', () => {
  it('reports a page that is only an image as scanned', async () => {
    const { pages } = await readPdf(fixture('scanned.pdf'));
    expect(pages).toHaveLength(2);
    expect(pages[0]).toMatchObject({ hasTextLayer: true, scanned: false, headings: ['Scanned notes'] });
    expect(pages[0]!.text).toContain('photo of my whiteboard');
    expect(pages[1]).toMatchObject({ number: 2, text: '', hasTextLayer: false, hasImages: true, scanned: true });
  });

  it('counts a scan whose only text is a stamped page number as scanned', async () => {
    const image = { x: 50, y: 80, width: 500, height: 600, columns: 4, pixels: new Uint8Array(16).fill(200) };
    const path = tempFile(
      'stamped.pdf',
      writePdf([{ runs: [{ text: '- 3 -', x: 290, y: 30, size: 9 }], images: [image] }]),
    );
    const [page] = (await readPdf(path)).pages;
    expect(page).toMatchObject({ printedNumber: '3', hasTextLayer: false, scanned: true });
  });

  it('reads a blank page as a page with nothing on it, not a scan', async () => {
    const { pages } = await readPdf(fixture('empty.pdf'));
    expect(pages).toEqual([
      {
        number: 1,
        text: '',
        headings: [],
        hasTextLayer: false,
        hasImages: false,
        scanned: false,
        printedNumber: null,
        damaged: null,
      },
    ]);
  });
});

describe('readPdf refuses bad files with a clear error naming the file', () => {
  it('a file that is not a PDF, showing how it starts', async () => {
    const error = await failure(fixture('not-a-pdf.pdf'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('not-a-pdf.pdf is not a PDF (it starts with "Trading notes, Monday")');
    const zip = tempFile('archive.pdf', new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array<number>(40).fill(0x41)]));
    expect((await failure(zip)).message).toBe(
      'archive.pdf is not a PDF (it starts with "PK\\x03\\x04AAAAAAAAAAAAAAAAAAAA…")',
    );
  });

  it('a damaged file', async () => {
    const error = await failure(fixture('corrupt.pdf'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('corrupt.pdf is damaged: Invalid PDF structure.');
  });

  it('a password-protected file', async () => {
    const error = await failure(fixture('encrypted.pdf'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('encrypted.pdf is password-protected; remove the password and try again');
  });

  it('an empty file and a PDF without pages', async () => {
    expect((await failure(tempFile('zero.pdf', new Uint8Array()))).message).toBe('zero.pdf is empty (0 bytes)');
    expect((await failure(tempFile('no-pages.pdf', writePdf([])))).message).toBe('no-pages.pdf has no pages');
  });

  it('a file larger than the limit, before reading it', async () => {
    const error = await failure(fixture('strategy-guide.pdf'), { maxBytes: 1000 });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(
      /^strategy-guide\.pdf is \d+(\.\d)? KB, more than the 1000 bytes a PDF may be; split it or raise the limit$/,
    );
    expect(DEFAULT_MAX_PDF_BYTES).toBe(200 * 1024 * 1024);
    expect(formatBytes(DEFAULT_MAX_PDF_BYTES)).toBe('200 MB');
    expect(formatBytes(250_300_000)).toBe('238.7 MB');
    expect(formatBytes(5858)).toBe('5.7 KB');
  });

  it('a file that does not exist, or is a folder', async () => {
    const missing = await failure(join(tmp.dir, 'missing.pdf'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('missing.pdf does not exist');
    expect((await failure(tmp.dir)).message).toMatch(/ is not a file$/);
  });

  it('never with a full path in the message', async () => {
    for (const name of ['not-a-pdf.pdf', 'corrupt.pdf', 'encrypted.pdf']) {
      const { message } = await failure(fixture(name));
      expect(message).not.toContain(FIXTURES_DIR);
      expect(message).not.toContain('/');
    }
  });
});

describe('readPdf on a file with one broken page', () => {
  /** The guide with page 4's page object overwritten, every offset still right. */
  function guideWithBrokenPage4(): Uint8Array {
    const bytes = writePdf(layoutDocument(strategyGuideBlocks()));
    const text = Buffer.from(bytes).toString('latin1');
    // Objects: fonts 1-2, then each page and its content: page 4 is object 9.
    const start = text.indexOf('\n9 0 obj\n') + '\n9 0 obj\n'.length;
    const end = text.indexOf('\nendobj', start);
    bytes.fill(0x29, start, end);
    return bytes;
  }

  it('reads the other pages and says why the broken one was skipped', async () => {
    const { pages } = await readPdf(tempFile('broken-page.pdf', guideWithBrokenPage4()));
    expect(pages.map((p) => p.damaged)).toEqual([null, null, null, 'Illegal character: 41', null, null]);
    expect(pages[3]).toMatchObject({ text: '', hasTextLayer: false, scanned: false });
    expect(pages[4]!.headings).toEqual(['Risk', 'Exit and management']);
  });

  it('survives a file garbled in the middle, where pdf.js leaves failures unhandled', async () => {
    // pdf.js reads ahead on page objects it is not asked for yet and leaves those reads'
    // failures unhandled; outside the reader's worker thread that would end the process.
    const bytes = strategyGuidePdf();
    const [from, to] = [Math.floor(bytes.length * 0.5), Math.floor(bytes.length * 0.7)];
    for (let i = from; i < to; i++) bytes[i] = ((i - from) * 131 + 7) % 251;
    const { pages } = await readPdf(tempFile('garbled.pdf', bytes));
    expect(pages.slice(0, 3).every((p) => p.damaged === null && p.hasTextLayer)).toBe(true);
    expect(pages.some((p) => p.damaged !== null)).toBe(true);
  });
});

describe('readPdf', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints nothing, even for damaged and broken files', async () => {
    const writes = [
      vi.spyOn(process.stdout, 'write'),
      vi.spyOn(process.stderr, 'write'),
      ...(['log', 'warn', 'error', 'info', 'debug'] as const).map((m) => vi.spyOn(console, m)),
    ];
    for (const name of ['strategy-guide.pdf', 'scanned.pdf', 'empty.pdf', 'corrupt.pdf', 'encrypted.pdf']) {
      await readPdf(fixture(name)).catch(() => undefined);
    }
    const broken = writePdf([{ runs: [{ text: 'x', x: 72, y: 700, size: 11 }] }]);
    broken.fill(0x29, 200, 260);
    await readPdf(tempFile('broken.pdf', broken)).catch(() => undefined);
    for (const spy of writes) expect(spy).not.toHaveBeenCalled();
  });

  it('fails the read, not the process, when the progress listener throws', async () => {
    const onProgress = () => {
      throw new Error('listener broke');
    };
    await expect(readPdf(fixture('strategy-guide.pdf'), { onProgress })).rejects.toThrow('listener broke');
  });

  it('reports a reader that cannot start without naming where it was looked for', async () => {
    const workerUrl = new URL('./no-such-worker.ts', import.meta.url);
    const error = await failure(fixture('strategy-guide.pdf'), { workerUrl });
    expect(error.message).toMatch(/^strategy-guide\.pdf could not be read: the PDF reader failed \(\w+\)$/);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    const reading = readPdf(fixture('strategy-guide.pdf'), { signal: controller.signal });
    controller.abort(new Error('stopped by the trader'));
    await expect(reading).rejects.toThrow('stopped by the trader');
    const already = AbortSignal.abort(new Error('already stopped'));
    await expect(readPdf(fixture('strategy-guide.pdf'), { signal: already })).rejects.toThrow('already stopped');
  });
});
