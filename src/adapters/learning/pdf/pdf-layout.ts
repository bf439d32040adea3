import { helveticaWidth } from './helvetica-metrics.ts';
import { LETTER, type PdfImage, type PdfPageContent, type PdfTextRun } from './pdf-writer.ts';

/** One block of a document to lay out. */
export type PdfBlock =
  | { readonly kind: 'title' | 'heading' | 'paragraph'; readonly text: string }
  | { readonly kind: 'page-break' }
  | { readonly kind: 'image'; readonly image: Omit<PdfImage, 'x' | 'y'> };

/** Options of {@link layoutDocument}. */
export interface PdfLayoutOptions {
  /** Where the page number is printed; the footer by default. */
  readonly pageNumbers?: 'footer' | 'header' | 'none';
  /** How a page number is printed; "Page 3" by default. */
  readonly formatPageNumber?: (page: number) => string;
}

const MARGIN = 72;
const STYLE = {
  title: { size: 22, bold: true, leading: 28, before: 0, after: 14 },
  heading: { size: 15, bold: true, leading: 19, before: 16, after: 6 },
  paragraph: { size: 11, bold: false, leading: 15, before: 0, after: 8 },
} as const;
const NUMBER_SIZE = 9;

/** Splits `text` into lines no wider than `width` points, at spaces. */
function wrap(text: string, size: number, bold: boolean, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && helveticaWidth(candidate, size, bold) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Lays blocks out on US Letter pages with one-inch margins, the way a word processor would:
 * titles and headings in Helvetica-Bold, body text in 11 pt Helvetica wrapped to the
 * margins, a heading never left alone at the foot of a page, and the page number centred
 * in the footer (or header).
 */
export function layoutDocument(blocks: readonly PdfBlock[], options: PdfLayoutOptions = {}): PdfPageContent[] {
  const where = options.pageNumbers ?? 'footer';
  const format = options.formatPageNumber ?? ((page: number) => `Page ${page}`);
  const textWidth = LETTER.width - 2 * MARGIN;
  const top = LETTER.height - MARGIN;
  const pages: { runs: PdfTextRun[]; images: PdfImage[] }[] = [];
  let page = { runs: [] as PdfTextRun[], images: [] as PdfImage[] };
  let y = top;
  const newPage = () => {
    pages.push(page);
    page = { runs: [], images: [] };
    y = top;
  };
  for (const block of blocks) {
    if (block.kind === 'page-break') {
      newPage();
      continue;
    }
    if (block.kind === 'image') {
      if (y - block.image.height < MARGIN && y < top) newPage();
      y -= block.image.height;
      page.images.push({ ...block.image, x: MARGIN, y });
      y -= STYLE.paragraph.after;
      continue;
    }
    const style = STYLE[block.kind];
    const lines = wrap(block.text, style.size, style.bold, textWidth);
    if (y < top) y -= style.before;
    // A heading keeps its first two body lines with it; a paragraph may break anywhere.
    const keep = block.kind === 'paragraph' ? 1 : lines.length + 2;
    if (y - keep * style.leading < MARGIN && y < top) newPage();
    for (const line of lines) {
      if (y - style.leading < MARGIN) newPage();
      y -= style.leading;
      page.runs.push({ text: line, x: MARGIN, y, size: style.size, bold: style.bold });
    }
    y -= style.after;
  }
  if (page.runs.length > 0 || page.images.length > 0 || pages.length === 0) pages.push(page);
  return pages.map((content, i) => {
    if (where === 'none') return content;
    const label = format(i + 1);
    const x = (LETTER.width - helveticaWidth(label, NUMBER_SIZE)) / 2;
    const numberY = where === 'footer' ? MARGIN / 2 : LETTER.height - MARGIN / 2;
    return { ...content, runs: [...content.runs, { text: label, x, y: numberY, size: NUMBER_SIZE }] };
  });
}
