import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/server/cli/program.ts';
import { ROOT } from '../../helpers/paths.ts';

async function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => {
      out += t;
    },
    err: (t) => (err += t),
  });
  return { code, out, err };
}

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('hyperdesk CLI', () => {
  it('prints the version from package.json', async () => {
    expect(await cli('--version')).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
  });

  it('lists its commands in --help', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toContain('Usage: hyperdesk');
    expect(out).toMatch(/serve \[options\]/);
  });

  it('explains unknown commands and options with a non-zero exit', async () => {
    const unknown = await cli('fly');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain("unknown command 'fly'");
    const badOption = await cli('serve', '--bogus');
    expect(badOption.code).not.toBe(0);
    expect(badOption.err).toContain("unknown option '--bogus'");
  });

  it('refuses bad serve options in one clear line before starting anything', async () => {
    const port = await cli('serve', '--port', '99999');
    expect(port).toMatchObject({ code: 1, err: expect.stringMatching(/^hyperdesk: config: server\.port: /) });
    const remote = await cli('serve', '--host', '0.0.0.0', '--port', '0');
    expect(remote).toMatchObject({ code: 1, err: expect.stringContaining('--allow-remote') });
    expect(remote.err.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
