import { spawn, spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHyperdesk, startServeProcess } from '../../helpers/cli-process.ts';
import { ROOT, tempDir } from '../../helpers/paths.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('the hyperdesk executable', () => {
  it('runs as `npx hyperdesk` on the pinned Node, whatever Node is first on PATH', () => {
    // The PATH a user's shell has: no project node_modules/.bin, so the machine's own Node first.
    const PATH = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => !dir.includes('node_modules'))
      .join(delimiter);
    const result = spawnSync('npx', ['--no-install', 'hyperdesk', '--version'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH },
    });
    expect(result.stderr).not.toContain('needs Node.js 24');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('prints its version', async () => {
    const proc = runHyperdesk(['--version']);
    expect(await proc.exited).toBe(0);
    expect(proc.stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('serves the API and health on loopback, and stops cleanly on SIGTERM', async () => {
    const server = await startServeProcess(join(tmp.dir, 'serve'));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { status: string; engine: string };
    expect(health).toMatchObject({ status: 'ok', engine: 'running' });
    await server.stop();
    expect(server.child.exitCode).toBe(0);
  });

  it('fails with one clear line when the port is taken', async () => {
    const first = await startServeProcess(join(tmp.dir, 'a'));
    const port = new URL(first.url).port;
    const second = runHyperdesk(['serve', '--port', port, '--data-dir', join(tmp.dir, 'b')]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`port: ${port} is already in use`);
    await first.stop();
  });
});

describe('npm start', () => {
  it('falls back to web mode with one clear line when Electron cannot start', async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'scripts', 'start.ts'), '--port', '0', '--data-dir', join(tmp.dir, 'start')],
      {
        cwd: ROOT,
        // No Electron binary at this path: what a machine that could not download it has.
        env: { ...process.env, HYPERDESK_SKIP_BUILD: '1', ELECTRON_OVERRIDE_DIST_PATH: join(tmp.dir, 'no-electron') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const url = await waitFor(() => /running at (http:\/\/\S+)/.exec(out)?.[1], 20_000, 'web mode URL');
      const lines = out.split('\n').filter(Boolean);
      expect(lines[0]).toMatch(/^Electron is not available \(.+\); starting HyperDesk in web mode instead\.$/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
