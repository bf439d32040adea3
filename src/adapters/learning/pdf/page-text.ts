/**
 * Puts a page's positioned text fragments back into reading order: lines from top to bottom
 * (fragments whose baselines are within a tolerance share a line), fragments left to right
 * within a line, a blank line where the vertical gap says a paragraph ends. It also finds the
 * headings (clearly larger than the body text, or set wholly in bold) and a page number
 * printed alone at the top or bottom of the page. Pure, so it is tested without a PDF.
 */

/** A fragment of text where the PDF draws it: baseline start in points from the bottom-left. */
export interface PositionedText {
  readonly str: string;
  readonly x: number;
  readonly y: number;
  /** Advance width in points. */
  readonly width: number;
  /** Font size in points. */
  readonly size: number;
  readonly bold: boolean;
}

/** A page's text in reading order. */
export interface ArrangedText {
  /** Lines joined with \n, paragraphs separated by a blank line; the printed page number left out. */
  readonly text: string;
  /** Heading lines, in order; each is also a line of `text`, word for word. */
  readonly headings: readonly string[];
  /** The page number printed in the header or footer ("iv", "12"), or null. */
  readonly printedNumber: string | null;
}

interface Line {
  y: number;
  size: number;
  bold: boolean;
  text: string;
  heading: boolean;
}

/** Lines larger than the body by this factor are headings. */
const HEADING_SIZE_RATIO = 1.15;
/** Longest heading, in characters: a longer line is body text, whatever its style. */
const MAX_HEADING_CHARS = 150;
/** Longest line taken as a heading for being bold alone (bold sentences in body text are emphasis). */
const MAX_BOLD_HEADING_CHARS = 80;
/** The share of the page height at the top and bottom where a printed page number may sit. */
const MARGIN_SHARE = 0.12;
/** "12", "- 12 -", "Page 12", "p. 12", "12 of 40", "12 / 40", and roman numerals ("xiv", not "mild"). */
const PAGE_NUMBER =
  /^(?:page|p\.)?\s*[-\u2013\u2014]?\s*(\d{1,5}|(?=[mdclxvi])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))\s*[-\u2013\u2014]?\s*(?:(?:of|\/)\s*\d{1,5})?$/i;

/** The lower quartile: most gaps between lines are within paragraphs, even when paragraphs are two lines long. */
function lowerQuartile(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 4)] ?? null;
}

/** Groups fragments into lines, top to bottom, each read left to right. */
function toLines(items: readonly PositionedText[]): Line[] {
  const sorted = items.filter((i) => i.str !== '').sort((a, b) => b.y - a.y || a.x - b.x);
  const groups: PositionedText[][] = [];
  let lineY = Number.NaN;
  let lineSize = 0;
  for (const item of sorted) {
    const current = groups.at(-1);
    // Half the smaller font size: superscripts and baseline jitter stay on their line, the
    // next line (at least ~1.0x the size below) does not.
    const tolerance = Math.max(1, 0.5 * Math.min(item.size || lineSize, lineSize || item.size));
    if (current && Math.abs(item.y - lineY) <= tolerance) {
      current.push(item);
      lineSize = Math.max(lineSize, item.size);
    } else {
      groups.push([item]);
      lineY = item.y;
      lineSize = item.size;
    }
  }
  const lines: Line[] = [];
  for (const group of groups) {
    group.sort((a, b) => a.x - b.x);
    let text = '';
    let end = Number.NEGATIVE_INFINITY;
    for (const item of group) {
      // A gap wider than a fraction of the font size is a space the PDF did not draw.
      const gap = item.x - end;
      if (text !== '' && gap > 0.15 * item.size && !/\s$/.test(text) && !/^\s/.test(item.str)) text += ' ';
      text += item.str;
      end = Math.max(end, item.x + item.width);
    }
    text = text.replace(/\s+/g, ' ').trim();
    if (text === '') continue;
    const inked = group.filter((i) => i.str.trim() !== '');
    lines.push({
      y: group[0]!.y,
      size: Math.max(...inked.map((i) => i.size)),
      bold: inked.every((i) => i.bold),
      text,
      heading: false,
    });
  }
  return lines;
}

/** The body font size: the size most characters are set in. */
function bodySize(lines: readonly Line[]): number {
  const chars = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 2) / 2;
    chars.set(size, (chars.get(size) ?? 0) + line.text.length);
  }
  let best = 0;
  let most = -1;
  for (const [size, count] of chars) {
    if (count > most || (count === most && size < best)) {
      best = size;
      most = count;
    }
  }
  return best;
}

/** The printed page number, if the top or bottom line is one, and the line's index. */
function findPageNumber(lines: readonly Line[], pageHeight: number): { value: string; index: number } | null {
  const candidates = [lines.length - 1, 0];
  for (const index of new Set(candidates)) {
    const line = lines[index];
    if (!line) continue;
    const inMargin = line.y < pageHeight * MARGIN_SHARE || line.y > pageHeight * (1 - MARGIN_SHARE);
    const match = inMargin ? PAGE_NUMBER.exec(line.text) : null;
    if (match?.[1]) return { value: match[1], index };
  }
  return null;
}

/** Arranges one page's fragments; `pageHeight` in points locates the header and footer. */
export function arrangePageText(items: readonly PositionedText[], pageHeight: number): ArrangedText {
  let lines = toLines(items);
  const pageNumber = findPageNumber(lines, pageHeight);
  if (pageNumber) lines = lines.filter((_, i) => i !== pageNumber.index);
  const body = bodySize(lines);
  // When most body text is bold, bold sets nothing apart.
  const bodyLines = lines.filter((l) => Math.abs(l.size - body) < 0.5);
  const boldChars = bodyLines.reduce((sum, l) => sum + (l.bold ? l.text.length : 0), 0);
  const boldBody = boldChars * 2 > bodyLines.reduce((sum, l) => sum + l.text.length, 0);
  for (const line of lines) {
    const larger = body > 0 && line.size >= body * HEADING_SIZE_RATIO && line.text.length <= MAX_HEADING_CHARS;
    const bold = !boldBody && line.bold && line.size >= body && line.text.length <= MAX_BOLD_HEADING_CHARS;
    line.heading = /\p{L}/u.test(line.text) && (larger || bold);
  }
  // A heading that wraps is one heading: consecutive heading lines in the same style merge.
  const merged: Line[] = [];
  for (const line of lines) {
    const previous = merged.at(-1);
    if (
      previous?.heading &&
      line.heading &&
      Math.abs(previous.size - line.size) < 0.5 &&
      previous.bold === line.bold &&
      previous.y - line.y <= 1.6 * line.size
    ) {
      previous.text = `${previous.text} ${line.text}`;
      previous.y = line.y;
      continue;
    }
    merged.push({ ...line });
  }
  // The usual distance between two lines of body text; a larger gap ends a paragraph.
  const gaps: number[] = [];
  for (let i = 1; i < merged.length; i++) {
    const [a, b] = [merged[i - 1]!, merged[i]!];
    if (!a.heading && !b.heading && Math.abs(a.size - body) < 0.5 && Math.abs(b.size - body) < 0.5) {
      gaps.push(a.y - b.y);
    }
  }
  // Capped at 1.5x the font size: when every paragraph is one line long (a list of rules),
  // every gap is a paragraph gap and the quartile alone would see none.
  const leading = Math.min(lowerQuartile(gaps.filter((g) => g > 0)) ?? body * 1.2, body * 1.5);
  const out: string[] = [];
  merged.forEach((line, i) => {
    const previous = merged[i - 1];
    if (previous && (line.heading || previous.heading || previous.y - line.y > leading * 1.3)) out.push('');
    out.push(line.text);
  });
  return {
    text: out.join('\n'),
    headings: merged.filter((l) => l.heading).map((l) => l.text),
    printedNumber: pageNumber?.value ?? null,
  };
}
