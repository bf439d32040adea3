import { hashFile } from '../hash-file.ts';
import { basename } from 'node:path';
import type { Ingestion } from '../../../engine/learning/learning-ports.ts';
import { ValidationError } from '../../../shared/contract/errors.ts';
import { chunkSegments, type TextSegment } from '../chunk-text.ts';
import { readPdf, type PdfPage, type ReadPdfOptions } from './pdf-reader.ts';

/** Options of {@link ingestPdf}. */
export interface IngestPdfOptions extends ReadPdfOptions {
  /** Longest chunk, in characters (see chunk-text.ts). */
  readonly maxChars?: number;
}

/**
 * A page's text cut at its headings: each heading starts a segment, and the text before the
 * first heading continues the section the previous page left open.
 */
function pageSegments(page: PdfPage): TextSegment[] {
  const segments: { text: string[]; heading: string | null }[] = [{ text: [], heading: null }];
  let next = 0;
  for (const line of page.text.split('\n')) {
    if (next < page.headings.length && line === page.headings[next]) {
      segments.push({ text: [], heading: line });
      next++;
    } else {
      segments.at(-1)!.text.push(line);
    }
  }
  return segments
    .map((s) => ({ text: s.text.join('\n').trim(), heading: s.heading, page: page.number }))
    .filter((s) => s.text !== '' || s.heading !== null);
}

/**
 * Reads a PDF into a source and its chunks. The source id is the first 16 hex digits of the
 * file's SHA-256, so the same file is the same source whatever it is called. Notices tell the
 * trader what was not read: scanned pages (no text layer), damaged pages, a file with no text.
 */
export async function ingestPdf(path: string, options: IngestPdfOptions = {}): Promise<Ingestion> {
  const name = basename(path);
  const { pages } = await readPdf(path, options);
  const { hash, bytes } = await hashFile(path).catch((error: unknown) => {
    throw new ValidationError(`${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  });
  const id = hash.slice(0, 16);

  const notices: string[] = [];
  for (const page of pages) {
    if (page.scanned) {
      notices.push(
        `page ${page.number} has no text layer (a scanned image); its content was not read — run OCR on the file to include it`,
      );
    }
    if (page.damaged !== null) notices.push(`page ${page.number} is damaged and was skipped (${page.damaged})`);
  }
  if (!pages.some((page) => page.hasTextLayer)) {
    const scans = pages.some((page) => page.scanned) ? '; if it is a scan, run OCR on it first' : '';
    const count = pages.length === 1 ? 'its one page' : `any of its ${pages.length} pages`;
    notices.push(`${name} has no text on ${count}, so nothing can be learned from it${scans}`);
  }

  return {
    source: { id, kind: 'pdf', name, bytes, contentHash: hash, pages: pages.length, durationSec: null },
    chunks: chunkSegments(id, pages.flatMap(pageSegments), { maxChars: options.maxChars }),
    notices,
    keyframes: [],
  };
}
