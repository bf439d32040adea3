import { describe, expect, it } from 'vitest';
import {
  cleanCueText,
  parseSubtitles,
  subtitleFormatOf,
} from '../../../src/adapters/learning/subtitles/parse-subtitles.ts';
import { decodeSubtitleBytes } from '../../../src/adapters/learning/subtitles/read-subtitle-file.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';

function failure(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('SubRip (.srt)', () => {
  it('reads cue timings as seconds and joins the lines of a cue', () => {
    const srt =
      '1\n00:00:01,000 --> 00:00:04,250\nWait for the sweep\nof the lows.\n\n2\n01:02:03,5 --> 01:02:07,045\nThen enter.\n';
    expect(parseSubtitles(srt, 'srt', 'talk.srt')).toEqual([
      { from: 1, to: 4.25, text: 'Wait for the sweep of the lows.' },
      { from: 3723.5, to: 3727.045, text: 'Then enter.' },
    ]);
  });

  it('copes with a byte-order mark, CRLF, extra blank lines, positions and a missing blank line', () => {
    const srt =
      '\uFEFF\r\n\r\n1\r\n00:00:01,000 --> 00:00:02,000 X1:10 X2:20 Y1:5 Y2:9\r\nOne.\r\n2\r\n00:00:03.000 --> 00:00:04.000\r\nTwo.\r\n\r\n\r\n00:00:05,000 --> 00:00:06,000\r\nThree, with no number.\r\n';
    expect(parseSubtitles(srt, 'srt', 'talk.srt')).toEqual([
      { from: 1, to: 2, text: 'One.' },
      { from: 3, to: 4, text: 'Two.' },
      { from: 5, to: 6, text: 'Three, with no number.' },
    ]);
  });

  it('strips markup and decodes entities', () => {
    const srt =
      '1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Stop</i> <font color="#ff0000">below</font> the low &amp; wait&#33;\n\n2\n00:00:03,000 --> 00:00:04,000\n<b></b>\n';
    expect(parseSubtitles(srt, 'srt', 'talk.srt')).toEqual([{ from: 1, to: 2, text: 'Stop below the low & wait!' }]);
  });

  it('names the file and the line of a malformed cue', () => {
    expect(failure(() => parseSubtitles('1\n00:00:01,000 -> 00:00:02,000\nHi\n', 'srt', 'talk.srt')).message).toBe(
      'talk.srt: line 2: expected a cue timing like "00:00:01,000 --> 00:00:04,000", found "00:00:01,000 -> 00:00:02,000"',
    );
    expect(
      failure(() =>
        parseSubtitles(
          '1\n00:00:01,000 --> 00:00:02,000\nOk\n\n2\n00:00:03,000 --> 00:00:02,000\nBack\n',
          'srt',
          'a.srt',
        ),
      ).message,
    ).toBe('a.srt: line 6: the cue ends before it starts ("00:00:03,000 --> 00:00:02,000")');
    expect(failure(() => parseSubtitles('1\n00:00:61,000 --> 00:01:02,000\nx\n', 'srt', 'a.srt')).message).toMatch(
      /^a\.srt: line 2: minutes and seconds must be below 60/,
    );
    expect(failure(() => parseSubtitles('Hello there\n', 'srt', 'a.srt')).message).toMatch(/^a\.srt: line 1: expected/);
    expect(failure(() => parseSubtitles('\n\n7\n\n', 'srt', 'a.srt')).message).toBe(
      'a.srt: line 3: a cue number with no timing after it',
    );
  });

  it('reads an empty file as no cues', () => {
    expect(parseSubtitles('', 'srt', 'a.srt')).toEqual([]);
    expect(parseSubtitles('\n\n', 'srt', 'a.srt')).toEqual([]);
  });
});

describe('WebVTT (.vtt)', () => {
  it('reads cues with or without hours, identifiers and settings, skipping NOTE and STYLE blocks', () => {
    const vtt = [
      'WEBVTT - lesson 3',
      'Kind: captions',
      '',
      'NOTE this is a comment',
      'over two lines --> with an arrow',
      '',
      'STYLE',
      '::cue { color: yellow }',
      '',
      'intro',
      '00:01.000 --> 00:04.500 align:start position:10%',
      '<v Trader>Mark the <c.yellow>range</c> high.</v>',
      '',
      '01:00:00.000 --> 01:00:02.000',
      'Later.',
      '',
    ].join('\n');
    expect(parseSubtitles(vtt, 'vtt', 'talk.vtt')).toEqual([
      { from: 1, to: 4.5, text: 'Mark the range high.' },
      { from: 3600, to: 3602, text: 'Later.' },
    ]);
  });

  it('removes the word timings of automatic captions', () => {
    const vtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nbuy<00:00:01.500><c> the</c><00:00:02.000><c> dip</c>\n';
    expect(parseSubtitles(vtt, 'vtt', 'auto.vtt')).toEqual([{ from: 1, to: 3, text: 'buy the dip' }]);
  });

  it('needs the WEBVTT header and names the line of a malformed cue', () => {
    expect(failure(() => parseSubtitles('00:01.000 --> 00:02.000\nHi\n', 'vtt', 'a.vtt')).message).toBe(
      'a.vtt: line 1: a WebVTT file starts with "WEBVTT", found "00:01.000 --> 00:02.000"',
    );
    expect(failure(() => parseSubtitles('WEBVTT\n\nid-1\nnot a timing\nHi\n', 'vtt', 'a.vtt')).message).toBe(
      'a.vtt: line 4: expected a cue timing like "00:00:01.000 --> 00:00:04.000", found "not a timing"',
    );
    expect(failure(() => parseSubtitles('WEBVTT\n\n00:01.000 --> soon\nHi\n', 'vtt', 'a.vtt')).message).toMatch(
      /^a\.vtt: line 3: expected a cue timing/,
    );
    expect(failure(() => parseSubtitles('WEBVTT\n\nlonely-id\n', 'vtt', 'a.vtt')).message).toBe(
      'a.vtt: line 3: a cue identifier with no timing after it',
    );
  });

  it('is recognised by its header even in a file named .srt', () => {
    expect(parseSubtitles('WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n', 'srt', 'renamed.srt')).toEqual([
      { from: 1, to: 2, text: 'Hi' },
    ]);
  });
});

describe('subtitle text', () => {
  it('knows the formats by extension', () => {
    expect(subtitleFormatOf('a.SRT')).toBe('srt');
    expect(subtitleFormatOf('a.en.vtt')).toBe('vtt');
    expect(subtitleFormatOf('a.srt.txt')).toBeNull();
  });

  it('cleans lines into plain words', () => {
    expect(cleanCueText(['  <i>a</i>\\Nb ', '&lt;c&gt;&nbsp;&#x41;&unknown;'])).toBe('a b <c> A&unknown;');
  });

  it('decodes UTF-8, UTF-16 with a byte-order mark, and Windows-1252', () => {
    expect(decodeSubtitleBytes(Buffer.from('prix à 5 €', 'utf8'))).toBe('prix à 5 €');
    expect(decodeSubtitleBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('été', 'utf16le')]))).toBe('été');
    expect(decodeSubtitleBytes(Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]))).toBe('café €');
  });
});
