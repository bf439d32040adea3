import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../../src/server/static-files.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
const root = join(tmp.dir, 'renderer');
let base = '';
const server = createServer((req, res) => {
  // The raw request path, as the server hands it over: no URL normalisation on the way.
  void serveStatic(root, (req.url ?? '/').split('?')[0] ?? '/', res).then((served) => {
    if (!served) res.writeHead(404).end('no');
  });
});

beforeAll(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<html>app</html>');
  writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'secret');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  tmp.remove();
});

/** Sends the path exactly as written (fetch and URL would normalise `..` away). */
function get(path: string): Promise<{ status: number; type?: string; cache?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'],
          cache: res.headers['cache-control'],
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveStatic', () => {
  it('serves the shell uncached and hashed assets cached', async () => {
    expect(await get('/')).toMatchObject({
      status: 200,
      type: 'text/html; charset=utf-8',
      cache: 'no-cache',
      body: '<html>app</html>',
    });
    expect(await get('/assets/app-1234.js')).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      cache: expect.stringContaining('immutable'),
    });
  });

  it('falls back to the shell for app routes but not for missing files', async () => {
    expect(await get('/backtests/42')).toMatchObject({ status: 200, body: '<html>app</html>' });
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('never serves files outside its folder', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await get(path);
      expect(res.body, path).not.toBe('secret');
      expect(res.status, path).toBe(404);
    }
    expect((await get('/%00')).status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(404);
  });
});
