import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ffmpegAvailable, findTool, requireMediaTools } from '../../../src/adapters/learning/video/ffmpeg-tools.ts';
import { keyframeFileName } from '../../../src/adapters/learning/video/keyframes.ts';
import { lastErrorLine, runTool, scrubPaths } from '../../../src/adapters/learning/video/run-tool.ts';
import { ingestVideo } from '../../../src/adapters/learning/video/video-ingest.ts';
import { findSidecarSubtitles } from '../../../src/adapters/learning/video/video-transcript.ts';
import { ConfigurationError, TransportError, ValidationError } from '../../../src/shared/contract/errors.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());
afterEach(() => vi.unstubAllEnvs());

/** An executable file standing in for a tool. */
function fakeTool(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

describe.skipIf(process.platform === 'win32')('finding ffmpeg and ffprobe', () => {
  const bin = join(tmp.dir, 'bin');
  const ffmpeg = fakeTool(bin, 'ffmpeg');
  const ffprobe = fakeTool(bin, 'ffprobe');
  const onlyFfmpeg = join(tmp.dir, 'only-ffmpeg');
  fakeTool(onlyFfmpeg, 'ffmpeg');

  it('looks on PATH', () => {
    expect(findTool('ffmpeg', { PATH: `${join(tmp.dir, 'nothing')}:${bin}` })).toBe(ffmpeg);
    expect(ffmpegAvailable({ PATH: bin })).toBe(true);
    expect(requireMediaTools({ PATH: bin })).toEqual({ ffmpeg, ffprobe });
  });

  it('takes the environment variables first, and ffprobe from beside HYPERDESK_FFMPEG', () => {
    const other = fakeTool(join(tmp.dir, 'other'), 'ffmpeg');
    fakeTool(join(tmp.dir, 'other'), 'ffprobe');
    expect(requireMediaTools({ PATH: bin, HYPERDESK_FFMPEG: other })).toEqual({
      ffmpeg: other,
      ffprobe: join(tmp.dir, 'other', 'ffprobe'),
    });
    expect(findTool('ffprobe', { PATH: '', HYPERDESK_FFPROBE: ffprobe })).toBe(ffprobe);
  });

  it('does not take a file that cannot be run', () => {
    const plain = join(tmp.dir, 'plain', 'ffmpeg');
    mkdirSync(join(tmp.dir, 'plain'));
    writeFileSync(plain, 'not a program');
    expect(findTool('ffmpeg', { PATH: join(tmp.dir, 'plain') })).toBeNull();
  });

  it('says what is missing and how to install it, naming no folder', () => {
    const check = (env: Record<string, string>, expected: RegExp) => {
      let caught: unknown;
      try {
        requireMediaTools(env);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigurationError);
      const message = (caught as Error).message;
      expect(message).toMatch(expected);
      expect(message).toContain(
        'install ffmpeg (apt-get install ffmpeg, brew install ffmpeg, or winget install ffmpeg) or set HYPERDESK_FFMPEG',
      );
      expect(message).not.toContain(tmp.dir);
    };
    check({ PATH: join(tmp.dir, 'nothing') }, /ffmpeg was not found on PATH/);
    check({ PATH: onlyFfmpeg }, /ffprobe was not found on PATH/);
    check(
      { PATH: bin, HYPERDESK_FFMPEG: join(tmp.dir, 'nowhere', 'ffmpeg-missing') },
      /HYPERDESK_FFMPEG names ffmpeg-missing, which does not exist/,
    );
    expect(ffmpegAvailable({ PATH: onlyFfmpeg })).toBe(false);
  });

  it('makes ingestVideo fail with the ConfigurationError when HYPERDESK_FFMPEG points nowhere', async () => {
    const video = join(tmp.dir, 'lesson.mp4');
    writeFileSync(video, 'anything: the tools are looked for before the file is read');
    vi.stubEnv('HYPERDESK_FFMPEG', join(tmp.dir, 'nowhere', 'ffmpeg'));
    await expect(ingestVideo(video, { keyframeDir: join(tmp.dir, 'frames') })).rejects.toThrow(
      /HYPERDESK_FFMPEG names ffmpeg, which does not exist or cannot be run; install ffmpeg \(apt-get/,
    );
    await expect(ingestVideo(video, { keyframeDir: join(tmp.dir, 'frames') })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });
});

describe('running a tool', () => {
  it('reports a program that cannot be started as a ConfigurationError', async () => {
    await expect(
      runTool(join(tmp.dir, 'missing-ffmpeg'), ['-version'], { what: 'test', timeoutMs: 5000 }),
    ).rejects.toThrow(/missing-ffmpeg could not be started \(ENOENT\)/);
  });

  it('ends a run that takes too long', async () => {
    const started = Date.now();
    await expect(
      runTool(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { what: 'a slow tool', timeoutMs: 300 }),
    ).rejects.toBeInstanceOf(TransportError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('ends a run that stops writing, and one that writes too much', async () => {
    const script = 'process.stdout.write("x"); setTimeout(() => {}, 10000)';
    await expect(
      runTool(process.execPath, ['-e', script], { what: 'a stuck tool', timeoutMs: 10_000, idleTimeoutMs: 300 }),
    ).rejects.toThrow(/a stuck tool stopped making progress/);
    await expect(
      runTool(process.execPath, ['-e', 'process.stdout.write("y".repeat(5000))'], {
        what: 'a chatty tool',
        timeoutMs: 10_000,
        maxStdoutBytes: 1000,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('passes arguments as they are, with no shell, and returns the exit code and stderr', async () => {
    const tricky = 'a "b" $(echo c); d';
    const run = await runTool(
      process.execPath,
      ['-e', 'process.stdout.write(process.argv[1]); console.error("/x/y/in.mp4: bad"); process.exit(3)', tricky],
      { what: 'echo', timeoutMs: 10_000, paths: ['/x/y/in.mp4'] },
    );
    expect(run.stdout.toString()).toBe(tricky);
    expect(run.code).toBe(3);
    expect(run.stderr.trim()).toBe('in.mp4: bad');
  });
});

describe('tool messages', () => {
  it('cuts paths to base names, longest first', () => {
    expect(scrubPaths('file:/a/b/c.mp4: no; /a/b: folder', ['/a/b', 'file:/a/b/c.mp4', '/a/b/c.mp4'])).toBe(
      'c.mp4: no; b: folder',
    );
  });

  it('keeps the last line, without the file name ffmpeg puts first', () => {
    expect(lastErrorLine('[mov @ 0x1] moov atom not found\nx.mp4: Invalid data found\n', 'x.mp4')).toBe(
      'Invalid data found',
    );
    expect(lastErrorLine('Error opening input: Bad\n', 'x.mp4')).toBe('Error opening input: Bad');
    expect(lastErrorLine('', 'x.mp4')).toBe('no message');
  });
});

describe('keyframe file names', () => {
  it('name the timestamp, with milliseconds only when needed', () => {
    expect(keyframeFileName(0)).toBe('keyframe-00-00-00.jpg');
    expect(keyframeFileName(90)).toBe('keyframe-00-01-30.jpg');
    expect(keyframeFileName(3723.5)).toBe('keyframe-01-02-03.500.jpg');
    expect(keyframeFileName(36_000)).toBe('keyframe-10-00-00.jpg');
  });
});

describe('subtitle files beside a video', () => {
  it('prefers the same base name, then English, then other languages, ignoring other files', async () => {
    const dir = join(tmp.dir, 'sidecars');
    mkdirSync(dir);
    for (const name of [
      'talk.mp4',
      'talk.fr.srt',
      'talk.en.vtt',
      'talk.SRT',
      'talk.notes.txt',
      'talks.srt',
      'other.srt',
      'talk.part.two.srt',
    ]) {
      writeFileSync(join(dir, name), '');
    }
    const found = await findSidecarSubtitles(join(dir, 'talk.mp4'));
    expect(found.map((path) => path.slice(dir.length + 1))).toEqual(['talk.SRT', 'talk.en.vtt', 'talk.fr.srt']);
    expect(await findSidecarSubtitles(join(tmp.dir, 'no-such-folder', 'talk.mp4'))).toEqual([]);
  });
});
