import type { TranscriptCue } from '../../../shared/contract/knowledge-commands.ts';

/*
 * The video study view's choices, kept pure for tests: which keyframe a cited moment shows,
 * which transcript cue it highlights, and where the arrow keys move in the keyframe strip.
 */

/** Index of the keyframe nearest `seconds` (the earlier one on a tie); -1 when there are none. */
export function nearestKeyframeIndex(keyframes: readonly { timestamp: number }[], seconds: number): number {
  let best = -1;
  let bestDistance = Infinity;
  keyframes.forEach((k, i) => {
    const distance = Math.abs(k.timestamp - seconds);
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  return best;
}

function squash(text: string): string {
  return text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Index of the cue a citation points to: among the cues whose words share the quote's
 * beginning (or contain the quote), the one nearest the cited second; otherwise the cue being
 * spoken at that second (the last starting at or before it), else the first. -1 when there are
 * no cues.
 */
export function citedCueIndex(cues: readonly TranscriptCue[], seconds: number, quote: string): number {
  if (cues.length === 0) return -1;
  const q = squash(quote);
  const head = q.split(' ').slice(0, 6).join(' ');
  let best = -1;
  let bestDistance = Infinity;
  cues.forEach((cue, i) => {
    const text = squash(cue.text);
    const matches = q !== '' && (text.includes(head) || q.includes(text) || text.includes(q));
    if (!matches) return;
    const distance = Math.abs(cue.time - seconds);
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  if (best >= 0) return best;
  let spoken = 0;
  cues.forEach((cue, i) => {
    if (cue.time <= seconds) spoken = i;
  });
  return spoken;
}

/** The strip index after a key press (ArrowLeft/Right step, Home/End jump); null for other keys. */
export function stripIndexAfterKey(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  if (key === 'ArrowRight' || key === 'ArrowDown') return Math.min(count - 1, index + 1);
  if (key === 'ArrowLeft' || key === 'ArrowUp') return Math.max(0, index - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/** Indexes of the keyframes whose images the strip loads around `index`: `radius` on each side. */
export function stripWindow(index: number, count: number, radius: number): number[] {
  if (count <= 0) return [];
  const from = Math.max(0, index - radius);
  const to = Math.min(count - 1, index + radius);
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
