/** Where a phrase was found in a sentence. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Every match of `pattern` (which must have the `g` flag) in `text`, with its span. */
export function matchAll(pattern: RegExp, text: string): Array<{ match: RegExpExecArray; span: Span }> {
  const found: Array<{ match: RegExpExecArray; span: Span }> = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    found.push({ match, span: { start: match.index, end: match.index + match[0].length } });
    if (match[0].length === 0) pattern.lastIndex++;
  }
  return found;
}

/** True when two spans share a character. */
export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Parses a decimal written in prose ("1.5", "2"); null when it is not a finite number. */
export function numberOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number.parseFloat(text);
  return Number.isFinite(value) ? value : null;
}
