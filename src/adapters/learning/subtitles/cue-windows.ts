import { timeMarker } from '../../../shared/contract/knowledge.ts';
import type { Cue } from './parse-subtitles.ts';

/** Seconds of talk per window by default: about a paragraph, enough context for one rule. */
export const DEFAULT_WINDOW_SEC = 60;

/** A stretch of a transcript, as the chunker takes it. */
export interface TimedSegment {
  readonly text: string;
  readonly heading: null;
  readonly seconds: { readonly from: number; readonly to: number };
}

/** Fewest repeated words taken for a roll-up overlap rather than a speaker repeating themself. */
const MIN_OVERLAP_WORDS = 3;

/**
 * The words of `current` that `previous` has not already shown. Roll-up captions (YouTube's
 * automatic ones, broadcast captions) repeat the last line of one cue as the first of the
 * next; joined as they are, every sentence would appear twice. A cue identical to the previous
 * one is dropped whole; otherwise an overlap counts only from {@link MIN_OVERLAP_WORDS} words,
 * so "no, no" said twice is kept.
 */
export function newWords(previous: string | null, current: string): string {
  if (previous === null) return current;
  if (previous.toLowerCase() === current.toLowerCase()) return '';
  const words = current.split(' ');
  const before = previous.split(' ');
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  for (let k = Math.min(words.length, before.length); k >= MIN_OVERLAP_WORDS; k--) {
    const tail = before.slice(before.length - k);
    if (tail.every((word, i) => same(word, words[i]!))) return words.slice(k).join(' ');
  }
  return current;
}

/**
 * Groups cues into windows of about `windowSec` seconds: a window takes every cue that starts
 * before its first cue's start plus `windowSec`, and covers from that start to the latest end.
 * Cues are taken in time order; roll-up repeats are removed ({@link newWords}).
 */
export function cueWindows(cues: readonly Cue[], windowSec: number = DEFAULT_WINDOW_SEC): TimedSegment[] {
  const ordered = [...cues].sort((a, b) => a.from - b.from);
  const windows: TimedSegment[] = [];
  let words: string[] = [];
  let from = 0;
  let to = 0;
  let previous: string | null = null;
  const close = () => {
    if (words.length > 0) windows.push({ text: words.join(' '), heading: null, seconds: { from, to } });
    words = [];
  };
  for (const cue of ordered) {
    if (words.length > 0 && cue.from >= from + windowSec) close();
    const fresh = newWords(previous, cue.text);
    previous = cue.text;
    if (fresh === '') continue;
    if (words.length === 0) {
      from = cue.from;
      to = cue.to;
    }
    // Each cue carries its moment, so a rule can be cited to the second it is said.
    words.push(`${timeMarker(cue.from)} ${fresh}`);
    to = Math.max(to, cue.to);
  }
  close();
  return windows;
}
