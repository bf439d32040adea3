import {
  getDocument,
  InvalidPDFException,
  OPS,
  PasswordException,
  VerbosityLevel,
  type PDFPageProxy,
} from 'pdfjs-dist/legacy/build/pdf.mjs';
import { z } from 'zod';
import { HyperdeskError, ValidationError } from '../../../shared/contract/errors.ts';
import { arrangePageText, type PositionedText } from './page-text.ts';

/**
 * The pdf.js side of reading a PDF: text and fonts of every page, and whether a page without
 * text paints images (a scan). It runs inside the PDF reader's worker thread (see
 * pdf-reader.ts); nothing here touches the file system.
 */

/** One page as read. */
export interface PdfPage {
  /** 1-based position in the file. */
  readonly number: number;
  /** The page's text in reading order (see page-text.ts); empty when it has none. */
  readonly text: string;
  /** Heading lines, in order; each is also a whole line of `text`. */
  readonly headings: readonly string[];
  /** True when the page has text besides a printed page number. */
  readonly hasTextLayer: boolean;
  /** True when the page paints at least one image. */
  readonly hasImages: boolean;
  /** No text but images: a scanned page whose words are pixels only OCR can read. */
  readonly scanned: boolean;
  /** The page number printed in the header or footer ("12", "iv"), or null. */
  readonly printedNumber: string | null;
  /** Why pdf.js could not read the page, when it could not; the page then has no text. */
  readonly damaged: string | null;
}

/** What the file says about itself. */
export interface PdfInfo {
  readonly pageCount: number;
  /** Size of the file. */
  readonly bytes: number;
  readonly title: string | null;
  readonly author: string | null;
  /** The version in the header, "1.4". */
  readonly pdfVersion: string | null;
}

/** A PDF's pages and information. */
export interface PdfContent {
  readonly pages: readonly PdfPage[];
  readonly info: PdfInfo;
}

const text = z.string().optional().catch(undefined);
/** pdf.js returns the Info dictionary as an untyped object; take the fields we use. */
const InfoSchema = z.object({ Title: text, Author: text, PDFFormatVersion: text });
const TextItemSchema = z.object({
  str: z.string(),
  transform: z.array(z.number()).min(6),
  width: z.number(),
  fontName: z.string(),
});

/** Operators that paint a raster image. */
const IMAGE_OPS: ReadonlySet<number> = new Set([
  OPS.paintImageXObject,
  OPS.paintInlineImageXObject,
  OPS.paintInlineImageXObjectGroup,
  OPS.paintImageXObjectRepeat,
  OPS.paintImageMaskXObject,
  OPS.paintImageMaskXObjectGroup,
  OPS.paintImageMaskXObjectRepeat,
]);

/** What went wrong, in pdf.js's words. */
function detailOf(error: unknown): string {
  const message = error instanceof Error ? error.message.trim() : String(error);
  return message || (error instanceof InvalidPDFException ? 'invalid PDF structure' : 'unreadable');
}

/** Turns what pdf.js threw while opening the file into an error that names it and says what to do. */
function explain(error: unknown, name: string): HyperdeskError {
  if (error instanceof HyperdeskError) return error;
  if (error instanceof PasswordException || (error instanceof Error && error.name === 'PasswordException')) {
    return new ValidationError(`${name} is password-protected; remove the password and try again`);
  }
  return new ValidationError(`${name} is damaged: ${detailOf(error)}`);
}

/** Runs a pdf.js call on the whole document, turning its failures into {@link explain}'s errors. */
async function onDocument<T>(name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explain(error, name);
  }
}

/** pdf.js could not read one page; the others may still be fine. */
class PageDamage extends Error {}

/** Runs a pdf.js call on one page, marking its failures as that page's damage. */
async function onPage<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new PageDamage(detailOf(error));
  }
}

/** Whether a font of the page is bold; known only once the page's operator list has loaded its fonts. */
function isBoldFont(page: PDFPageProxy, fontName: string): boolean {
  if (!page.commonObjs.has(fontName)) return false;
  const font: unknown = page.commonObjs.get(fontName);
  return typeof font === 'object' && font !== null && 'bold' in font && font.bold === true;
}

async function readPage(page: PDFPageProxy, number: number): Promise<PdfPage> {
  const content = await onPage(() => page.getTextContent());
  const [x0 = 0, y0 = 0, , y1 = 792] = page.view;
  const raw = content.items.flatMap((item) => {
    const parsed = TextItemSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
  const fonts = new Set(raw.map((item) => item.fontName));
  const positioned = (bold: (fontName: string) => boolean): PositionedText[] =>
    raw.map((item) => {
      const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = item.transform;
      return {
        str: item.str,
        x: e - x0,
        y: f - y0,
        width: item.width,
        size: Math.hypot(c, d) || Math.hypot(a, b),
        bold: bold(item.fontName),
      };
    });
  let arranged = arrangePageText(
    positioned(() => false),
    y1 - y0,
  );
  // The operator list costs a parse of every drawing operator (and decodes images), so it is
  // fetched only when it can change the answer: a page without text (a printed page number
  // aside) may be a scan, and bold is worth knowing only when the page mixes fonts.
  let hasImages = false;
  if (arranged.text === '' || fonts.size > 1) {
    const operators = await onPage(() => page.getOperatorList());
    hasImages = operators.fnArray.some((fn) => IMAGE_OPS.has(fn));
    if (fonts.size > 1)
      arranged = arrangePageText(
        positioned((font) => isBoldFont(page, font)),
        y1 - y0,
      );
  }
  const hasTextLayer = arranged.text.trim() !== '';
  return {
    number,
    text: arranged.text,
    headings: arranged.headings,
    hasTextLayer,
    hasImages,
    scanned: !hasTextLayer && hasImages,
    printedNumber: arranged.printedNumber,
    damaged: null,
  };
}

function damagedPage(number: number, reason: string): PdfPage {
  const empty = { text: '', headings: [], hasTextLayer: false, hasImages: false, scanned: false };
  return { number, ...empty, printedNumber: null, damaged: reason };
}

/**
 * Reads every page of a PDF held in memory. `name` (the file's base name) is what errors
 * mention. pdf.js is told to log errors only; the worker thread discards its console anyway.
 * Use readPdf (pdf-reader.ts) rather than calling this in your own thread: on a damaged file pdf.js
 * leaves rejections unhandled, which ends a Node process.
 */
export async function extractPdf(
  data: Uint8Array,
  name: string,
  onProgress?: (done: number, total: number) => void,
): Promise<PdfContent> {
  const bytes = data.byteLength;
  const task = getDocument({
    data,
    verbosity: VerbosityLevel.ERRORS,
    // Images are only counted, never looked at: no WebAssembly decoders, no system fonts.
    useWasm: false,
    useSystemFonts: false,
    disableFontFace: true,
  });
  try {
    const doc = await onDocument(name, () => task.promise);
    if (doc.numPages === 0) throw new ValidationError(`${name} has no pages`);
    const meta = await onDocument(name, () => doc.getMetadata());
    const info = InfoSchema.parse(meta.info ?? {});
    const pages: PdfPage[] = [];
    for (let number = 1; number <= doc.numPages; number++) {
      try {
        const page = await onPage(() => doc.getPage(number));
        pages.push(await readPage(page, number));
        // Drops the page's parsed fonts and images: a 300-page file is read in bounded memory.
        page.cleanup();
      } catch (error) {
        // One broken page (a bad object in a long book) costs that page, not the book.
        if (!(error instanceof PageDamage)) throw error;
        pages.push(damagedPage(number, error.message));
      }
      onProgress?.(number, doc.numPages);
    }
    const firstDamage = pages.find((p) => p.damaged !== null)?.damaged;
    if (firstDamage && pages.every((p) => p.damaged !== null)) {
      throw new ValidationError(`${name} is damaged: ${firstDamage}`);
    }
    return {
      pages,
      info: {
        pageCount: doc.numPages,
        bytes,
        title: info.Title?.trim() || null,
        author: info.Author?.trim() || null,
        pdfVersion: info.PDFFormatVersion ?? null,
      },
    };
  } finally {
    await task.destroy();
  }
}
