import { withoutTimeMarkers } from '../../../src/shared/contract/knowledge.ts';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cueWindows, newWords } from '../../../src/adapters/learning/subtitles/cue-windows.ts';
import { ingestSubtitles } from '../../../src/adapters/learning/video/video-ingest.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());

function file(name: string, text: string | Buffer): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

/** An SRT cue every 20 s for `minutes` minutes. */
function talk(minutes: number): string {
  const clock = (s: number) =>
    `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')},000`;
  const cues: string[] = [];
  for (let s = 0, n = 1; s < minutes * 60; s += 20, n++)
    cues.push(`${n}\n${clock(s)} --> ${clock(s + 15)}\nPoint ${n}.\n`);
  return cues.join('\n');
}

describe('transcript windows', () => {
  it('groups cues into windows of about a minute, each covering its cues', () => {
    const cues = [0, 20, 40, 60, 80, 130].map((from, i) => ({ from, to: from + 15, text: `c${i}` }));
    expect(cueWindows(cues, 60)).toEqual([
      { text: '[0:00] c0 [0:20] c1 [0:40] c2', heading: null, seconds: { from: 0, to: 55 } },
      { text: '[1:00] c3 [1:20] c4', heading: null, seconds: { from: 60, to: 95 } },
      { text: '[2:10] c5', heading: null, seconds: { from: 130, to: 145 } },
    ]);
    expect(cueWindows(cues, 30).map((w) => withoutTimeMarkers(w.text))).toEqual(['c0 c1', 'c2 c3', 'c4', 'c5']);
    expect(cueWindows([], 60)).toEqual([]);
  });

  it('takes cues in time order', () => {
    const cues = [
      { from: 70, to: 72, text: 'later' },
      { from: 1, to: 2, text: 'first' },
    ];
    expect(cueWindows(cues, 60).map((w) => w.text)).toEqual(['[0:01] first', '[1:10] later']);
  });

  it('drops the lines roll-up captions repeat, but not a short repeat someone says', () => {
    expect(newWords(null, 'hello there')).toBe('hello there');
    expect(newWords('so wait for the sweep', 'wait for the sweep then enter')).toBe('then enter');
    expect(newWords('wait for the sweep', 'Wait for the sweep')).toBe('');
    expect(newWords('I said no', 'no no')).toBe('no no');
    const rollUp = [
      { from: 0, to: 2, text: 'wait for the sweep' },
      { from: 2, to: 2.01, text: 'wait for the sweep' },
      { from: 2.01, to: 4, text: 'wait for the sweep of the lows' },
      { from: 4, to: 6, text: 'of the lows and then enter long' },
    ];
    expect(cueWindows(rollUp, 60)).toEqual([
      {
        text: '[0:00] wait for the sweep [0:02] of the lows [0:04] and then enter long',
        heading: null,
        seconds: { from: 0, to: 6 },
      },
    ]);
  });
});

describe('ingesting a subtitle file', () => {
  it('gives a subtitles source with timed chunks', async () => {
    const text = talk(3);
    const path = file('lesson.srt', text);
    const result = await ingestSubtitles(path);
    const contentHash = createHash('sha256').update(text).digest('hex');
    expect(result.source).toEqual({
      id: contentHash.slice(0, 16),
      kind: 'subtitles',
      name: 'lesson.srt',
      bytes: Buffer.byteLength(text),
      contentHash,
      pages: null,
      durationSec: 175,
    });
    expect(result.chunks).toHaveLength(1);
    expect(result.chunks[0]).toMatchObject({
      sourceId: result.source.id,
      index: 0,
      pages: null,
      seconds: { from: 0, to: 175 },
    });
    expect(withoutTimeMarkers(result.chunks[0]!.text)).toBe(
      'Point 1. Point 2. Point 3.\nPoint 4. Point 5. Point 6.\nPoint 7. Point 8. Point 9.',
    );
    // Each cue is marked with the second it is said.
    expect(result.chunks[0]!.text.startsWith('[0:00] Point 1. [0:20] Point 2.')).toBe(true);
    expect(result.notices).toEqual([]);
    expect(result.keyframes).toEqual([]);
  });

  it('gives the same id for the same content under another name, and another id for other content', async () => {
    const a = await ingestSubtitles(file('a.srt', talk(1)));
    const b = await ingestSubtitles(file('b.vtt', `WEBVTT\n\n${talk(1).replaceAll(',000', '.000')}`));
    const c = await ingestSubtitles(file('c.srt', talk(1)));
    expect(c.source.id).toBe(a.source.id);
    expect(b.source.id).not.toBe(a.source.id);
    expect(b.chunks.map((chunk) => chunk.text)).toEqual(a.chunks.map((chunk) => chunk.text));
  });

  it('splits a long talk into several chunks, each with its seconds', async () => {
    const long = Array.from({ length: 200 }, (_, i) => {
      const s = i * 10;
      const clock = (t: number) =>
        `00:${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}.000`;
      return `${clock(s)} --> ${clock(s + 8)}\nThis is sentence number ${i} of a rather long lesson about trading ranges.`;
    }).join('\n\n');
    const result = await ingestSubtitles(file('long.vtt', `WEBVTT\n\n${long}\n`));
    expect(result.chunks.length).toBeGreaterThan(1);
    expect(result.chunks.map((c) => c.index)).toEqual(result.chunks.map((_, i) => i));
    for (const chunk of result.chunks) {
      expect(chunk.seconds).not.toBeNull();
      expect(chunk.seconds!.from).toBeLessThan(chunk.seconds!.to);
    }
    expect(result.chunks[0]!.seconds!.from).toBe(0);
    expect(result.chunks.at(-1)!.seconds!.to).toBe(1998);
  });

  it('refuses missing, empty, malformed, unknown and too large files with the name and never the folder', async () => {
    const cases: [string, Record<string, number>, RegExp][] = [
      [join(tmp.dir, 'missing.srt'), {}, /^missing\.srt cannot be read \(ENOENT\)$/],
      [file('empty.srt', '\n'), {}, /^empty\.srt has no subtitle text$/],
      [
        file('bad.srt', '1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nsoon\nx\n'),
        {},
        /^bad\.srt: line 6: expected a cue timing/,
      ],
      [file('notes.txt', 'hello'), {}, /^notes\.txt is not a subtitle file \(\.srt or \.vtt\)$/],
      [
        file('big.srt', talk(10)),
        { maxBytes: 1024 },
        /^big\.srt is \d+ KB, more than the 1 KB a subtitle file may be$/,
      ],
    ];
    for (const [path, options, message] of cases) {
      const error = await ingestSubtitles(path, options).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(tmp.dir);
    }
    await expect(ingestSubtitles(file('ok.srt', talk(1)), { windowSec: -1 })).rejects.toThrow(/windowSec/);
  });
});
