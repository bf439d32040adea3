import { deflateSync } from 'node:zlib';
import { ValidationError } from '../../../shared/contract/errors.ts';

/**
 * A minimal PDF 1.4 writer: text in the standard Helvetica fonts and 8-bit grey images, no
 * embedded fonts, no dates. It exists to make test and benchmark documents without a
 * dependency, so its output is byte-for-byte the same for the same input.
 */

/** A run of text drawn from its baseline start (x, y), in points from the bottom-left corner. */
export interface PdfTextRun {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  /** Font size in points. */
  readonly size: number;
  readonly bold?: boolean;
}

/** An 8-bit greyscale image drawn into the rectangle (x, y, width, height), in points. */
export interface PdfImage {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Pixels per row of `pixels`. */
  readonly columns: number;
  /** One byte per pixel, rows top to bottom; its length must be a multiple of `columns`. */
  readonly pixels: Uint8Array;
}

/** What one page shows. */
export interface PdfPageContent {
  readonly runs: readonly PdfTextRun[];
  readonly images?: readonly PdfImage[];
}

/** Options of {@link writePdf}. */
export interface PdfWriteOptions {
  /** Deflate the page and image streams (smaller files; the text is then not visible in the bytes). */
  readonly compress?: boolean;
  /** Page size in points; US Letter by default. */
  readonly width?: number;
  readonly height?: number;
  /** Document title, stored in the Info dictionary. */
  readonly title?: string;
}

/** US Letter, in points. */
export const LETTER = { width: 612, height: 792 } as const;

/** A number as PDF writes it: no exponent, at most two decimals. */
function num(value: number): string {
  if (!Number.isFinite(value)) throw new ValidationError(`PDF writer: ${value} is not a finite number`);
  const fixed = value.toFixed(2);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/**
 * A PDF literal string. Only printable ASCII is accepted: the fonts are set in WinAnsiEncoding
 * and anything else would come out as the wrong glyph rather than fail.
 */
function literal(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 || code > 126) {
      throw new ValidationError(
        `PDF writer: character ${JSON.stringify(text[i])} in ${JSON.stringify(text.slice(0, 40))} is not printable ASCII`,
      );
    }
  }
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/** A stream object's bytes: dictionary entries, optional deflate, the data. */
function stream(dictionary: string, data: Uint8Array, compress: boolean): Uint8Array[] {
  const body = compress ? deflateSync(data, { level: 9 }) : data;
  const filter = compress ? ' /Filter /FlateDecode' : '';
  return [
    ascii(`<< ${dictionary}${filter} /Length ${body.length} >>\nstream\n`),
    new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
    ascii('\nendstream'),
  ];
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The drawing operators of one page. */
function pageOperators(page: PdfPageContent): string {
  const ops: string[] = [];
  page.images?.forEach((image, i) => {
    ops.push(`q ${num(image.width)} 0 0 ${num(image.height)} ${num(image.x)} ${num(image.y)} cm /Im${i + 1} Do Q`);
  });
  for (const run of page.runs) {
    const font = run.bold ? '/F2' : '/F1';
    ops.push(`BT ${font} ${num(run.size)} Tf 1 0 0 1 ${num(run.x)} ${num(run.y)} Tm ${literal(run.text)} Tj ET`);
  }
  return `${ops.join('\n')}\n`;
}

/**
 * Writes a PDF with one page per entry of `pages`. Objects are numbered fonts first, then
 * each page with its content and images, then the page tree, the catalog and the info
 * dictionary last; the cross-reference table records each object's exact byte offset.
 */
export function writePdf(pages: readonly PdfPageContent[], options: PdfWriteOptions = {}): Uint8Array {
  const compress = options.compress ?? false;
  const width = options.width ?? LETTER.width;
  const height = options.height ?? LETTER.height;
  // Object bodies, indexed by number - 1; numbers are assigned before anything is written
  // because pages and the page tree refer to each other.
  const bodies: Uint8Array[][] = [];
  const add = (parts: Uint8Array[]) => bodies.push(parts);
  add([ascii('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>')]);
  add([ascii('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>')]);
  let next = 3;
  const layout = pages.map((page) => {
    const pageNo = next;
    const contentNo = next + 1;
    const imageNos = (page.images ?? []).map((_, i) => next + 2 + i);
    next += 2 + imageNos.length;
    return { page, pageNo, contentNo, imageNos };
  });
  const pagesNo = next;
  const catalogNo = next + 1;
  const infoNo = next + 2;
  for (const { page, contentNo, imageNos } of layout) {
    const xobjects = imageNos.map((n, i) => `/Im${i + 1} ${n} 0 R`).join(' ');
    const resources = `<< /Font << /F1 1 0 R /F2 2 0 R >>${xobjects ? ` /XObject << ${xobjects} >>` : ''} >>`;
    add([
      ascii(
        `<< /Type /Page /Parent ${pagesNo} 0 R /MediaBox [0 0 ${num(width)} ${num(height)}] /Resources ${resources} /Contents ${contentNo} 0 R >>`,
      ),
    ]);
    add(stream('', ascii(pageOperators(page)), compress));
    for (const image of page.images ?? []) {
      if (image.columns < 1 || image.pixels.length === 0 || image.pixels.length % image.columns !== 0) {
        throw new ValidationError('PDF writer: an image needs whole rows of pixels');
      }
      const rows = image.pixels.length / image.columns;
      add(
        stream(
          `/Type /XObject /Subtype /Image /Width ${image.columns} /Height ${rows} /ColorSpace /DeviceGray /BitsPerComponent 8`,
          image.pixels,
          compress,
        ),
      );
    }
  }
  const kids = layout.map((p) => `${p.pageNo} 0 R`).join(' ');
  add([ascii(`<< /Type /Pages /Kids [${kids}] /Count ${layout.length} >>`)]);
  add([ascii(`<< /Type /Catalog /Pages ${pagesNo} 0 R >>`)]);
  add([ascii(`<< /Producer ${literal('HyperDesk')}${options.title ? ` /Title ${literal(options.title)}` : ''} >>`)]);

  // The binary comment line tells transfer tools the file is binary, as the spec recommends.
  const out: Uint8Array[] = [ascii('%PDF-1.4\n'), new Uint8Array([0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a])];
  let offset = 15;
  const offsets: number[] = [];
  bodies.forEach((parts, i) => {
    offsets.push(offset);
    const framed = [ascii(`${i + 1} 0 obj\n`), ...parts, ascii('\nendobj\n')];
    for (const part of framed) {
      out.push(part);
      offset += part.length;
    }
  });
  // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, CR LF.
  const xref = [`xref\n0 ${bodies.length + 1}\n`, '0000000000 65535 f\r\n'];
  for (const at of offsets) xref.push(`${String(at).padStart(10, '0')} 00000 n\r\n`);
  xref.push(
    `trailer\n<< /Size ${bodies.length + 1} /Root ${catalogNo} 0 R /Info ${infoNo} 0 R >>\nstartxref\n${offset}\n%%EOF\n`,
  );
  out.push(ascii(xref.join('')));
  const total = out.reduce((sum, part) => sum + part.length, 0);
  const file = new Uint8Array(total);
  let at = 0;
  for (const part of out) {
    file.set(part, at);
    at += part.length;
  }
  return file;
}
