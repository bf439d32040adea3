/** Most words of a search that reach FTS5; the rest are ignored. */
const MAX_TERMS = 32;

/**
 * Turns what the trader typed into an FTS5 query that cannot be a syntax error: each
 * whitespace-separated word becomes a quoted phrase (inner quotes doubled), so `AND`, `OR`,
 * `NEAR`, `*`, `^`, `:`, `-` and parentheses are plain text, and all words must match. A word
 * with punctuation inside (`pin-bar`) is tokenised like the indexed text, so it matches as the
 * phrase `pin bar`. Words without a letter or digit would index nothing and are dropped.
 *
 * @returns the query, or null when nothing searchable is left
 */
export function toFtsQuery(text: string): string | null {
  const phrases = text
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, MAX_TERMS)
    .map((word) => `"${word.replaceAll('"', '""')}"`);
  return phrases.length > 0 ? phrases.join(' ') : null;
}
