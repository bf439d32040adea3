import { describe, expect, it } from 'vitest';
import {
  citedCueIndex,
  nearestKeyframeIndex,
  stripIndexAfterKey,
  stripWindow,
} from '../../../src/renderer/src/learning/study-model.ts';
import { transcriptCues } from '../../../src/shared/contract/knowledge.ts';

const cues = [
  { time: 1, text: 'Wait for the sweep of the lows.' },
  { time: 5, text: 'Enter on the engulfing candle after the sweep.' },
  { time: 21, text: 'Stop below the swing low.' },
  { time: 40, text: 'Enter on the engulfing candle after the sweep.' },
];

describe('video study: choosing the frame and the cue', () => {
  it('picks the keyframe nearest the cited second, the earlier on a tie, none when there are none', () => {
    const frames = [{ timestamp: 0 }, { timestamp: 20 }, { timestamp: 40 }];
    expect(nearestKeyframeIndex(frames, 0)).toBe(0);
    expect(nearestKeyframeIndex(frames, 9)).toBe(0);
    expect(nearestKeyframeIndex(frames, 10)).toBe(0);
    expect(nearestKeyframeIndex(frames, 11)).toBe(1);
    expect(nearestKeyframeIndex(frames, 500)).toBe(2);
    expect(nearestKeyframeIndex([], 3)).toBe(-1);
  });

  it('highlights the cue holding the quote nearest the cited second, whatever the spacing and quote marks', () => {
    expect(citedCueIndex(cues, 5, 'Enter on the engulfing candle after the sweep.')).toBe(1);
    // The same words said again later: the repeat nearest the citation.
    expect(citedCueIndex(cues, 39, 'Enter on the  engulfing\ncandle')).toBe(3);
    expect(citedCueIndex(cues, 21, 'stop below the swing low')).toBe(2);
    // A quote spanning two cues matches the one it starts in.
    expect(citedCueIndex(cues, 1, 'Wait for the sweep of the lows. Enter on the engulfing')).toBe(0);
  });

  it('falls back to the cue being spoken at the cited second, then the first', () => {
    expect(citedCueIndex(cues, 22, 'words said nowhere')).toBe(2);
    expect(citedCueIndex(cues, 0, 'words said nowhere')).toBe(0);
    expect(citedCueIndex([], 5, 'anything')).toBe(-1);
  });

  it('moves in the strip with the arrow keys, Home and End, within its ends', () => {
    expect(stripIndexAfterKey('ArrowRight', 0, 3)).toBe(1);
    expect(stripIndexAfterKey('ArrowRight', 2, 3)).toBe(2);
    expect(stripIndexAfterKey('ArrowLeft', 0, 3)).toBe(0);
    expect(stripIndexAfterKey('ArrowLeft', 2, 3)).toBe(1);
    expect(stripIndexAfterKey('Home', 2, 3)).toBe(0);
    expect(stripIndexAfterKey('End', 0, 3)).toBe(2);
    expect(stripIndexAfterKey('Enter', 0, 3)).toBeNull();
    expect(stripIndexAfterKey('ArrowRight', 0, 0)).toBeNull();
  });

  it('loads the images of a window of frames around the selected one', () => {
    expect(stripWindow(0, 10, 2)).toEqual([0, 1, 2]);
    expect(stripWindow(5, 10, 2)).toEqual([3, 4, 5, 6, 7]);
    expect(stripWindow(9, 10, 2)).toEqual([7, 8, 9]);
    expect(stripWindow(0, 0, 2)).toEqual([]);
  });
});

describe('transcript cues from time-marked text', () => {
  it('splits at each marker, keeps its second, drops empty cues and words before the first marker', () => {
    const text =
      'intro words [0:01] Wait for the sweep.\n[0:05] Enter on the\nengulfing candle. [1:02:03] Late. [1:10]   ';
    expect(transcriptCues(text)).toEqual([
      { time: 1, text: 'Wait for the sweep.' },
      { time: 5, text: 'Enter on the engulfing candle.' },
      { time: 3723, text: 'Late.' },
    ]);
    expect(transcriptCues('no markers at all')).toEqual([]);
  });
});
