import type { Citation } from '../../../shared/contract/knowledge.ts';

/** Where a citation points, for people: "p. 3" for a page, "1:05" for a moment of a video. */
export function formatCitation(citation: Pick<Citation, 'page' | 'timestamp'>): string {
  if (citation.page !== null) return `p. ${citation.page}`;
  if (citation.timestamp !== null) return formatSeconds(citation.timestamp);
  return 'source';
}

/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A byte count as people read it. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A piece of text, marked when it is (part of) the quote. */
export interface TextPart {
  readonly text: string;
  readonly mark: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Splits `text` around the first occurrence of `quote`, matched as the citation check does:
 * any run of white space (line breaks, form feeds) matches any other, and straight and curly
 * quotes match each other. The whole text unmarked when the quote is not found.
 */
export function highlightQuote(text: string, quote: string): TextPart[] {
  const words = quote.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [{ text, mark: false }];
  const pattern = words.map((w) => escapeRegExp(w).replace(/['‘’]/g, "['‘’]").replace(/["“”]/g, '["“”]')).join('\\s+');
  const match = new RegExp(pattern, 'i').exec(text);
  if (!match) return [{ text, mark: false }];
  const parts: TextPart[] = [];
  if (match.index > 0) parts.push({ text: text.slice(0, match.index), mark: false });
  parts.push({ text: match[0], mark: true });
  const end = match.index + match[0].length;
  if (end < text.length) parts.push({ text: text.slice(end), mark: false });
  return parts;
}
